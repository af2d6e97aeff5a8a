"""Feedback never gives the key away, and goes out to the whole cohort at once.

HideAnswerKey (the course's feedback preprocessor) on notebooks built here; then a small cohort on the
fixture module (tests/fixtures/trainer) through nbgrader's real exchange: `grade` writes feedback and holds
it, `feedback --release` sends it to everyone, the due date sends it by itself, and nbgrader's default
feedback, for comparison, shows the key the course's does not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.conftest import course_env
from tests.feedback_pages import key_in_page, pages_giving_the_key_away
from widgets.trainer import demo
from widgets.trainer.__main__ import main
from widgets.trainer.course import Course, read_module
from widgets.trainer.feedback import (
    WITHHELD,
    HideAnswerKey,
    answer_key_text,
    leaks,
    not_released_sentence,
    release_decision,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "trainer" / "source"
MODULE = "01-practice-module"
NBGRADER = str(Path(sys.executable).parent / "nbgrader")

TEST_CELL = '''from widgets.checks import check_choice, expect
check_choice("q1_answer", q1_answer, ["A", "B", "C", "D"])
### BEGIN HIDDEN TESTS
expect("q1_answer", q1_answer, "B")
### END HIDDEN TESTS'''
TASK_CELL = '''### Question 5 · 2 points

Explain why treating only one condition raises the risk of relapse.

### BEGIN MARK SCHEME
- 1 point: says the untreated condition keeps driving the other.
### END MARK SCHEME'''


def graded(cell, grade_id, **flags):
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "grade": False, "solution": False,
                                 "task": False, "locked": False, **flags}
    return cell


def hide(*cells):
    nb, _ = HideAnswerKey().preprocess(new_notebook(cells=list(cells)), {})
    return nb.cells


# -- What the feedback shows -------------------------------------------------------------------------------


def test_a_test_cell_keeps_its_visible_check_and_result_and_loses_its_hidden_test():
    cell = graded(new_code_cell(TEST_CELL, outputs=[
        new_output("stream", name="stdout", text="\u2713 Question 1: answer recorded (C).\n"),
        new_output("error", ename="AnswerProblem", evalue="Question 1: not the expected answer.",
                   traceback=["\u2717 Question 1: not the expected answer."])]), "q1", grade=True, locked=True)
    (shown,) = hide(cell)
    assert 'check_choice("q1_answer", q1_answer, ["A", "B", "C", "D"])' in shown.source
    assert "HIDDEN" not in shown.source and "expect(" not in shown.source
    assert [o.get("text") or o.evalue for o in shown.outputs] == [
        "\u2713 Question 1: answer recorded (C).\n", "Question 1: not the expected answer."]


def test_a_written_question_keeps_its_wording_and_loses_its_mark_scheme():
    (shown,) = hide(graded(new_markdown_cell(TASK_CELL), "q5", task=True, locked=True))
    assert "Explain why treating only one condition" in shown.source
    assert "MARK SCHEME" not in shown.source and "untreated condition" not in shown.source


def test_an_answer_cell_keeps_the_learners_answer_and_never_shows_a_solution_region():
    cell = graded(new_code_cell('q1_answer = "C"  # mine\n### BEGIN SOLUTION\nq1_answer = "B"\n### END SOLUTION'),
                  "q1_answer", solution=True)
    (shown,) = hide(cell)
    assert shown.source == 'q1_answer = "C"  # mine'


def test_regions_go_whatever_the_cells_metadata_says():
    """A learner can change or drop a cell's nbgrader metadata; the key still does not show."""
    untagged_test = new_code_cell(TEST_CELL)
    retagged_task = graded(new_markdown_cell(TASK_CELL), "q5", solution=True)
    shown = hide(untagged_test, retagged_task)
    assert "expect(" not in shown[0].source and "untreated condition" not in shown[1].source


def test_a_marker_without_its_end_hides_the_rest_of_that_cell_and_feedback_is_still_written():
    typed = graded(new_markdown_cell("My answer.\n### BEGIN MARK SCHEME\nwhat is this?"), "q5_answer", solution=True)
    nested = new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\n"
                           "still_secret()\n### END HIDDEN TESTS\ny = 2")
    stray_end = new_code_cell("z = 3\n### END SOLUTION")
    shown = hide(typed, nested, stray_end)
    assert [c.source for c in shown] == ["My answer.", "x = 1\ny = 2", "z = 3"]


