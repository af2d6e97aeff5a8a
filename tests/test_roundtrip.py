"""The grading round trip with nbgrader's own commands on a throwaway copy of the course.

For every module: the solutions earn every autograded point; a submission with exactly k wrong answers loses
exactly those points; `nbgrader generate_feedback`, as a trainer types it, writes each learner's feedback
without any of the key (hidden tests, mark scheme, solutions), showing each question, the answer and whether
it is right. On one module (nbgrader and the course's configuration treat every module alike): an untouched
release earns 0, an edited locked test cell is graded with the original test, deleted graded cells are
restored and graded, and a learner who typed region markers of their own still sees none of the key.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.conftest import copy_generated, course_env, source_modules
from tests.feedback_pages import pages_giving_the_key_away, questions_on_page
from widgets.questions import answered, is_answer_cell, is_check_cell, is_task_cell, nbgrader_meta, questions

NBGRADER = str(Path(sys.executable).parent / "nbgrader")
MODULES = source_modules()
WRONG = 2  # how many answers the "some wrong" learner gets wrong


def nbgrader(*args, cwd):
    result = subprocess.run([NBGRADER, *args, "--log-level=WARN"], cwd=cwd, env=course_env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def submit(course: Path, student: str, module: str, nb) -> None:
    """Place a submission exactly where `nbgrader collect` puts one."""
    folder = course / "submitted" / student / module
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{module}.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")


class Graded:
    def __init__(self, course: Path, module: str):
        self.course, self.module = course, module
        self.source = nbformat.read(course / "source" / module / f"{module}.ipynb", as_version=4)
        self.release = nbformat.read(course / "release" / module / f"{module}.ipynb", as_version=4)
        self.questions = [q for q in questions(self.source) if not q.manual]
        self.total = sum(q.points for q in self.questions)

    def answered(self, wrong=()):
        """The release as a learner submits it: every short question answered, the ones in `wrong` wrongly."""
        return answered(self.release, {q.grade_id: q.wrong_answer() if q in wrong else q.correct_answer()
                                       for q in self.questions})

    def scores(self, student: str) -> dict[str, float]:
        with Gradebook(f"sqlite:///{self.course}/gradebook.db", "cod-iop") as gb:
            notebook = gb.find_submission_notebook(self.module, self.module, student)
            return {g.name: g.auto_score for g in notebook.grades if g.cell_type == "code"}

    def autograded(self, student: str):
        return nbformat.read(self.course / "autograded" / student / self.module / f"{self.module}.ipynb",
                             as_version=4)


# One worker grades each module: its tests share one round trip (pytest -n 2 --dist loadgroup, as course.py runs it).
@pytest.fixture(scope="module", params=[pytest.param(m, marks=pytest.mark.xdist_group(f"roundtrip-{m}"), id=m)
                                        for m in MODULES])
def graded(request, generated_course, tmp_path_factory) -> Graded:
    """Every module, graded by nbgrader for a learner who gives the solutions and one who gets the first
    WRONG answers wrong: what each module's own content earns."""
    module = request.param
    course = copy_generated(generated_course, tmp_path_factory.mktemp(module) / "course")
    g = Graded(course, module)
    submit(course, "solution", module, g.answered())
    submit(course, "some-wrong", module, g.answered(wrong=g.questions[:WRONG]))
    nbgrader("autograde", module, cwd=course)
    nbgrader("generate_feedback", module, "--force", cwd=course)
    return g


@pytest.fixture(scope="module")
def misbehaved(generated_course, tmp_path_factory) -> Graded:
    """One module, graded for a learner who submits it untouched and one who meddles: edits the first
    question's locked check (and answers it wrongly), deletes the last one's, deletes the written question
    (nbgrader adds it back, mark scheme and all) and types region markers of their own. What nbgrader and
    the course's configuration do with that is the same for every module, so one module shows it."""
    module = MODULES[0]
    course = copy_generated(generated_course, tmp_path_factory.mktemp("misbehaved") / "course")
    g = Graded(course, module)
    first, last = g.questions[0], g.questions[-1]
    submit(course, "untouched", module, g.release)
    meddled = g.answered(wrong=[first])
    for cell in meddled.cells:
        if is_check_cell(cell) and nbgrader_meta(cell)["grade_id"] == first.grade_id:
            cell.source = "pass  # edited by the learner"
    meddled.cells = [c for c in meddled.cells if not is_task_cell(c)
                     and not (is_check_cell(c) and nbgrader_meta(c)["grade_id"] == last.grade_id)]
    answer = next(c for c in meddled.cells if is_answer_cell(c))
    answer.source += "\n### BEGIN HIDDEN TESTS\n# what is behind this?"
    meddled.cells.append(nbformat.v4.new_markdown_cell("My notes.\n### BEGIN MARK SCHEME"))
    submit(course, "meddler", module, meddled)
    nbgrader("autograde", module, cwd=course)
    nbgrader("generate_feedback", module, "--force", cwd=course)
    return g


