"""Screener forms: one labelled control per item, scored as the learner answers.

    from widgets.screening_view import screening_form
    screening_form("phq9")

Every item is a radio group (widgets.choice_controls.ChoiceGroup) labelled by the item: Tab reaches each item
once, the arrow keys (or a click) choose the answer, and the browser announces which one is checked. The result (band, next step, source) is plain text in a live
region; a problem is shown as a sentence, never as a traceback.

The form asks what the instrument declares (widgets.instruments): each item's answers, the settings and
follow-up questions besides the items, and the screener's flow (which items are asked given the earlier
answers); an item the flow skips is hidden and cleared.

A risk signal (a SafetyFlag on the result) is shown first, in a bordered box headed "Safety first" with
role="alert", so it is announced and never carried by colour alone. The form only shows what the model
returns: the box holds the flag's own signal, steps and note, and the next step is the result's.
"""

from __future__ import annotations

import html
import re

import ipywidgets as w

from widgets.choice_controls import ChoiceGroup
from widgets.instruments import Instrument, Setting, instrument
from widgets.screening import SafetyFlag, ScreeningResult, points, score
from widgets.sources import source_line

_LABEL_WIDTH = "28em"

# A heavy border and a heading say "Safety first" without relying on colour; the pale background only adds to it.
_SAFETY_STYLE = ("border: 3px solid #000000; border-left-width: 12px; background: #fff4e5; color: #000000; "
                 "padding: 0.25em 1em; margin: 0.5em 0")
NO_STEP = "The source ties no specific step to this result."


def _row() -> w.Layout:
    # A layout per control: the C-SSRS flow hides controls one by one through layout.display.
    return w.Layout(width="60em", max_width="100%")


def _cited(keys) -> str:
    return html.escape(source_line(keys))


def _buttons(description: str, options, value=None) -> ChoiceGroup:
    # A native radio group, not ToggleButtons or a Dropdown: Tab reaches the item once, the arrow keys move the
    # answer, and the checked answer is announced as checked (a pressed ToggleButton is announced as nothing).
    return ChoiceGroup(options=options, value=value, description=description, orientation="horizontal",
                       label_width=_LABEL_WIDTH, layout=_row())


def _item_control(spec: Instrument, number: int) -> ChoiceGroup:
    return _buttons(f"{number}. {spec.item_labels[number - 1]}", list(spec.choices(number)))


def _setting_control(setting: Setting) -> ChoiceGroup:
    return _buttons(setting.label, list(setting.choices), setting.default)


