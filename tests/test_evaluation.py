"""The learner's evaluation at the end of every module: the form driven headlessly (set .value, .click()),
the file it saves, and its cell in every module, run in a real kernel (slow) where running it never
overwrites a saved evaluation."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT
from tests.course_notebooks import release_notebook_for, source_notebooks
from widgets.evaluation import (
    EVALUATION_FILE,
    OBJECTIVE_MET,
    Evaluation,
    EvaluationError,
    counts,
    read_evaluation,
    save_evaluation,
)
from widgets.evaluation_view import EvaluationForm, evaluation_form
from widgets.questions import nbgrader_meta

MODULE = "01-co-occurring-disorders"
OBJECTIVES = {"1.1": "Define a co-occurring disorder", "1.2": "Name conditions"}


@pytest.fixture
def folder(tmp_path):
    """A learner's module folder with the module's released notebook (the form reads its objectives there)."""
    shutil.copy(ROOT / "release" / MODULE / f"{MODULE}.ipynb", tmp_path)
    return tmp_path


def status_text(form) -> str:
    return form.status.value


def test_the_form_asks_each_of_the_modules_own_objectives_then_relevance_clarity_time_and_a_comment(folder):
    form = EvaluationForm(MODULE, folder)
    objectives = nbformat.read(folder / f"{MODULE}.ipynb", as_version=4).metadata["curriculum"]["objectives"]
    assert list(form.objective_groups) == list(objectives)
    assert all(g.description.startswith(f"Did this module help you meet objective {k}:")
               for k, g in form.objective_groups.items())
    assert [g.labels for g in form.objective_groups.values()][0] == list(OBJECTIVE_MET)
    assert list(form.scales) == ["relevance", "clarity", "time_spent"]
    assert all(g.description for g in form.scales.values()) and form.comment.description == "Comment (optional)"
    assert form.save_button.description == "Save my evaluation"


def test_showing_the_form_writes_nothing(folder):
    EvaluationForm(MODULE, folder)
    assert not (folder / EVALUATION_FILE).exists()


def test_save_writes_the_answers_and_announces_saved_in_a_live_region(folder):
    form = EvaluationForm(MODULE, folder)
    form.objective_groups["1.1"].value = "Yes"
    form.objective_groups["1.2"].value = "Partly"
    form.scales["relevance"].value = "Very relevant"
    form.scales["time_spent"].value = "45 to 60 minutes"
    form.comment.value = "  The first-call case felt real.  "
    form.save_button.click()
    assert 'role="status" aria-live="polite"' in status_text(form) and "Saved." in status_text(form)
    assert "question(s) have no answer" in status_text(form)  # clarity and three objectives left open
    saved = json.loads((folder / EVALUATION_FILE).read_text(encoding="utf-8"))
    assert saved["module"] == MODULE and saved["objectives"]["1.1"] == "Yes" and saved["objectives"]["1.3"] is None
    assert (saved["relevance"], saved["clarity"], saved["comment"]) == ("Very relevant", None,
                                                                        "The first-call case felt real.")


def test_an_empty_form_is_not_saved_and_says_what_to_do(folder):
    form = EvaluationForm(MODULE, folder)
    form.save_button.click()
    assert "Nothing to save yet" in status_text(form) and not (folder / EVALUATION_FILE).exists()


def test_coming_back_shows_the_saved_answers_and_running_again_keeps_the_file_as_it_was(folder):
    first = EvaluationForm(MODULE, folder)
    first.scales["clarity"].value = "Mostly clear"
    first.save()
    before = (folder / EVALUATION_FILE).read_bytes()
    again = EvaluationForm(MODULE, folder)
    assert again.scales["clarity"].value == "Mostly clear" and "was saved on" in status_text(again)
    assert (folder / EVALUATION_FILE).read_bytes() == before


def test_a_damaged_evaluation_file_gives_a_sentence_and_saving_replaces_it(folder):
    (folder / EVALUATION_FILE).write_text("{not json", encoding="utf-8")
    form = EvaluationForm(MODULE, folder)
    assert "could not be read" in status_text(form)
    form.scales["relevance"].value = "Not relevant"
    assert form.save() == folder / EVALUATION_FILE
    assert read_evaluation(folder).relevance == "Not relevant"


def test_a_comment_too_long_is_not_saved_and_the_learner_is_told(folder):
    form = EvaluationForm(MODULE, folder)
    form.comment.value = "x" * 2001
    form.save()
    assert "shorten it to 2000" in status_text(form) and not (folder / EVALUATION_FILE).exists()


def test_a_folder_that_cannot_be_written_gives_a_sentence_not_a_traceback(folder):
    form = EvaluationForm(MODULE, folder / "gone")
    form.comment.value = "hello"
    assert form.save() is None and "could not be saved" in status_text(form)


def test_the_form_function_never_raises(tmp_path):
    shown = evaluation_form(MODULE, tmp_path / "missing")  # no notebook: no objectives, still a form
    assert isinstance(shown, EvaluationForm) and shown.objective_groups == {}


@pytest.mark.parametrize("data, message", [
    ({"schema_version": 1, "module": "m", "saved_at": "", "objectives": {"1.1": "Maybe"}},
     "evaluation.json: objectives/1.1: 'Maybe' is not one of"),
    ({"schema_version": 1, "module": "m", "saved_at": "", "objectives": {}, "clarity": 3},
     "evaluation.json: clarity: 3 is not one of"),
    ({"module": "m"}, "evaluation.json: 'schema_version' is a required property"),
])
def test_a_malformed_evaluation_is_refused_naming_the_file_and_the_field(tmp_path, data, message):
    (tmp_path / EVALUATION_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(EvaluationError, match=message):
        read_evaluation(tmp_path)


def test_counts_list_every_answer_with_zeros_and_the_unanswered(tmp_path):
    one = Evaluation("m", {"1.1": "Yes", "1.2": "No"}, relevance="Very relevant")
    two = Evaluation("m", {"1.1": "Yes"}, time_spent="Over 90 minutes")
    save_evaluation(tmp_path, one)
    rows = {r["field"]: r for r in counts([read_evaluation(tmp_path), two], OBJECTIVES)}
    assert rows["objective 1.1"]["answers"] == [("Yes", 2), ("Partly", 0), ("No", 0)]
    assert rows["objective 1.2"]["answers"] == [("Yes", 0), ("Partly", 0), ("No", 1)]
    assert rows["objective 1.2"]["no_answer"] == 1 and rows["clarity"]["no_answer"] == 2
    assert dict(rows["time_spent"]["answers"])["Over 90 minutes"] == 1


SOURCES = source_notebooks()


@pytest.mark.parametrize("path", SOURCES, ids=[p.parent.name for p in SOURCES])
def test_every_module_ends_with_its_evaluation_which_is_never_graded_and_shows_its_due_date_near_the_top(path):
    for notebook in (path, release_notebook_for(path)):
        cells = nbformat.read(notebook, as_version=4).cells
        last = cells[-1]
        assert last.cell_type == "code" and f'evaluation_form("{path.parent.name}")' in last.source
        assert not nbgrader_meta(last) and not nbgrader_meta(cells[-2])  # not an nbgrader cell: never graded
        assert "Your evaluation of this module" in cells[-2].source and "Not graded" in cells[-2].source
        due = [i for i, c in enumerate(cells) if f'due_line("{path.parent.name}")' in c.source]
        assert due == [1], "the due date is the module's second cell, under its title"


@pytest.mark.slow  # starts a kernel
def test_in_a_real_kernel_the_cells_show_the_form_and_the_due_line_and_never_overwrite_a_saved_evaluation(folder):
    saved = Evaluation(MODULE, {"1.1": "Partly"}, relevance="Very relevant", comment="kept as it was")
    path = save_evaluation(folder, saved)
    before = path.read_bytes()
    released = nbformat.read(folder / f"{MODULE}.ipynb", as_version=4)
    nb = nbformat.v4.new_notebook(metadata=released.metadata)
    nb.cells = [released.cells[1], released.cells[-1]]  # the due line and the evaluation form, as released
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    outputs = [o for c in nb.cells for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"], outputs
    due_text = nb.cells[0].outputs[0]["data"]["text/markdown"]
    assert due_text.startswith("**Due date:**")
    assert "application/vnd.jupyter.widget-view+json" in nb.cells[1].outputs[0]["data"]
    assert path.read_bytes() == before


@pytest.mark.slow  # nbgrader's exchange and gradebook
def test_a_saved_evaluation_travels_with_the_submission_and_the_trainer_reads_it(tmp_path):
    from widgets.trainer.data import load
    from widgets.trainer.nbgrader_course import Course

    fixture = ROOT / "tests" / "fixtures" / "trainer"
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(fixture / "source", root / "source")
    course = Course.open(root)
    module = course.module_ids()[0]
    course.release([module])
    course.import_roster([{"id": "ana"}, {"id": "ben"}, {"id": "cy"}])
    for learner in ("ana", "ben", "cy"):
        folder = course.as_learner("fetch", learner, module)
        if learner == "ana":
            save_evaluation(folder, Evaluation(module, {"1.1": "Yes"}, clarity="Very clear", comment="Clear cases."))
        if learner == "ben":
            (folder / EVALUATION_FILE).write_text("{damaged", encoding="utf-8")
        course.as_learner("submit", learner, module)
    assert course.api().collect(module)["success"]
    assert (root / "submitted" / "ana" / module / EVALUATION_FILE).exists()
    found = load(course).evaluations[module]
    assert found["ana"].comment == "Clear cases." and found["ana"].clarity == "Very clear"
    assert found["ben"].startswith("its evaluation could not be read (evaluation.json: not a readable evaluation")
    assert found["cy"] == "no evaluation saved."
