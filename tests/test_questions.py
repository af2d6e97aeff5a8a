"""The one reader of questions (widgets/questions.py), on the course's own modules and the test fixtures.

No kernel: answers are checked by calling the course's checks (widgets.checks) directly.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import nbformat
import pytest

from widgets import checks, questions
from widgets.questions import read_module

ROOT = Path(__file__).resolve().parents[1]
MODULE_DIRS = sorted(p for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
FIXTURE = ROOT / "tests" / "fixtures" / "trainer" / "source" / "01-practice-module"
CHECK = {"choice": checks.check_choice, "choices": checks.check_choices, "number": checks.check_number}


def form_check(question, value):
    """Run the question's visible check (what Validate runs) on a value, quietly."""
    arguments = question.range if question.kind == "number" else (question.allowed,)
    with contextlib.redirect_stdout(io.StringIO()):
        CHECK[question.kind](question.variable, value, *arguments)


def test_a_module_is_read_into_its_questions_with_their_keys():
    module = read_module(FIXTURE)
    found = {q.grade_id: q for q in module.questions}
    assert {gid: q.key for gid, q in found.items() if not q.manual} == {
        "q1_definition": "B", "q2_conditions": ["A", "C"], "q3_score": 10, "q4_quadrant": "IV"}
    assert found["q3_score"].kind == "number" and found["q3_score"].range == (0, 27)
    assert found["q2_conditions"].kind == "choices" and found["q2_conditions"].allowed == ["A", "B", "C", "D"]
    assert [q.number for q in module.questions] == [1, 2, 3, 4, 5]
    written = module.written
    assert len(written) == 1 and written[0].mark_scheme and written[0].variable is None
    assert module.max_points == sum(q.points for q in module.questions)


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=[p.name for p in MODULE_DIRS])
def test_every_question_of_a_course_module_is_read_whole(module_dir):
    module = read_module(module_dir)
    assert module.questions, f"{module_dir.name} has no graded question"
    numbers = [q.number for q in module.questions]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), numbers
    for q in module.questions:
        where = f"{module_dir.name} {q.grade_id}"
        assert q.kind in questions.KINDS, where
        assert q.text.lstrip().startswith("#") and q.opening, where
        assert q.points > 0 and q.objective in module.objectives, where
        assert {"question", "answer", "graded"} <= set(q.cells), where
        if q.manual:
            assert q.mark_scheme and q.answer_id == q.grade_id, where
            continue
        assert q.variable == f"q{q.number}_answer" and q.key is not None, where
        assert q.solution and q.answer_id == f"{q.grade_id}_answer", where
        assert q.why and q.source, f"{where}: its marking check gives no explanation"


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=[p.name for p in MODULE_DIRS])
def test_the_correct_wrong_and_malformed_answers_do_what_they_say(module_dir):
    """The correct answer passes the form check and the marking check; the wrong one passes the form check
    and fails the marking check; the malformed one is turned away by the form check in plain words."""
    for q in read_module(module_dir).autograded:
        correct, wrong, malformed = q.correct_answer(), q.wrong_answer(), q.malformed_answer()
        form_check(q, correct)
        checks.expect(q.variable, correct, q.key, why="", source="")
        form_check(q, wrong)
        with pytest.raises(checks.AnswerProblem):
            checks.expect(q.variable, wrong, q.key, why="", source="")
        with pytest.raises(checks.AnswerProblem):
            form_check(q, malformed)


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=[p.name for p in MODULE_DIRS])
def test_the_released_notebook_reads_as_the_same_questions_without_the_key(module_dir):
    """A learner's copy has the same questions in the same places, and nothing of the key."""
    for source in sorted(module_dir.glob("*.ipynb")):
        released = ROOT / "release" / module_dir.name / source.name
        mine, theirs = questions.questions(source), questions.questions(released)
        assert [(q.grade_id, q.kind, q.number, q.variable, q.allowed, q.range, q.cells) for q in mine] == \
            [(q.grade_id, q.kind, q.number, q.variable, q.allowed, q.range, q.cells) for q in theirs]
        assert all(q.key is None and q.solution is None and q.mark_scheme is None and q.why is None
                   for q in theirs)
        assert all(q.checksum for q in theirs), "generate_assignment gives every graded cell a checksum"


def test_an_answered_notebook_holds_each_answer_where_the_learner_types_it():
    module = read_module(MODULE_DIRS[0])
    released = ROOT / "release" / module.id / module.notebooks[0].name
    first, written = module.autograded[0], module.written[0]
    nb = questions.answered(released, {first.grade_id: first.wrong_answer(), written.grade_id: "My reply."})
    again = {q.grade_id: q for q in questions.questions(nb)}
    typed = nb.cells[again[first.grade_id].cells["answer"]].source
    assert typed.splitlines()[0] == f"{first.variable} = {first.wrong_answer()!r}"
    assert questions.assigned_value(typed, first.variable) is not None
    assert nb.cells[again[written.grade_id].cells["answer"]].source == "My reply."
    untouched = nbformat.read(released, as_version=4)
    changed = [i for i, (a, b) in enumerate(zip(untouched.cells, nb.cells, strict=True)) if a.source != b.source]
    assert changed == sorted([again[first.grade_id].cells["answer"], again[written.grade_id].cells["answer"]])


def test_a_damaged_learner_copy_is_read_as_far_as_it_goes():
    """A check cell rewritten into nonsense, an answer cell deleted: the rest is still read, nothing guessed."""
    released = ROOT / "release" / MODULE_DIRS[0].name / f"{MODULE_DIRS[0].name}.ipynb"
    nb = nbformat.read(released, as_version=4)
    found = questions.questions(nb)
    first, second = found[0], found[1]
    nb.cells[first.cells["graded"]].source = "this is not python ("
    del nb.cells[second.cells["answer"]]
    again = {q.grade_id: q for q in questions.questions(nb)}
    assert again[first.grade_id].kind == "value" and again[first.grade_id].variable is None
    assert "answer" not in again[second.grade_id].cells
    assert len(again) == len(found)


def test_the_opening_words_of_a_question_stop_at_its_question_mark_or_first_full_sentence():
    def opening(text):
        return questions.Question("q1", "choice", 1, text=text).opening

    assert opening("### Question 3 · 1 point\n\nWhat is Andre's PHQ-9 **total**? Answer with a whole number.") \
        == "What is Andre's PHQ-9 total?"
    assert opening("### Question 2\n\nTanya is an adult. Which level of care fits her today and why?") \
        == "Tanya is an adult. Which level of care fits her today and why?"
    long = "### Question 4\n\n" + " ".join(["word"] * 30)
    assert opening(long).endswith("\u2026") and len(opening(long).split()) == questions.OPENING_WORDS
    assert opening("no heading here") == ""
