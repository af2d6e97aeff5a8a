"""The vignette player: a thin ipywidgets view over a Playthrough.

Situation, choices as buttons, feedback after each choice, progress, and at the end a debrief with the
learner's path and score and a button to play again. A case decision is a list of native <button>s
(widgets.choice_controls.ChoiceButtons): Tab reaches them, Enter or Space makes the choice at once, and the
focus then moves to the next decision's first choice (or to "Play this case again" at the end). Colour never
carries meaning alone: feedback says its points in words.
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.choice_controls import ChoiceButtons
from widgets.sources import source_line
from widgets.vignette.model import Playthrough, Vignette

# Choice buttons and their focus outline are styled by widgets.choice_controls; these are the case's text panels.
_STYLE = """<style>
.vignette-player .vignette-panel { border-left: 4px solid #56B4E9; padding: 0.2em 0.8em; margin: 0.4em 0; }
.vignette-player .vignette-feedback { border-left: 4px solid #E69F00; padding: 0.2em 0.8em; }
.vignette-player .vignette-source { font-size: 0.85em; line-height: 1.4; overflow-wrap: anywhere; }
</style>"""


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.strip().split("\n\n") if p.strip())


def _cite(keys) -> str:
    return html.escape(source_line(keys))


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


class VignettePlayer(w.VBox):
    """Plays one vignette. `VignettePlayer(vignette)`; shown when it is the last value of a cell."""

    def __init__(self, vignette: Vignette, **kwargs):
        self.session = Playthrough(vignette)
        self.header = w.HTML(
            _STYLE
            + f"<h3>Case: {html.escape(vignette.title)}</h3>"
            + f"<p><em>{html.escape(vignette.fictional_notice)}</em></p>"
            + f"<p><strong>{html.escape(vignette.client_name)}</strong>: {html.escape(vignette.client_summary)}</p>"
        )
        self.progress = w.Label(layout=w.Layout(margin="0.3em 0"))
        self.progress.add_class("vignette-progress")
        self.feedback = w.HTML()
        self.situation = w.HTML()
        self.choices = ChoiceButtons(on_choose=self._clicked, on_restart=self.restart,
                                     label=f"Your choices in the case of {vignette.client_name}")
        super().__init__([self.header, self.progress, self.feedback, self.situation, self.choices], **kwargs)
        self.add_class("vignette-player")
        self._render(last=None)

    # -- actions -----------------------------------------------------------------------------------------
    def choose(self, index: int) -> None:
        step = self.session.choose(index)
        self._render(last=step)

    def _clicked(self, index: int, shown: int) -> None:
        # A button stays on screen until the browser draws the next decision, so a double click, or a click
        # made while the kernel is busy, can arrive from buttons that are already gone. Each press names the
        # screen it was drawn for; a press from an earlier screen is ignored instead of being applied to a
        # decision the learner has not seen yet.
        choices = self.session.current.choices
        if shown == self.choices.screen and not self.session.finished and 0 <= index < len(choices):
            self.choose(index)

    def restart(self) -> None:
        self.session.restart()
        self._render(last=None)

    # -- view --------------------------------------------------------------------------------------------
    def _render(self, last) -> None:
        session, node = self.session, self.session.current
        decisions = len(session.steps)
        if session.finished:
            self.progress.value = (f"Case complete after {decisions} decisions: "
                                   f"{session.score} of {session.vignette.max_score} possible points.")
        else:
            self.progress.value = (f"Decision {decisions + 1} · {_points(session.score)} so far "
                                   f"(best possible in this case: {session.vignette.max_score})")
        self.feedback.value = self._feedback_html(last)
        self.situation.value = f'<div class="vignette-panel">{_paragraphs(node.situation)}</div>'
        if session.finished:
            self.situation.value += self._debrief_html()
        self.choices.show([] if session.finished else [c.text for c in node.choices], can_restart=bool(session.steps))

    def _feedback_html(self, last) -> str:
        if last is None:
            return ""
        best = max(c.score for c in last.node.choices)
        verdict = "Best choice here." if last.choice.score == best else f"Another choice here was worth more ({_points(best)})."
        return (
            '<div class="vignette-feedback" role="status" aria-live="polite">'
            f"<p><strong>You chose:</strong> {html.escape(last.choice.text)}</p>"
            f"<p><strong>{_points(last.choice.score)}.</strong> {verdict}</p>"
            f"{_paragraphs(last.choice.feedback)}"
            f'<p class="vignette-source">Source: {_cite(last.choice.sources)}</p></div>'
        )

    def _debrief_html(self) -> str:
        session, node = self.session, self.session.current
        path = "".join(
            f"<li>{html.escape(step.choice.text)} <em>({_points(step.choice.score)})</em></li>"
            for step in session.steps
        )
        sources = f'<p class="vignette-source">Source: {_cite(node.sources)}</p>' if node.sources else ""
        return (
            '<div class="vignette-panel"><h4>Debrief</h4>'
            f"{_paragraphs(node.debrief or '')}"
            f"<p><strong>Your path</strong> ({session.score} of {session.vignette.max_score} possible points):</p>"
            f"<ol>{path}</ol>{sources}</div>"
        )