def test_an_output_that_quotes_the_hidden_test_is_not_shown():
    hidden_line = 'expect("q1_answer", q1_answer, "B")'
    coloured = "\x1b[0;31m----> 4\x1b[0m \x1b[43mexpect\x1b[49m(\x1b[33m\"q1_answer\"\x1b[0m, q1_answer, \x1b[33m\"B\"\x1b[0m)"
    cell = new_code_cell(TEST_CELL, outputs=[
        new_output("error", ename="TypeError", evalue="unhashable type: 'list'",
                   traceback=["Traceback", coloured]),
        new_output("stream", name="stdout", text=f"I printed {hidden_line}\n"),
        new_output("display_data", data={"text/html": "<span>expect</span><span>(</span>"
                                                      "<span>&quot;q1_answer&quot;, q1_answer, &quot;B&quot;)</span>",
                                         "text/plain": "a table"}),
        new_output("stream", name="stdout", text="\u2713 Question 1: answer recorded (B).\n"),
    ])
    (shown,) = hide(cell)
    assert shown.outputs[0].traceback == ["TypeError: unhashable type: 'list'"]
    assert shown.outputs[1].text == WITHHELD and shown.outputs[2].text == WITHHELD
    assert shown.outputs[3].text == "\u2713 Question 1: answer recorded (B).\n"


def test_an_attachment_used_only_in_the_mark_scheme_is_dropped():
    cell = new_markdown_cell("Question.\n![q](attachment:q.png)\n### BEGIN MARK SCHEME\n![key](attachment:key.png)\n"
                             "### END MARK SCHEME")
    cell.attachments = {"q.png": {"image/png": "AAAA"}, "key.png": {"image/png": "BBBB"}}
    (shown,) = hide(cell)
    assert set(shown.attachments) == {"q.png"}


# -- Finding the key in a written page ---------------------------------------------------------------------


def test_the_key_finder_reads_the_fixture_modules_hidden_tests_mark_scheme_and_solutions():
    key = answer_key_text(read_module(FIXTURE / MODULE).notebooks)
    assert 'expect("q1_answer", q1_answer, "B")' in key.hidden_tests
    assert 'q2_answer = ["A", "C"]' in key.solutions
    assert "1 point: says the untreated condition keeps driving the other." in key.mark_schemes
    assert {"BEGIN HIDDEN TESTS", "END MARK SCHEME", "BEGIN SOLUTION"} <= key.markers


def test_the_key_finder_sees_highlighted_code_and_leaves_the_learner_their_own_answer():
    key = answer_key_text(read_module(FIXTURE / MODULE).notebooks)
    highlighted = ('<span class="n">expect</span><span class="p">(</span><span class="s2">&quot;q1_answer&quot;</span>'
                   '<span class="p">,</span> <span class="n">q1_answer</span><span class="p">,</span> '
                   '<span class="s2">&quot;B&quot;</span><span class="p">)</span>')
    assert any("hidden test" in found for found in leaks(highlighted, key))
    page = "<pre>q3_answer = 10</pre>"
    assert leaks(page, key) == ["solution 'q3_answer = 10'"]
    assert leaks(page, key, own_answers="q3_answer = 10") == []
    assert leaks("<pre>q3_answer = 100</pre>", key) == []


# -- When feedback goes out --------------------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 1, 12, 0)


@pytest.mark.parametrize(("due", "asked", "released"), [
    (None, None, False),
    (NOW + dt.timedelta(hours=1), None, False),
    (NOW - dt.timedelta(minutes=1), None, True),
    (NOW + dt.timedelta(days=3), True, True),
    (NOW - dt.timedelta(days=3), False, False),
    (dt.datetime(2026, 12, 1, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))), None, True),  # 11:30 UTC
])
def test_feedback_goes_out_when_the_trainer_says_or_once_the_due_date_has_passed(due, asked, released):
    assert release_decision(due, now=NOW, asked=asked).release is released


def test_held_feedback_is_explained_with_the_command_that_releases_it():
    sentence = not_released_sentence(MODULE, release_decision(NOW + dt.timedelta(days=1), now=NOW))
    assert "not released yet" in sentence and "learners cannot see it" in sentence
    assert f"python -m widgets.trainer feedback --release --module {MODULE}" in sentence
    assert "after the due date" in sentence


# -- A cohort through nbgrader's real exchange -------------------------------------------------------------


