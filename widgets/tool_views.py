"""Views for the clinical tools: quadrant placement, the IOP week builder, the progress chart and the client
timeline.

Each view owns a plain model call (widgets.quadrant, widgets.iop_week, widgets.progress, widgets.timeline), makes it once per
change, and only shows its result: the chart drawn from that result with its text description, and a sentence. Controls are labelled standard ipywidgets
(buttons and text boxes: Tab reaches them; Space, Enter and typing operate them); a problem is shown as a sentence, never a traceback.
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.choice_controls import ChoiceGroup
from widgets.instruments import INSTRUMENTS
from widgets.iop_week import DAYS, SESSION_KINDS, ScheduledSession, WeekCheck, check_week, draw_week
from widgets.progress import PROGRESS_INSTRUMENTS, draw_trajectory, reminder, trajectory
from widgets.quadrant import SEVERITIES, SEVERITY_NOT_DIAGNOSIS, Placement, draw_placements, place
from widgets.timeline import ATTENDANCE_LIMIT, Timeline, WeekRecord, draw_timeline, timeline

_LABEL = {"description_width": "14em"}


def _layout() -> w.Layout:
    return w.Layout(width="34em", max_width="100%")


def _status(message: str) -> str:
    return f'<div role="status" aria-live="polite"><p>{html.escape(message)}</p></div>'


def _toggle(description: str, options, value=None) -> ChoiceGroup:
    # A native radio group rather than ToggleButtons or a Dropdown: one Tab stop per question, the arrow keys
    # move the answer, and the chosen one is announced as checked and shown with an outline, not colour alone.
    return ChoiceGroup(options=options, value=value, description=description, orientation="horizontal",
                       label_width=_LABEL["description_width"], layout=_layout())


class QuadrantView(w.VBox):
    """Place named clients by mental-health and substance-use severity (each low or high) and chart them."""

    def __init__(self, clients=(), **kwargs):
        self.placed: list[tuple[str, Placement]] = []  # (name, placement), in the order placed
        self.name = w.Text(description="Client name", placeholder="a fictional name", style=_LABEL,
                           layout=_layout())
        self.mental_health = _toggle("Mental-health severity", list(SEVERITIES))
        self.substance_use = _toggle("Substance-use severity", list(SEVERITIES))
        self.place_button = w.Button(description="Place client", tooltip="Add this client to the chart")
        self.clear_button = w.Button(description="Remove all clients", tooltip="Empty the chart")
        self.message = w.HTML()
        self.chart = w.HTML()
        self.figure = None
        self.place_button.on_click(lambda _: self.add())
        self.clear_button.on_click(lambda _: self.clear())
        self._just_placed = False  # nothing typed or chosen since the last placement
        for control in (self.name, self.mental_health, self.substance_use):
            control.observe(self._form_changed, names="value")
        intro = w.HTML(f"<p>Choose low or high for each severity (TIP 42, 2005, Figure 2-1). "
                       f"{html.escape(SEVERITY_NOT_DIAGNOSIS)}</p>")
        super().__init__([intro, self.name, self.mental_health, self.substance_use,
                          w.HBox([self.place_button, self.clear_button]), self.message, self.chart], **kwargs)
        self.placed = [(str(name), place(mh, su)) for name, mh, su in clients]
        self._draw()

    @property
    def clients(self) -> list[tuple[str, str, str]]:
        """The placed clients as (name, mental-health severity, substance-use severity)."""
        return [(name, p.mental_health, p.substance_use) for name, p in self.placed]

    def _form_changed(self, _change=None) -> None:
        self._just_placed = False

    def add(self) -> None:
        name = self.name.value.strip()
        if not name and self._just_placed:
            return  # the same press again (a double click): keep the placement's explanation on screen
        if not name or self.mental_health.value is None or self.substance_use.value is None:
            self.message.value = _status("Type a name and choose both severities, then press Place client.")
            return
        placement = place(self.mental_health.value, self.substance_use.value)
        placed = [(n, p) for n, p in self.placed if n != name] + [(name, placement)]
        try:
            self.figure = draw_placements(placed)
        except ValueError as problem:
            self.message.value = _status(f"Not placed: {str(problem).removeprefix('quadrant chart: ')}.")
            return
        self.placed = placed
        self.message.value = _status(f"{name} placed. {placement.text}")
        self.name.value = ""
        self._just_placed = True
        self.chart.value = self.figure.to_html()

    def clear(self) -> None:
        self.placed = []
        self._just_placed = False
        self.message.value = _status("All clients removed.")
        self._draw()

    def _draw(self) -> None:
        self.figure = draw_placements(self.placed)
        self.chart.value = self.figure.to_html()


class IOPWeekBuilder(w.VBox):
    """Build a week of IOP sessions and check its hours against the minimum."""

    def __init__(self, sessions=(), population: str = "adult", **kwargs):
        self.sessions: list[ScheduledSession] = [s if isinstance(s, ScheduledSession) else ScheduledSession(*s)
                                                 for s in sessions]
        self.population = _toggle("Client", [("Adult", "adult"), ("Adolescent", "adolescent")], population)
        self.kind = _toggle("Session kind", list(SESSION_KINDS), SESSION_KINDS[0])
        self.day = _toggle("Day", [(d[:3], d) for d in DAYS], DAYS[0])
        self.hours = w.BoundedFloatText(value=3, min=0.5, max=12, step=0.5, description="Hours (type a number)",
                                        style=_LABEL, layout=_layout())
        self.add_button = w.Button(description="Add session", tooltip="Add this session to the week")
        self.listing = w.VBox()  # one "Remove ..." button per session, so each is reached with Tab
        self.message = w.HTML()
        self.chart = w.HTML()
        self.result = None
        self.figure = None
        self.add_button.on_click(lambda _: self.add())
        self.population.observe(lambda _: self._draw(), names="value")
        super().__init__([self.population, self.kind, self.day, self.hours, self.add_button,
                          w.HTML("<strong>Sessions this week</strong> (press a session to remove it)"),
                          self.listing, self.message, self.chart], **kwargs)
        self._draw()

    def add(self) -> None:
        try:
            candidate = ScheduledSession(self.kind.value, self.day.value, self.hours.value)
            result = check_week([*self.sessions, candidate], self.population.value)
        except ValueError as problem:
            self.message.value = _status(f"Not added: {str(problem).removeprefix('iop week: ')}.")
            return
        self.sessions.append(candidate)
        self._show(result)

    def remove(self, index: int) -> None:
        del self.sessions[index]
        self._draw()

    def _remove_session(self, session: ScheduledSession) -> None:
        # By identity, not position: a double click reaches the kernel twice from the same button, and the
        # second press must not remove whichever session has moved into that place.
        index = next((i for i, s in enumerate(self.sessions) if s is session), None)
        if index is not None:
            self.remove(index)

    def _remove_button(self, session: ScheduledSession) -> w.Button:
        label = f"Remove {session.day}: {session.kind}, {session.hours:g} h"
        button = w.Button(description=label, tooltip=label, layout=w.Layout(width="auto", align_self="flex-start"))
        button.on_click(lambda _, s=session: self._remove_session(s))
        return button

    def _draw(self) -> None:
        self._show(check_week(self.sessions, self.population.value))

    def _show(self, result: WeekCheck) -> None:
        self.listing.children = [self._remove_button(s) for s in self.sessions] or [w.Label("No sessions yet.")]
        self.result = result
        self.figure = draw_week(result)
        self.message.value = _status(result.message)
        self.chart.value = self.figure.to_html()


class ProgressView(w.VBox):
    """Type weekly PHQ-9 or GAD-7 totals and see them on the severity bands."""

    def __init__(self, instrument_key: str = "phq9", scores=(), **kwargs):
        self.instrument = _toggle("Instrument", [(INSTRUMENTS[k].name, k) for k in PROGRESS_INSTRUMENTS],
                                  instrument_key)
        self.scores = w.Text(value=", ".join(map(str, scores)), description="Weekly totals",
                             placeholder="for example 8, 12, 11", continuous_update=False, style=_LABEL,
                             layout=_layout())
        self.message = w.HTML()
        self.chart = w.HTML()
        self.changes = []
        self.figure = None
        self.instrument.observe(lambda _: self._draw(), names="value")
        self.scores.observe(lambda _: self._draw(), names="value")
        super().__init__([self.instrument, self.scores, self.message, self.chart], **kwargs)
        self._draw()

    def _parsed(self) -> list[int]:
        parts = [p.strip() for p in self.scores.value.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise ValueError("type whole numbers separated by commas, for example 8, 12, 11")
        return [int(p) for p in parts]

    def _draw(self) -> None:
        key = self.instrument.value
        try:
            result = trajectory(key, self._parsed())
            self.changes = list(result.changes)
            self.figure = draw_trajectory(result)
        except ValueError as problem:
            self.changes = []
            said = str(problem).removeprefix(f"{key}: ")
            self.message.value = _status(f"Cannot draw this: {said}.")
            return
        worse = [f"week {c.to_week} moved into {c.to_band}" for c in self.changes if c.worse]
        said = ("Moves into a worse band: " + "; ".join(worse) + ".") if worse else "No move into a worse band."
        self.message.value = _status(f"{said} {reminder(key)}".strip())
        self.chart.value = self.figure.to_html()


class TimelineView(w.VBox):
    """Add a client's weeks (PHQ-9 with item 9, GAD-7, sessions attended and missed, drug test) and see them on
    one time axis, with the flags the timeline model finds."""

    TESTS = [("Negative", "negative"), ("Positive", "positive"), ("Not done", "not done")]

    def __init__(self, client: str, weeks=(), **kwargs):
        self.client = client
        first = timeline(client, list(weeks))
        self.weeks: list[WeekRecord] = list(first.weeks)
        self.week = w.BoundedIntText(value=1, min=1, max=200, description="Week number", style=_LABEL,
                                     layout=_layout())
        self.phq9 = w.Text(description="PHQ-9 total", placeholder="0-27, or leave empty", style=_LABEL,
                           layout=_layout())
        self.item9 = _toggle("PHQ-9 item 9", [("0", 0), ("1", 1), ("2", 2), ("3", 3), ("Not given", None)], None)
        self.gad7 = w.Text(description="GAD-7 total", placeholder="0-21, or leave empty", style=_LABEL,
                           layout=_layout())
        self.attended = w.BoundedIntText(value=0, min=0, max=ATTENDANCE_LIMIT, description="Sessions attended",
                                         style=_LABEL, layout=_layout())
        self.missed = w.BoundedIntText(value=0, min=0, max=ATTENDANCE_LIMIT, description="Sessions missed",
                                       style=_LABEL, layout=_layout())
        self.test = _toggle("Drug test", self.TESTS, "not done")
        self.substance = w.Text(description="Positive for", placeholder="the substance, if positive",
                                style=_LABEL, layout=_layout())
        self.add_button = w.Button(description="Add week", tooltip="Add this week to the timeline")
        self.remove_button = w.Button(description="Remove last week", tooltip="Take the last week off the timeline")
        self.message = w.HTML()
        self.chart = w.HTML()
        self.result: Timeline | None = None
        self.figure = None
        self.add_button.on_click(lambda _: self.add())
        self.remove_button.on_click(lambda _: self.remove_last())
        super().__init__([self.week, self.phq9, self.item9, self.gad7, self.attended, self.missed, self.test,
                          self.substance, w.HBox([self.add_button, self.remove_button]), self.message,
                          self.chart], **kwargs)
        self._show(first)

    @staticmethod
    def _number(text: str, name: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(f"type the {name} as a whole number, or leave it empty")
        return int(text)

    def _entry(self) -> dict:
        test = self.test.value
        if test == "positive":
            test = f"positive for {self.substance.value.strip()}" if self.substance.value.strip() else "positive"
        return {"week": self.week.value, "phq9": self._number(self.phq9.value, "PHQ-9 total"),
                "item9": self.item9.value, "gad7": self._number(self.gad7.value, "GAD-7 total"),
                "attended": self.attended.value, "missed": self.missed.value, "test": test}

    def add(self) -> None:
        try:
            entry = self._entry()
            if self.test.value == "positive" and entry["test"] == "positive":
                raise ValueError("type the substance the test was positive for")
            result = timeline(self.client, [*self.weeks, entry])
        except ValueError as problem:
            self.message.value = _status(f"Not added: {problem}.")
            return
        self.weeks = list(result.weeks)
        self.week.value = self.weeks[-1].week + 1
        self._show(result)

    def remove_last(self) -> None:
        if not self.weeks:
            self.message.value = _status("There is no week to remove.")
            return
        self.weeks = self.weeks[:-1]
        self._show(timeline(self.client, self.weeks))

    def _show(self, result: Timeline) -> None:
        self.result = result
        self.figure = draw_timeline(result)
        if self.weeks:
            self.week.value = self.weeks[-1].week + 1
        self.message.value = _status(result.summary if result.weeks else "No weeks yet: add the first week.")
        self.chart.value = self.figure.to_html()


def quadrant_view(clients=()) -> QuadrantView:
    return QuadrantView(clients)


def iop_week_builder(sessions=(), population: str = "adult") -> IOPWeekBuilder:
    check_week(sessions, population)  # a clear ValueError for a bad week, before any control is built
    return IOPWeekBuilder(sessions, population)


def progress_view(instrument_key: str = "phq9", scores=()) -> ProgressView:
    trajectory(instrument_key, list(scores))  # a clear ValueError for a bad instrument or score
    return ProgressView(instrument_key, scores)


def client_timeline(client: str, weeks=()) -> TimelineView:
    timeline(client, list(weeks))  # a clear ValueError for a bad week, before any control is built
    return TimelineView(client, weeks)