def feedback_page(g: Graded, student: str) -> Path:
    """A learner's feedback page, written by `nbgrader generate_feedback` with the course's config."""
    return g.course / "feedback" / student / g.module / f"{g.module}.html"


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_solutions_earn_every_autograded_point(graded):
    scores = graded.scores("solution")
    assert scores == {q.grade_id: q.points for q in graded.questions}


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_each_wrong_answer_loses_exactly_its_points(graded):
    scores = graded.scores("some-wrong")
    lost = {q.grade_id for q in graded.questions[:WRONG]}
    assert scores == {q.grade_id: (0 if q.grade_id in lost else q.points) for q in graded.questions}
    assert sum(scores.values()) == graded.total - sum(q.points for q in graded.questions[:WRONG])


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_gradebook_counts_each_point_once(graded):
    tasks = [c for c in graded.source.cells if nbgrader_meta(c).get("task")]
    written = sum(nbgrader_meta(c)["points"] for c in tasks)
    with Gradebook(f"sqlite:///{graded.course}/gradebook.db", "cod-iop") as gb:
        assert gb.find_assignment(graded.module).max_score == graded.total + written


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_feedback_never_gives_the_key_away(graded):
    pages = [(feedback_page(graded, student), graded.course / "submitted" / student / graded.module /
              f"{graded.module}.ipynb") for student in ("solution", "some-wrong")]
    assert all(page.exists() for page, _ in pages)
    assert pages_giving_the_key_away(pages, graded.course / "source") == {}


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_feedback_shows_each_question_with_the_learners_answer_and_whether_it_is_right(graded):
    shown = questions_on_page(feedback_page(graded, "some-wrong").read_text())
    for index, question in enumerate(graded.questions):
        on_page = shown[question.number]
        assert on_page.fields["Result"].endswith("Not right" if index < WRONG else "Right")
        assert on_page.why and on_page.source.startswith("Source: ")
    wrong = graded.questions[0].wrong_answer()
    typed = ", ".join(map(str, wrong)) if isinstance(wrong, list) else f"{wrong:g}" if isinstance(wrong, float) \
        else str(wrong)
    assert shown[graded.questions[0].number].fields["Your answer"] == typed


@pytest.mark.xdist_group("roundtrip-misbehaved")
@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_untouched_release_earns_nothing_and_each_check_says_why_in_plain_words(misbehaved):
    assert sum(misbehaved.scores("untouched").values()) == 0
    checks = [c for c in misbehaved.autograded("untouched").cells if is_check_cell(c)]
    assert len(checks) == len(misbehaved.questions)
    for cell in checks:
        said = "".join("".join(o.get("traceback", [])) + o.get("text", "") for o in cell.outputs)
        assert "has no answer yet" in said and "Traceback" not in said, said
    untouched = questions_on_page(feedback_page(misbehaved, "untouched").read_text())
    assert untouched and all(q.fields["Your answer"] == "No answer" for q in untouched.values())


@pytest.mark.xdist_group("roundtrip-misbehaved")
@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_edited_locked_test_cell_is_graded_with_the_original_test(misbehaved):
    first = misbehaved.questions[0]
    scores = misbehaved.scores("meddler")
    assert scores[first.grade_id] == 0
    assert sum(scores.values()) == misbehaved.total - first.points
    restored = next(c for c in misbehaved.autograded("meddler").cells
                    if nbgrader_meta(c).get("grade_id") == first.grade_id)
    assert "edited by the learner" not in restored.source and "expect(" in restored.source


@pytest.mark.xdist_group("roundtrip-misbehaved")
@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_deleted_graded_cells_are_restored_and_graded(misbehaved):
    last = misbehaved.questions[-1]
    assert misbehaved.scores("meddler")[last.grade_id] == last.points
    ids = [nbgrader_meta(c).get("grade_id") for c in misbehaved.autograded("meddler").cells]
    written = [nbgrader_meta(c)["grade_id"] for c in misbehaved.source.cells if is_task_cell(c)]
    assert last.grade_id in ids and set(written) <= set(ids)


@pytest.mark.xdist_group("roundtrip-misbehaved")
@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_feedback_never_gives_the_key_away_even_to_a_learner_who_types_region_markers(misbehaved):
    pages = [(feedback_page(misbehaved, student), misbehaved.course / "submitted" / student / misbehaved.module /
              f"{misbehaved.module}.ipynb") for student in ("untouched", "meddler")]
    assert pages_giving_the_key_away(pages, misbehaved.course / "source") == {}
