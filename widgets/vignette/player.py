"""The vignette player: a thin ipywidgets view over a Session.

Situation, choices as buttons, feedback after each choice, progress, and at the end a debrief with the
learner's path and score and a button to play again. Buttons are native <button>s: Tab reaches them and
Enter or Space presses them. Colour never carries meaning alone: feedback says its points in words.
"""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.sources import source_line
from widgets.vignette.model import Session, Vignette

# Long choice texts wrap instead of being cut off; focus stays clearly visible for keyboard users.
_STYLE = """<style>
.vignette-player .vignette-choice { white-space: normal; height: auto; min-height: 2.4em; text-align: left;
  padding: 0.4em 0.8em; line-height: 1.35; }
.vignette-player .vignette-choice:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
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
        self.session = Session(vignette)
        self._shown = 0  # how many times the player has been drawn; see _clicked
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
        self.choices = w.VBox(layout=w.Layout(gap="0.4em"))
        self.restart_button = w.Button(
            description="Play this case again", icon="rotate-left", tooltip="Start the case from the beginning",
            layout=w.Layout(width="auto"),
        )
        self.restart_button.on_click(lambda _: self.restart())
        super().__init__(
            [self.header, self.progress, self.feedback, self.situation, self.choices, self.restart_button],
            **kwargs,
        )
        self.add_class("vignette-player")
        self._render(last=None)

    # -- actions -----------------------------------------------------------------------------------------
    def choose(self, index: int) -> None:
        step = self.session.choose(index)
        self._render(last=step)

    def _clicked(self, index: int, shown: int) -> None:
        # A button stays on screen until the browser draws the next decision, so a double click, or a click
        # made while the kernel is busy, can arrive from buttons that are already gone. Each button knows
        # which screen it was drawn for; a press from an earlier screen is ignored instead of being applied
        # to a decision the learner has not seen yet.
        if shown == self._shown:
            self.choose(index)

    def restart(self) -> None:
        self.session.restart()
        self._render(last=None)

    # -- view --------------------------------------------------------------------------------------------
    def _render(self, last) -> None:
        self._shown += 1
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
            self.choices.children = []
        else:
            self.choices.children = [self._choice_button(i, c.text) for i, c in enumerate(node.choices)]
        self.restart_button.layout.display = None if session.steps else "none"

    def _choice_button(self, index: int, text: str) -> w.Button:
        button = w.Button(description=text, tooltip=text, layout=w.Layout(width="100%", height="auto"))
        button.add_class("vignette-choice")
        button.on_click(lambda _, i=index, shown=self._shown: self._clicked(i, shown))
        return button

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
