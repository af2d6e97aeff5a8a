"""Screener forms: one labelled control per item, scored as the learner answers.

    from widgets.screening_view import screening_form
    screening_form("phq9")

Every item is a standard ipywidgets ToggleButtons with the item as its label: Tab reaches each answer
button and Space or Enter presses it. The result (band, next step, source) is plain text in a live
region; a problem is shown as a sentence, never as a traceback.
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.instruments import CAGEAID_THRESHOLDS, PCL5_CUTOFF_RANGE, Instrument, instrument
from widgets.screening import CRISIS_LINE, ScreeningResult, points, score
from widgets.sources import source_line

_LABEL = {"description_width": "28em"}
_OPTION_NAMES = {"sex": "sex", "cutoff": "cut-off", "threshold": "positive at", "recent_behavior": "6b"}


# The C-SSRS result in words: "severe risk" is the triage rule's own term.
_RISK_HEADLINES = {"high": "Risk: high (severe risk by the triage rule)",
                   "review": "Risk: review (something was endorsed)", "none": "Risk: nothing endorsed"}


def _row() -> w.Layout:
    # A layout per control: the C-SSRS flow hides controls one by one through layout.display.
    return w.Layout(width="50em", max_width="100%")


def _cited(keys) -> str:
    return html.escape(source_line(keys))


def _buttons(description: str, options, value=None, width: str = "5em") -> w.ToggleButtons:
    # ToggleButtons, not Dropdowns: each answer is a <button> that Tab reaches and Space or Enter presses.
    # JupyterLab takes the arrow keys from a closed <select> (ipywidgets issue #3912).
    return w.ToggleButtons(options=options, value=value, description=description,
                           style={**_LABEL, "button_width": width}, layout=_row())


def _item_control(spec: Instrument, number: int) -> w.ToggleButtons:
    description = f"{number}. {spec.item_labels[number - 1]}"
    if spec.yes_no:
        return _buttons(description, [("No", False), ("Yes", True)])
    labels = spec.answer_labels or {}
    options = [(f"{v} {labels[v]}" if v in labels else str(v), v) for v in spec.item_values[number - 1]]
    return _buttons(description, options, width="auto" if labels else "4em")


def _option_controls(spec: Instrument) -> dict[str, w.ToggleButtons]:
    if spec.key == "auditc":
        return {"sex": _buttons("Sex (the cut-off differs)", [("Female", "female"), ("Male", "male")])}
    if spec.key == "pcl5":
        low, high = PCL5_CUTOFF_RANGE
        return {"cutoff": _buttons(f"Cut-off (the source gives {low}-{high})", list(range(low, high + 1)),
                                   spec.positive_at)}
    if spec.key == "cageaid":
        return {"threshold": _buttons("Positive at", [(f"{t} or more yes", t) for t in CAGEAID_THRESHOLDS],
                                      spec.positive_at, width="9em")}
    if spec.key == "cssrs":
        return {"recent_behavior": _buttons("6b. Was that behavior within the past 3 months?",
                                            [("No", False), ("Yes", True)])}
    return {}


def _intro(spec: Instrument) -> str:
    parts = [f"<h3>{html.escape(spec.name)}: {html.escape(spec.measures)}</h3>",
             f"<p>The labels below are short reminders, not the questions. Ask the questions from the official "
             f"form: <em>{html.escape(spec.official_form)}</em>."]
    if not spec.answer_labels and not spec.yes_no:
        parts.append(" For each item, press the score of the answer given on the form.")
    parts.append("</p>")
    if spec.key == "cssrs":
        parts.append("<p>Q3 to Q5 appear only when Q2 is yes. Where to get help: "
                     f"<strong>{html.escape(CRISIS_LINE)}</strong></p>")
    return "".join(parts)


class ScreeningForm(w.VBox):
    """A form for one instrument; `result` holds the ScreeningResult once every required answer is in."""

    def __init__(self, instrument_key: str, **kwargs):
        self.spec = instrument(instrument_key)
        self.result: ScreeningResult | None = None
        self.is_cssrs = self.spec.key == "cssrs"
        self._updating = False
        self.items = [_item_control(self.spec, n) for n in range(1, self.spec.item_count + 1)]
        self.options = _option_controls(self.spec)
        self.output = w.HTML()
        self.clear_button = w.Button(description="Clear answers", tooltip="Start this form again",
                                     layout=w.Layout(width="auto", align_self="flex-start"))
        self.clear_button.on_click(lambda _: self.clear())
        for control in [*self.items, *self.options.values()]:
            control.observe(self._changed, names="value")
        controls = list(self.items)
        if self.is_cssrs:
            controls.append(self.options["recent_behavior"])
        else:
            controls = list(self.options.values()) + controls
        super().__init__([w.HTML(_intro(self.spec)), *controls, self.output, self.clear_button], **kwargs)
        self.add_class("screening-form")
        self._changed()

    def answers(self) -> list:
        return [control.value for control in self.items]

    def clear(self) -> None:
        for control in self.items:
            control.value = None
        if "recent_behavior" in self.options:
            self.options["recent_behavior"].value = None
        self._changed()

    # -- view --------------------------------------------------------------------------------------------
    def _asked(self) -> list[bool]:
        """Which items the form asks now (the C-SSRS flow hides Q3-Q5 unless Q2 is yes)."""
        if not self.is_cssrs:
            return [True] * self.spec.item_count
        follow_up = self.items[1].value is True
        return [True, True, follow_up, follow_up, follow_up, True]

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
        if "recent_behavior" in self.options:
            recent = self.options["recent_behavior"]
            shown = self.items[5].value is True
            recent.layout.display = None if shown else "none"
            if not shown and recent.value is not None:
                recent.value = None

    def _missing(self) -> list[str]:
        missing = [str(n) for n, (c, asked) in enumerate(zip(self.items, self._asked(), strict=True), start=1)
                   if asked and c.value is None]
        missing += [_OPTION_NAMES[name] for name, c in self.options.items() if c.value is None and
                    (name != "recent_behavior" or self.items[5].value is True)]
        return missing

    def _result_html(self) -> str:
        missing = self._missing()
        if missing:
            self.result = None
            running = ""
            if not self.is_cssrs and any(v is not None for v in self.answers()):
                running = f" Running total: {points(self.spec, self.answers())}."
            return self._status(f"Still to answer: {', '.join(missing)}.{running} The result appears when "
                                "every question is answered.")
        options = {name: c.value for name, c in self.options.items()}
        self.result = score(self.spec.key, self.answers(), **options)
        return self._result_block(self.result)

    def _result_block(self, result: ScreeningResult) -> str:
        headline = _RISK_HEADLINES[result.risk] if result.risk else f"Total {result.total}: {result.band}"
        rows = [f"<p><strong>{html.escape(headline)}</strong> · "
                f"{'positive screen' if result.positive else 'not a positive screen'}</p>",
                f"<p><strong>Next step tied to this result:</strong> "
                f"{html.escape(result.next_step or 'none stated in the source')}</p>",
                f"<p>{html.escape(result.text)}</p>"]
        cited = _cited(result.source)
        rows.append(f"<p><small>Sources: {cited or html.escape(self.spec.official_form)}</small></p>")
        return f'<div role="status" aria-live="polite">{"".join(rows)}</div>'

    @staticmethod
    def _status(message: str) -> str:
        return f'<div role="status" aria-live="polite"><p>{html.escape(message)}</p></div>'


def screening_form(instrument_key: str) -> ScreeningForm:
    """The form for one instrument: "phq9", "gad7", "audit", "auditc", "dast10", "pcl5", "cageaid", "cssrs"."""
    return ScreeningForm(instrument_key)