def _emphasised(text: str) -> str:
    """Plain text as HTML, with **words** in bold."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text, quote=False))


def _intro(spec: Instrument) -> str:
    parts = [f"<h3>{html.escape(spec.name)}: {html.escape(spec.measures)}</h3>",
             f"<p>The labels below are short reminders, not the questions. Ask the questions from the official "
             f"form: <em>{html.escape(spec.official_form)}</em>."]
    if not spec.answer_labels and not spec.yes_no:
        parts.append(" For each item, press the score of the answer given on the form.")
    parts.append("</p>")
    if spec.form_note:
        parts.append(f"<p>{_emphasised(spec.form_note)}</p>")
    return "".join(parts)


def safety_box(flag: SafetyFlag) -> str:
    """A risk signal as the learner sees it: heading, signal, numbered steps and where they come from."""
    steps = "".join(f"<li>{html.escape(step[0].upper() + step[1:])}</li>" for step in flag.steps)
    return (f'<div role="alert" class="screening-safety" style="{_SAFETY_STYLE}">'
            f"<p><strong>Safety first:</strong> {html.escape(flag.signal)}.</p>"
            f"<p><strong>Do this now:</strong></p><ol>{steps}</ol>"
            f"<p><small>{html.escape(flag.note)}</small></p></div>")


class ScreeningForm(w.VBox):
    """A form for one instrument; `result` holds the ScreeningResult once every required answer is in."""

    def __init__(self, instrument_key: str, **kwargs):
        self.spec = instrument(instrument_key)
        self.result: ScreeningResult | None = None
        self._updating = False
        self.items = [_item_control(self.spec, n) for n in range(1, self.spec.item_count + 1)]
        self.options = {setting.name: _setting_control(setting) for setting in self.spec.settings}
        self.output = w.HTML()
        self.clear_button = w.Button(description="Clear answers", tooltip="Start this form again",
                                     layout=w.Layout(width="auto", align_self="flex-start"))
        self.clear_button.on_click(lambda _: self.clear())
        for control in [*self.items, *self.options.values()]:
            control.observe(self._changed, names="value")
        # Settings come before the items; a follow-up question comes after the item it follows.
        before = [self.options[s.name] for s in self.spec.settings if s.follows_yes_to is None]
        after = [self.options[s.name] for s in self.spec.settings if s.follows_yes_to is not None]
        controls = [*before, *self.items, *after]
        super().__init__([w.HTML(_intro(self.spec)), *controls, self.output, self.clear_button], **kwargs)
        self.add_class("screening-form")
        self._changed()

    def answers(self) -> list:
        return [control.value for control in self.items]

    def clear(self) -> None:
        for control in self.items:
            control.value = None
        for setting in self._follow_ups():
            self.options[setting.name].value = None
        self._changed()

    # -- view --------------------------------------------------------------------------------------------
    def _follow_ups(self) -> list[Setting]:
        return [s for s in self.spec.settings if s.follows_yes_to is not None]

    def _asked(self) -> tuple[bool, ...]:
        """Which items the form asks now: the instrument's flow, given the answers so far."""
        return self.spec.asked(self.answers())

    def _changed(self, _change=None) -> None:
        if self._updating:  # resetting a skipped question fires this again; one update is enough
            return
        self._updating = True
        try:
            self._apply_flow()
            self.output.value = self._result_html()
        except Exception as problem:  # the learner sees a sentence, never a traceback
            self.result = None
            self.output.value = self._status(f"This form could not be scored: {problem}")
        finally:
            self._updating = False

    def _apply_flow(self) -> None:
        for control, asked in zip(self.items, self._asked(), strict=True):
            control.layout.display = None if asked else "none"
            if not asked and control.value is not None:
                control.value = None
        for setting in self._follow_ups():
            control = self.options[setting.name]
            shown = setting.asked(self.answers())
            control.layout.display = None if shown else "none"
            if not shown and control.value is not None:
                control.value = None

    def _missing(self) -> list[str]:
        missing = [str(n) for n, (c, asked) in enumerate(zip(self.items, self._asked(), strict=True), start=1)
                   if asked and c.value is None]
        missing += [s.short_name for s in self.spec.settings
                    if self.options[s.name].value is None and s.asked(self.answers())]
        return missing

    def _result_html(self) -> str:
        missing = self._missing()
        if missing:
            self.result = None
            running = ""
            if self.spec.running_total and any(v is not None for v in self.answers()):
                running = f" Running total: {points(self.spec, self.answers())}."
            return self._status(f"Still to answer: {', '.join(missing)}.{running} The result appears when "
                                "every question is answered.")
        options = {name: c.value for name, c in self.options.items()}
        self.result = score(self.spec.key, self.answers(), **options)
        return self._result_block(self.result)

    def _result_block(self, result: ScreeningResult) -> str:
        alerts = "".join(safety_box(flag) for flag in result.flags)
        step = (f"<strong>Next step tied to this result:</strong> {html.escape(result.next_step)}" if result.next_step
                else html.escape(NO_STEP))
        rows = [f"<p><strong>{html.escape(result.headline)}</strong></p>", f"<p>{step}</p>",
                f"<p>{html.escape(result.detail)}</p>"]  # the flags' own words are in the box above
        cited = _cited(result.source)
        rows.append(f"<p><small>Sources: {cited or html.escape(self.spec.official_form)}</small></p>")
        return f'{alerts}<div role="status" aria-live="polite">{"".join(rows)}</div>'

    @staticmethod
    def _status(message: str) -> str:
        return f'<div role="status" aria-live="polite"><p>{html.escape(message)}</p></div>'


def screening_form(instrument_key: str) -> ScreeningForm:
    """The form for one instrument, named by its key in widgets.instruments.INSTRUMENTS (for example "gad7")."""
    return ScreeningForm(instrument_key)