def run(*argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        main(list(argv))
    return out.getvalue()


def released(course: Course) -> list[str]:
    folder = course.exchange_root / course.course_id / "feedback"
    return sorted(p.name for p in folder.glob("*.html")) if folder.is_dir() else []


def fetch_feedback(course: Course, learner) -> list[Path]:
    from nbgrader.exchange import ExchangeError

    try:
        folder = demo._exchange("fetch_feedback", course, learner, MODULE)
    except ExchangeError:
        return []
    return sorted((folder / "feedback").glob("*/*.html"))


def set_due(course: Course, when: dt.datetime) -> None:
    with course.gradebook() as gb:
        gb.update_or_create_assignment(MODULE, duedate=when)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """Two learners submit; the trainer grades, then releases; what each step showed is kept."""
    root = tmp_path_factory.mktemp("feedback-course")
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(FIXTURE, root / "source")
    course = Course.open(root)
    api = course.api()
    for step in (api.generate_assignment(MODULE, force=True, create=True), api.release_assignment(MODULE)):
        assert step["success"], step
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    set_due(course, now + dt.timedelta(days=7))
    module = read_module(root / "source" / MODULE)
    first = demo.Learner("ana.first", "Ana", "First", "", "strong")
    meddler = demo.Learner("ben.meddler", "Ben", "Meddler", "", "average")
    for learner in (first, meddler):
        path = demo._exchange("fetch", course, learner, MODULE) / f"{MODULE}.ipynb"
        nb = nbformat.read(path, as_version=4)
        demo.fill_notebook(nb, module, learner, first_module=False)
        if learner is meddler:  # types markers of its own and deletes the written question
            answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
            answer.source += "\n### BEGIN HIDDEN TESTS\n# what is behind this?"
            nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("task")]
            nb.cells.append(new_markdown_cell("Notes to self.\nBEGIN MARK SCHEME? what is that"))
        nbformat.write(nb, path)
        demo._exchange("submit", course, learner, MODULE)

    seen = {"grade": run("grade", "--course", str(root))}
    seen["released after grade"] = released(course)
    seen["first learner fetched after grade"] = fetch_feedback(course, first)
    seen["feedback before the due date"] = run("feedback", "--course", str(root))
    seen["released before the due date"] = released(course)
    seen["feedback --release"] = run("feedback", "--course", str(root), "--release")
    seen["released when asked"] = released(course)
    seen["fetched"] = {learner.id: fetch_feedback(course, learner) for learner in (first, meddler)}
    shutil.rmtree(course.exchange_root / course.course_id / "feedback")
    set_due(course, now - dt.timedelta(minutes=5))
    seen["feedback after the due date"] = run("feedback", "--course", str(root))
    seen["released after the due date"] = released(course)
    return course, seen, (first, meddler)


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_grade_writes_feedback_for_review_and_does_not_release_it(cohort):
    course, seen, learners = cohort
    assert {p.parent.parent.name for p in (course.root / "feedback").glob(f"*/{MODULE}/*.html")} == {
        learner.id for learner in learners}
    assert seen["released after grade"] == [] and seen["first learner fetched after grade"] == []
    said = " ".join(seen["grade"].split())
    assert "feedback is written" in said and "not released yet" in said
    assert f"python -m widgets.trainer feedback --release --module {MODULE}" in said


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_feedback_is_held_until_the_trainer_releases_it_to_everyone_at_once(cohort):
    _, seen, learners = cohort
    assert seen["released before the due date"] == []
    assert "has not passed yet" in seen["feedback before the due date"]
    assert len(seen["released when asked"]) == 2
    assert "feedback released" in seen["feedback --release"]
    assert all(len(seen["fetched"][learner.id]) == 1 for learner in learners)


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_feedback_goes_out_by_itself_once_the_due_date_has_passed(cohort):
    _, seen, _ = cohort
    assert len(seen["released after the due date"]) == 2
    assert "has passed" in seen["feedback after the due date"]


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_no_feedback_page_gives_the_key_away_written_released_or_fetched(cohort):
    course, seen, learners = cohort
    submitted = {learner.id: course.root / "submitted" / learner.id / MODULE / f"{MODULE}.ipynb"
                 for learner in learners}
    written = {p.read_bytes(): p.parent.parent.name for p in (course.root / "feedback").glob(f"*/{MODULE}/*.html")}
    pages = [(p, submitted[p.parent.parent.name]) for p in (course.root / "feedback").glob(f"*/{MODULE}/*.html")]
    pages += [(p, submitted[learner]) for learner, fetched in seen["fetched"].items() for p in fetched]
    # A released page is named by a hash; it is the learner's whose written page it copies.
    pages += [(p, submitted[written[p.read_bytes()]])
              for p in (course.exchange_root / course.course_id / "feedback").glob("*.html")]
    assert len(pages) == 6
    assert pages_giving_the_key_away(pages, course.root / "source") == {}


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_each_page_shows_the_learners_answers_and_what_the_visible_checks_said(cohort):
    course, _, (first, meddler) = cohort
    page = (course.root / "feedback" / first.id / MODULE / f"{MODULE}.html").read_text()
    assert "answer recorded (B)" in page and "check_choice" in page and "q1_answer" in page
    tampered = (course.root / "feedback" / meddler.id / MODULE / f"{MODULE}.html").read_text()
    assert "Notes to self." in tampered and "what is behind this" not in tampered and "what is that" not in tampered


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_nbgraders_default_feedback_would_give_the_key_away(cohort):
    """The check above has teeth: feedback written without the course's preprocessor fails it."""
    course, _, learners = cohort
    result = subprocess.run(
        [NBGRADER, "generate_feedback", MODULE, "--force", "--log-level=ERROR",
         "--CourseDirectory.feedback_directory=default-feedback",
         "--GenerateFeedback.preprocessors=nbgrader.preprocessors.GetGrades",
         "--GenerateFeedback.preprocessors=nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"],
        cwd=course.root, env=course_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for learner in learners:
        found = key_in_page(course.root / "default-feedback" / learner.id / MODULE / f"{MODULE}.html",
                            course.root / "source" / MODULE)
        assert "'BEGIN MARK SCHEME'" in found and "'expect('" in found
        assert any(f.startswith("hidden test") for f in found) and any(f.startswith("mark scheme") for f in found)
