"""The grading round trip with nbgrader's own commands on a throwaway copy of the course.

For every module: the solutions earn every autograded point; an untouched release earns 0; a submission with
exactly k wrong answers loses exactly those points; an edited locked test cell is graded with the original
test; a deleted graded cell is restored and graded. `nbgrader generate_feedback`, as a trainer types it,
writes every learner's feedback without any of the key (hidden tests, mark scheme, solutions), also for a
learner who deleted the written question and typed region markers of their own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.conftest import copy_course, course_env, source_modules
from tests.course_notebooks import (
    answered,
    is_answer_cell,
    is_task_cell,
    is_test_cell,
    nbgrader_meta,
    questions,
)
from tests.feedback_pages import pages_giving_the_key_away, questions_on_page

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
        self.questions = questions(self.source)
        self.total = sum(q.points for q in self.questions)

    def scores(self, student: str) -> dict[str, float]:
        with Gradebook(f"sqlite:///{self.course}/gradebook.db", "cod-iop") as gb:
            notebook = gb.find_submission_notebook(self.module, self.module, student)
            return {g.name: g.auto_score for g in notebook.grades if g.cell_type == "code"}

    def autograded(self, student: str):
        return nbformat.read(self.course / "autograded" / student / self.module / f"{self.module}.ipynb",
                             as_version=4)


@pytest.fixture(scope="module", params=MODULES)
def graded(request, tmp_path_factory) -> Graded:
    module = request.param
    course = copy_course(tmp_path_factory.mktemp(module) / "course")
    nbgrader("generate_assignment", module, "--force", cwd=course)
    g = Graded(course, module)
    first, last = g.questions[0], g.questions[-1]

    submit(course, "solution", module, answered(g.release, g.source))
    submit(course, "untouched", module, g.release)
    wrong = {q.variable: q.wrong_answer() for q in g.questions[:WRONG]}
    submit(course, "some-wrong", module, answered(g.release, g.source, wrong))

    tampered = answered(g.release, g.source, {first.variable: first.wrong_answer()})
    for cell in tampered.cells:
        if is_test_cell(cell) and nbgrader_meta(cell)["grade_id"] == first.grade_id:
            cell.source = "pass  # edited by the learner"
    submit(course, "tampered", module, tampered)

    deleted = answered(g.release, g.source)
    deleted.cells = [c for c in deleted.cells
                     if not (is_test_cell(c) and nbgrader_meta(c)["grade_id"] == last.grade_id)]
    submit(course, "deleted-cell", module, deleted)

    # Deletes the written question (nbgrader adds it back, mark scheme and all) and types markers of its own.
    meddled = answered(g.release, g.source, {first.variable: first.wrong_answer()})
    meddled.cells = [c for c in meddled.cells if not is_task_cell(c)]
    answer = next(c for c in meddled.cells if is_answer_cell(c))
    answer.source += "\n### BEGIN HIDDEN TESTS\n# what is behind this?"
    meddled.cells.append(nbformat.v4.new_markdown_cell("My notes.\n### BEGIN MARK SCHEME"))
    submit(course, "meddler", module, meddled)

    nbgrader("autograde", module, cwd=course)
    return g


LEARNERS = ("solution", "untouched", "some-wrong", "tampered", "deleted-cell", "meddler")


@pytest.fixture(scope="module")
def feedback(graded) -> dict[str, Path]:
    """Each learner's feedback page, written by `nbgrader generate_feedback` with the course's config."""
    nbgrader("generate_feedback", graded.module, "--force", cwd=graded.course)
    return {student: graded.course / "feedback" / student / graded.module / f"{graded.module}.html"
            for student in LEARNERS}


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_solutions_earn_every_autograded_point(graded):
    scores = graded.scores("solution")
    assert scores == {q.grade_id: q.points for q in graded.questions}


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_untouched_release_earns_nothing(graded):
    assert sum(graded.scores("untouched").values()) == 0


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_each_wrong_answer_loses_exactly_its_points(graded):
    scores = graded.scores("some-wrong")
    lost = {q.grade_id for q in graded.questions[:WRONG]}
    assert scores == {q.grade_id: (0 if q.grade_id in lost else q.points) for q in graded.questions}
    assert sum(scores.values()) == graded.total - sum(q.points for q in graded.questions[:WRONG])


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_edited_locked_test_cell_is_graded_with_the_original_test(graded):
    first = graded.questions[0]
    scores = graded.scores("tampered")
    assert scores[first.grade_id] == 0
    assert sum(scores.values()) == graded.total - first.points
    restored = next(c for c in graded.autograded("tampered").cells
                    if nbgrader_meta(c).get("grade_id") == first.grade_id)
    assert "edited by the learner" not in restored.source and "expect(" in restored.source


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_deleted_graded_cell_is_restored_and_graded(graded):
    last = graded.questions[-1]
    assert graded.scores("deleted-cell") == {q.grade_id: q.points for q in graded.questions}
    ids = [nbgrader_meta(c).get("grade_id") for c in graded.autograded("deleted-cell").cells]
    assert last.grade_id in ids


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_gradebook_counts_each_point_once(graded):
    tasks = [c for c in graded.source.cells if nbgrader_meta(c).get("task")]
    written = sum(nbgrader_meta(c)["points"] for c in tasks)
    with Gradebook(f"sqlite:///{graded.course}/gradebook.db", "cod-iop") as gb:
        assert gb.find_assignment(graded.module).max_score == graded.total + written


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_feedback_is_generated_for_every_learner(feedback):
    assert all(page.exists() for page in feedback.values())
    untouched = questions_on_page(feedback["untouched"].read_text())
    assert untouched and all(q.fields["Your answer"] == "No answer" for q in untouched.values())


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_feedback_never_gives_the_key_away(graded, feedback):
    pages = [(page, graded.course / "submitted" / student / graded.module / f"{graded.module}.ipynb")
             for student, page in feedback.items()]
    assert pages_giving_the_key_away(pages, graded.course / "source") == {}


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_feedback_shows_each_question_with_the_learners_answer_and_whether_it_is_right(graded, feedback):
    shown = questions_on_page(feedback["some-wrong"].read_text())
    for index, question in enumerate(graded.questions):
        on_page = shown[int(question.variable.removeprefix("q").split("_")[0])]
        assert on_page.fields["Result"].endswith("Not right" if index < WRONG else "Right")
        assert on_page.why and on_page.source.startswith("Source: ")
    wrong = graded.questions[0].wrong_answer()
    typed = ", ".join(map(str, wrong)) if isinstance(wrong, list) else f"{wrong:g}" if isinstance(wrong, float) \
        else str(wrong)
    assert shown[int(graded.questions[0].variable.removeprefix("q").split("_")[0])].fields["Your answer"] == typed
