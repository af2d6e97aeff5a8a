"""Feedback never gives the key away, and goes out to the whole cohort at once.

HideAnswerKey (the course's feedback preprocessor) on notebooks built here; then a small cohort on the
fixture module (tests/fixtures/trainer) through nbgrader's real exchange: `grade` writes feedback and holds
it, `feedback --release` sends it to everyone, the due date sends it by itself, and nbgrader's default
feedback, for comparison, shows the key the course's does not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import nbgrader
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.conftest import course_env
from tests.feedback_pages import (
    FEEDBACK_MODULE,
    TRAINER_COMMENT,
    TRAINER_SCORE,
    WRITTEN,
    PageQuestion,
    feedback_before_and_after_marking,
    key_in_page,
    pages_giving_the_key_away,
    questions_on_page,
)
from widgets.questions import read_module
from widgets.trainer import demo
from widgets.trainer.__main__ import main
from widgets.trainer.feedback import (
    WITHHELD,
    HideAnswerKey,
    answer_key_text,
    key_leaks,
    leaks,
    not_released_sentence,
    readings,
    release_decision,
)
from widgets.trainer.feedback_page import ANSWER_MIME, CRISIS_LINE, build_page
from widgets.trainer.nbgrader_course import Course

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "trainer" / "source"
MODULE = "01-practice-module"
NBGRADER = str(Path(sys.executable).parent / "nbgrader")
NBGRADER_TEMPLATES = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"

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


def test_an_explanation_the_page_shows_stays_even_where_the_rubric_repeats_it_and_the_rest_is_still_hidden(tmp_path):
    why = "Each condition can feed the other, so treating only one of them leaves the risk of relapse."
    test_cell = new_code_cell(
        'check_choice("q1_answer", q1_answer, ["A", "B"])\n### BEGIN HIDDEN TESTS\n'
        f'expect("q1_answer", q1_answer, "B",\n       why="{why}",\n       source="A1")\n### END HIDDEN TESTS',
        outputs=[new_output("display_data", data={ANSWER_MIME: {"why": why}, "text/plain": f"Question 1. {why}"}),
                 new_output("stream", name="stdout", text="- 1 point: names the two-way link in the learner's words")])
    task = new_markdown_cell("### Question 2\n\nExplain.\n\n### BEGIN MARK SCHEME\n- 1 point: names the two-way "
                             "link in the learner's words\n  Each condition can feed the other, so treating only\n"
                             "### END MARK SCHEME")
    source = tmp_path / "module.ipynb"
    nbformat.write(new_notebook(cells=[test_cell, task]), source)
    key = answer_key_text([source])
    shown, _ = hide(test_cell, task)
    assert shown.outputs[0].data[ANSWER_MIME] == {"why": why}  # the repeated line is the page's own text
    assert shown.outputs[1].text == WITHHELD  # the rest of the rubric is still the key
    assert key.mark_schemes == {"1 point: names the two-way link in the learner's words"}


# -- Finding the key in a written page ---------------------------------------------------------------------


def test_the_key_finder_reads_the_fixture_modules_hidden_tests_mark_scheme_and_solutions():
    key = answer_key_text(read_module(FIXTURE / MODULE).notebooks)
    assert any(line.startswith('expect("q1_answer", q1_answer, "B"') for line in key.hidden_tests)
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


def test_a_written_answer_that_says_what_the_rubric_asks_for_is_the_learners_own():
    key = answer_key_text(read_module(FIXTURE / MODULE).notebooks)
    rubric_line = "1 point: says the untreated condition keeps driving the other."
    page = f"<p>My answer: {rubric_line}</p>"
    assert leaks(page, key) == [f"mark scheme {rubric_line[:60]!r}"]
    assert leaks(page, key, own_answers=f"My answer: {rubric_line}") == []


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
    folder = course.as_learner("fetch_feedback", learner.id, MODULE)
    if folder is None:
        return []
    return sorted((folder / "feedback").glob("*/*.html"))


def set_due(course: Course, when: dt.datetime) -> None:
    course.set_due_date(MODULE, when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when)


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
    first = demo.SimulatedLearner("ana.first", "Ana", "First", "", "strong")
    meddler = demo.SimulatedLearner("ben.meddler", "Ben", "Meddler", "", "average")
    for learner in (first, meddler):
        path = course.as_learner("fetch", learner.id, MODULE) / f"{MODULE}.ipynb"
        nb = demo.fill_notebook(nbformat.read(path, as_version=4), module, learner, first_module=False)
        if learner is meddler:  # types markers of its own and deletes the written question
            answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
            answer.source += "\n### BEGIN HIDDEN TESTS\n# what is behind this?"
            nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("task")]
            nb.cells.append(new_markdown_cell("Notes to self.\nBEGIN MARK SCHEME? what is that"))
        nbformat.write(nb, path)
        course.as_learner("submit", learner.id, MODULE)

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
def test_each_page_shows_the_learners_answers_as_questions_not_code(cohort):
    course, _, (first, meddler) = cohort
    page = (course.root / "feedback" / first.id / MODULE / f"{MODULE}.html").read_text()
    questions = questions_on_page(page)
    assert sorted(questions) == [1, 2, 3, 4, 5]
    assert questions[1].fields == {"Your answer": "B", "Result": "\u2713 Right", "Points": "1 of 1 point"}
    assert questions[2].fields["Your answer"] == "A, C" and questions[2].fields["Points"] == "2 of 2 points"
    assert questions[5].fields["Result"] == "\u25f7 Waiting for your trainer"
    assert "check_choice" not in page and "q1_answer" not in page
    # The meddler deleted the written question (nbgrader puts it back) and typed markers of their own.
    tampered = (course.root / "feedback" / meddler.id / MODULE / f"{MODULE}.html").read_text()
    assert sorted(questions_on_page(tampered)) == [1, 2, 3, 4, 5]
    assert "what is behind this" not in tampered and "what is that" not in tampered


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_nbgraders_default_feedback_would_give_the_key_away(cohort):
    """The check above has teeth: feedback written without the course's preprocessor fails it."""
    course, _, learners = cohort
    result = subprocess.run(
        [NBGRADER, "generate_feedback", MODULE, "--force", "--log-level=ERROR",
         "--CourseDirectory.feedback_directory=default-feedback",
         "--GenerateFeedback.preprocessors=nbgrader.preprocessors.GetGrades",
         "--GenerateFeedback.preprocessors=nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
         f"--HTMLExporter.extra_template_basedirs={NBGRADER_TEMPLATES}"],
        cwd=course.root, env=course_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for learner in learners:
        found = key_in_page(course.root / "default-feedback" / learner.id / MODULE / f"{MODULE}.html",
                            course.root / "source" / MODULE)
        assert "'BEGIN MARK SCHEME'" in found and "'expect('" in found
        assert any(f.startswith("hidden test") for f in found) and any(f.startswith("mark scheme") for f in found)


def test_the_page_finds_each_questions_parts_by_what_they_are_not_where_they_sit():
    record = {"question": 1, "answer": "C", "right": False, "why": "Both conditions are treated together.",
              "source": "Source: A reference."}
    test_cell = graded(new_code_cell(TEST_CELL, outputs=[new_output("display_data", data={
        ANSWER_MIME: record, "text/plain": "Question 1: not this time."})]), "q1", grade=True, locked=True, points=1)
    test_cell.metadata.nbgrader["score"] = 0
    task = graded(new_markdown_cell(TASK_CELL), "q5_written", task=True, locked=True, points=2)
    task.metadata.nbgrader.update(score=0, comment=None)
    written = new_markdown_cell("My own answer.", metadata={"curriculum": {"written_answer": "q5_written"}})
    nb = new_notebook(cells=[written, task, test_cell, new_markdown_cell("### Question 1 · 1 point\n\nWhich one?"),
                             graded(new_code_cell('q1_answer = "C"'), "q1_answer", solution=True)])
    page = build_page(nb, {"score": 0, "max_score": 3}, marked=set())
    first, fifth = page.questions
    assert (first.number, first.wording, first.answer, first.result) == (1, "Which one?", "C", "wrong")
    assert (first.why, first.source) == (record["why"], record["source"])
    assert fifth.number == 5 and fifth.wording.startswith("Explain why treating only one condition")
    assert "untreated condition" not in fifth.wording  # the mark scheme, even without HideAnswerKey
    assert (fifth.answer, fifth.result, fifth.points_text) == ("My own answer.", "waiting", "2 points")


# -- The page a counselor reads ----------------------------------------------------------------------------

CODE_AND_BOILERPLATE = ("Test cell", "Score:", "Student's answer", "check_choice", "check_number", "_answer",
                        "import ", "assert ", "Traceback", "answer recorded", "not the expected answer",
                        "Your trainer's feedback explains it")


@pytest.fixture(scope="module")
def learner_pages(tmp_path_factory):
    """One learner's feedback on the feedback fixture: written before and after the trainer marks the
    written answer (tests/feedback_pages.py)."""
    return feedback_before_and_after_marking(tmp_path_factory.mktemp("feedback-page") / "course")


def read(path: Path) -> dict[int, PageQuestion]:
    return questions_on_page(path.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_each_question_reads_as_the_learner_saw_it_with_their_answer_result_points_and_why(learner_pages):
    questions = read(learner_pages["waiting"])
    assert sorted(questions) == [1, 2, 3, 4, 5, 6]
    right, wrong = questions[1], questions[2]
    assert "Which of these is a co-occurring disorder?" in right.wording
    assert right.options[1] == "B. At least one mental disorder plus at least one substance use disorder"
    assert right.fields == {"Your answer": "B", "Result": "\u2713 Right", "Points": "1 of 1 point"}
    assert right.why == "A co-occurring disorder is at least one mental disorder plus at least one substance use " \
                        "disorder."
    assert right.source.startswith("Source: SAMHSA Advisory")
    assert wrong.fields == {"Your answer": "II", "Result": "\u2717 Not right", "Points": "0 of 1 point"}
    assert wrong.why.startswith("Quadrant IV covers") and wrong.source.startswith("Source: TIP 42 (2005)")


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_without_an_explanation_the_result_comes_from_the_score_and_says_so_plainly(learner_pages):
    questions = read(learner_pages["waiting"])
    plain_right, unanswered, unreadable = questions[3], questions[4], questions[5]
    assert plain_right.fields == {"Your answer": "52.5", "Result": "\u2713 Right", "Points": "1 of 1 point"}
    assert plain_right.why is None and plain_right.source is None
    assert unanswered.fields == {"Your answer": "No answer", "Result": "\u25cb No answer", "Points": "0 of 1 point"}
    assert "You did not answer this question." in unanswered.text
    assert unreadable.fields == {"Your answer": "II", "Result": "\u2717 Not counted", "Points": "0 of 1 point"}
    assert "not in the form the question asked for" in unreadable.text


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_the_written_answer_waits_for_the_trainer_then_shows_their_comment_and_score(learner_pages):
    waiting, marked = read(learner_pages["waiting"])[6], read(learner_pages["marked"])[6]
    for written in (waiting, marked):
        assert "explain why a program works on both conditions together" in written.wording
        assert "answer cell" not in written.wording  # where to type was for the notebook
        assert written.fields["Your answer"] == WRITTEN.replace("\n\n", " ")
    assert waiting.fields["Result"] == "\u25f7 Waiting for your trainer" and waiting.fields["Points"] == "2 points"
    assert waiting.comment is None and "0 of 2" not in waiting.text
    assert marked.fields["Result"] == "\u270e Marked by your trainer"
    assert marked.fields["Points"] == f"{TRAINER_SCORE:g} of 2 points"
    assert marked.comment == TRAINER_COMMENT.replace("\n\n", "\n")
    assert "Waiting" not in marked.text


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_the_page_opens_with_the_title_and_total_and_ends_with_what_to_do_next_and_the_988_line(learner_pages):
    from bs4 import BeautifulSoup

    before = BeautifulSoup(learner_pages["waiting"].read_text(encoding="utf-8"), "html.parser")
    after = BeautifulSoup(learner_pages["marked"].read_text(encoding="utf-8"), "html.parser")
    assert [h.get_text(strip=True) for h in before.find_all("h1")] == ["Feedback on Module 1: Reading your feedback"]
    said = before.find("header").get_text(" ", strip=True)
    assert "Your score: 2 of 7 points." in said and "You got 2 of 5 short questions right." in said
    assert "waiting for your trainer" in said
    assert "Your score: 3.5 of 7 points." in after.find("header").get_text(" ", strip=True)
    steps = before.find("section", class_="next").get_text(" ", strip=True)
    assert "Look again at questions 2, 4 and 5" in steps and "ask your trainer" in steps
    assert CRISIS_LINE in before.find("footer").get_text(" ", strip=True)
    assert "Fetch your feedback again later" not in after.find("section", class_="next").get_text(" ", strip=True)


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_the_page_shows_no_code_no_test_cells_and_no_score_boilerplate(learner_pages):
    for step in ("waiting", "marked"):
        page = learner_pages[step].read_text(encoding="utf-8")
        text = readings(page)
        assert [word for word in CODE_AND_BOILERPLATE if word in text] == []
        assert not re.search(r"<(pre|code|script|iframe)\b", page)


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_the_page_is_plain_accessible_html_that_prints(learner_pages):
    from bs4 import BeautifulSoup

    page = learner_pages["marked"].read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html["lang"] == "en" and soup.title.get_text(strip=True).startswith("Feedback on Module 1")
    assert soup.find("header") and soup.find("main") and soup.find("footer") and soup.find("nav")["aria-label"]
    for section in soup.find_all("section"):
        assert soup.find(id=section["aria-labelledby"]).name == "h2"
    for mark in soup.select(".mark"):  # a symbol for the eye, and always the word
        symbol = mark.find("span", attrs={"aria-hidden": "true"})
        assert symbol and mark.get_text(strip=True).removeprefix(symbol.get_text()).strip()
    style = soup.style.get_text()
    assert "@media print" in style and not re.search(r"\bwidth:\s*\d+px", style)
    for colour in set(re.findall(r"color:\s*(#[0-9a-fA-F]{6})", style)):
        assert contrast(colour, "#ffffff") >= 4.5, colour


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.slow
@pytest.mark.xdist_group("trainer-feedback")
def test_the_page_shows_explanations_but_nothing_of_the_key_and_a_planted_leak_is_caught(learner_pages):
    course = Course.open(learner_pages["written"].parents[3])
    page = learner_pages["written"]
    assert read(page)[2].why.startswith("Quadrant IV covers")  # the page explains, from the marking check
    assert key_in_page(page, course.root / "source", learner_pages["submitted"]) == []
    assert key_leaks(course, FEEDBACK_MODULE) == {}
    key = answer_key_text(sorted((course.root / "source" / FEEDBACK_MODULE).glob("*.ipynb")))
    hidden = next(line for line in sorted(key.hidden_tests) if line.startswith("assert q3_answer"))
    scheme = next(iter(sorted(key.mark_schemes)))
    planted = course.root / "feedback" / "planted" / FEEDBACK_MODULE / page.name
    planted.parent.mkdir(parents=True)
    try:
        planted.write_text(page.read_text(encoding="utf-8").replace(
            "</main>", f"<p>{html.escape(hidden)}</p><ul><li>{html.escape(scheme)}</li></ul></main>"),
            encoding="utf-8")
        found = key_leaks(course, FEEDBACK_MODULE)
        assert list(found) == [planted]
        assert any(f.startswith("hidden test") for f in found[planted])
        assert any(f.startswith("mark scheme") for f in found[planted])
    finally:
        shutil.rmtree(planted.parent.parent)
