"""The module evaluation form: one cell the learner runs, then a form they fill in with the mouse or the keyboard.

    from widgets.evaluation_view import evaluation_form
    evaluation_form("01-co-occurring-disorders")

Each question is a labelled radio group (widgets.choice_controls.ChoiceGroup: Tab reaches it once, the arrow
keys choose the answer), the comment a labelled text box, and a Save button. Saving writes evaluation.json
in the module's folder (widgets.evaluation) and says so in a live region (role="status", aria-live="polite"),
so a screen reader announces it. Running the cell only shows the form, filled in with what was saved before:
it never writes, so grading (which runs every cell) leaves the learner's evaluation as it was. Anything that
goes wrong is said in a sentence; the cell never ends in a traceback.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from widgets.choice_controls import ChoiceGroup
from widgets.evaluation import (
    COMMENT_LIMIT,
    EVALUATION_FILE,
    OBJECTIVE_MET,
    SCALES,
    Evaluation,
    EvaluationError,
    read_evaluation,
    save_evaluation,
)

INTRO = ("<p><strong>Your evaluation of this module</strong> (not graded; about two minutes). It helps your "
         "trainer improve the course and is part of the course's continuing-education record. Choose an answer "
         "for each question (Tab moves between questions, the arrow keys choose), add a comment if you like, "
         "then press <strong>Save my evaluation</strong>. It is saved in this module's folder and handed in "
         "with your next Submit. You can change it and save again at any time.</p>")
NOT_SAVED = "Not saved yet."


def _status(message: str) -> str:
    return f'<div role="status" aria-live="polite"><p>{html.escape(message)}</p></div>'


def module_objectives(folder: Path) -> dict[str, str]:
    """The module's learning objectives, from its notebook's metadata (curriculum.objectives)."""
    import nbformat

    found: dict[str, str] = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            meta = nbformat.read(path, as_version=4).metadata.get("curriculum", {})
        except Exception:  # a notebook that cannot be read gives no objectives; the rest of the form still works
            continue
        found.update({str(k): str(v) for k, v in (meta.get("objectives") or {}).items()})
    return found


class EvaluationForm(w.VBox):
    """The form for one module; `save()` is what the Save button does."""

    def __init__(self, module: str, folder: str | Path | None = None, objectives: dict[str, str] | None = None,
                 **kwargs):
        self.module = module
        self.folder = Path.cwd() if folder is None else Path(folder)
        self.objectives = module_objectives(self.folder) if objectives is None else dict(objectives)
        layout = w.Layout(width="100%", max_width="60em")
        self.objective_groups = {
            key: ChoiceGroup(options=list(OBJECTIVE_MET), orientation="horizontal", layout=layout,
                             description=f"Did this module help you meet objective {key}: {text}?")
            for key, text in self.objectives.items()}
        self.scales = {name: ChoiceGroup(options=list(answers), description=question, layout=layout)
                       for name, question, answers in SCALES}
        # continuous_update=False: the comment reaches the kernel whole when the box loses the focus (Tab or a
        # click on Save), before the press; sent keystroke by keystroke, the last ones could arrive after it.
        self.comment = w.Textarea(description="Comment (optional)", placeholder="What helped, what was unclear, "
                                  "what you would change", style={"description_width": "initial"},
                                  continuous_update=False,
                                  layout=w.Layout(width="100%", max_width="60em", height="6em"))
        self.save_button = w.Button(description="Save my evaluation", icon="save", layout=w.Layout(width="max-content"),
                                    tooltip=f"Save your answers in {EVALUATION_FILE} in this module's folder")
        self.save_button.on_click(lambda _: self.save())
        self.status = w.HTML(_status(NOT_SAVED))
        self._fill_from_file()
        super().__init__([w.HTML(INTRO), *self.objective_groups.values(), *self.scales.values(), self.comment,
                          self.save_button, self.status], **kwargs)

    def _fill_from_file(self) -> None:
        try:
            saved = read_evaluation(self.folder)
        except EvaluationError:
            self.status.value = _status("An earlier evaluation file could not be read; fill in the form and "
                                        "press Save my evaluation to replace it.")
            return
        if saved is None:
            return
        for key, group in self.objective_groups.items():
            if saved.objectives.get(key) in OBJECTIVE_MET:
                group.value = saved.objectives[key]
        for name, group in self.scales.items():
            value = getattr(saved, name)
            if value in [v for _, v in group.options]:
                group.value = value
        self.comment.value = saved.comment
        when = saved.saved_at.replace("T", " ")[:16]
        self.status.value = _status(f"Your evaluation was saved on {when} UTC. Change any answer and press "
                                    "Save my evaluation to update it.")

    def answers(self) -> Evaluation:
        return Evaluation(module=self.module,
                          objectives={key: group.value for key, group in self.objective_groups.items()},
                          relevance=self.scales["relevance"].value, clarity=self.scales["clarity"].value,
                          time_spent=self.scales["time_spent"].value, comment=self.comment.value.strip())

    def save(self) -> Path | None:
        evaluation = self.answers()
        if evaluation.empty:
            self.status.value = _status("Nothing to save yet: choose at least one answer or write a comment, "
                                        "then press Save my evaluation.")
            return None
        if len(evaluation.comment) > COMMENT_LIMIT:
            self.status.value = _status(f"Your comment is {len(evaluation.comment)} characters long; please "
                                        f"shorten it to {COMMENT_LIMIT} and press Save my evaluation again.")
            return None
        try:
            path = save_evaluation(self.folder, evaluation)
        except (OSError, EvaluationError) as error:
            self.status.value = _status(f"Your evaluation could not be saved ({error}). Try again, or tell "
                                        "your trainer.")
            return None
        missing = sum(1 for v in [*evaluation.objectives.values(), evaluation.relevance, evaluation.clarity,
                                  evaluation.time_spent] if v is None)
        extra = f" {missing} question(s) have no answer; you can add them and save again." if missing else ""
        self.status.value = _status(f"Saved. Your evaluation is in {path.name} in this module's folder and goes "
                                    f"to your trainer with your next Submit.{extra}")
        return path


def evaluation_form(module: str, folder: str | Path | None = None):
    """Show the module's evaluation form (put this call on the last line of a cell). Never raises: a form
    that cannot be built is replaced by a sentence saying so."""
    try:
        return EvaluationForm(module, folder)
    except Exception as error:  # the learner sees a sentence, never a traceback
        return w.HTML(_status(f"The evaluation form could not be shown ({error}). Your module is not affected; "
                              "tell your trainer."))
