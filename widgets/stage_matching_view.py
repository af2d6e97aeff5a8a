"""The stage-matching exercise as a widget: one card per client statement.

Each card quotes the statement and offers two radio groups (widgets.choice_controls.ChoiceGroup: Tab reaches a
group once, the arrow keys move the answer, the checked answer is announced), one for the stage of change and
one for the approach, and a Check button. The verdict is the model's (widgets.stage_matching); it is written
into a live region (role="status", aria-live="polite") so a screen reader announces it, with its source line.

    from widgets.stage_matching import stage_matching
    stage_matching("05-integrated-treatment-in-iop")
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.choice_controls import ChoiceGroup
from widgets.stage_matching import Exercise, Statement, Verdict

NO_CHOICE = "Choose a stage and an approach first, then press Check."


def verdict_html(verdict: Verdict) -> str:
    mark = "\u2713 Right." if verdict.correct else "\u2717 Not yet."
    source = f"<br><small>Source: {html.escape(verdict.citation_text())}</small>" if verdict.sources else ""
    return (f"<div role='status' aria-live='polite'><strong>{mark}</strong> {html.escape(verdict.feedback)}"
            f"{source}</div>")


class StatementCard:
    """One statement: the quote, a stage radio group, an approach radio group, Check, and the verdict."""

    def __init__(self, exercise: Exercise, statement: Statement, number: int):
        self.exercise, self.statement = exercise, statement
        self.quote = w.HTML(f"<p><strong>{number}.</strong> <q>{html.escape(statement.text)}</q></p>")
        self.stage = ChoiceGroup(options=[(label, key) for key, label in exercise.stages.items()],
                                 description=f"Stage of change, statement {number}:", orientation="horizontal",
                                 label_width="16em")
        self.approach = ChoiceGroup(options=[(label, key) for key, label in exercise.approaches.items()],
                                    description=f"Approach that fits, statement {number}:", label_width="16em")
        self.check_button = w.Button(description="Check", button_style="primary",
                                     tooltip=f"Check your sort of statement {number}")
        self.feedback = w.HTML("<div role='status' aria-live='polite'></div>")
        self.check_button.on_click(self._check)
        # The verdict always belongs to the choices on screen: a new pick clears it.
        self.stage.observe(self._clear, names="value")
        self.approach.observe(self._clear, names="value")
        self.widget = w.VBox([self.quote, self.stage, self.approach, self.check_button, self.feedback])

    def _check(self, _button=None) -> None:
        if self.stage.value is None and self.approach.value is None:
            self.feedback.value = f"<div role='status' aria-live='polite'>{NO_CHOICE}</div>"
            return
        verdict = self.exercise.check(self.statement.id, self.stage.value, self.approach.value)
        self.feedback.value = verdict_html(verdict)

    def _clear(self, _change=None) -> None:
        self.feedback.value = "<div role='status' aria-live='polite'></div>"


class StageMatchingView:
    """The exercise as a column of statement cards. Displays itself when it is the last line of a cell."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.cards = [StatementCard(exercise, s, n) for n, s in enumerate(exercise.statements, start=1)]
        heading = w.HTML(f"<h3>{html.escape(exercise.title)}</h3>"
                         "<p><em>Not graded. For each statement, choose the stage of change it shows and the "
                         "approach that fits it, then press Check.</em></p>")
        self.widget = w.VBox([heading, *(card.widget for card in self.cards)])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
