"""Grading that can be trusted: hostile submissions in one cohort run, graded in the sandbox, in parallel.

Each learner below does one thing a learner after the points without the work (or a careless one) might
do. The whole cohort is graded in one run of the course's grader with two workers: the run finishes, every
submission gets its expected score, the grading report says in plain words what happened, and an honest
learner in the same run gets full marks. Without the sandbox, the first attack (reading the instructor's
notebook in source/ and running its solutions) earns full marks: that is what the sandbox is for.

The same submissions graded one at a time get the same scores, and a run stopped with Ctrl+C and then
killed outright, then run again, grades every submission exactly once.
"""

from __future__ import annotations

import copy
import csv
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import copy_generated, course_env, source_modules
from widgets.questions import answered, is_answer_cell, is_check_cell, nbgrader_meta, questions
from widgets.trainer import grading, sandbox
from widgets.trainer.feedback import key_leaks
from widgets.trainer.nbgrader_course import Course

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandboxed-grading")]

MODULE = source_modules()[0]
CELL_SECONDS = 10  # the course allows a cell two minutes; a throwaway course need not wait that long

if sandbox.sandbox_problem() and os.environ.get("CI") != "true":
    pytest.skip(f"the grading sandbox cannot start here: {sandbox.sandbox_problem()}", allow_module_level=True)


class Cohort:
    """A throwaway course with Module 1 released and learners' submissions placed as `collect` leaves them."""

    def __init__(self, root: Path):
        self.root = root
        self.release = nbformat.read(root / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
        self.questions = [q for q in questions(nbformat.read(root / "source" / MODULE / f"{MODULE}.ipynb",
                                                             as_version=4)) if not q.manual]
        self.full = sum(q.points for q in self.questions)
        with (root / "nbgrader_config.py").open("a") as config:
            config.write(f"\nc.Execute.timeout = {CELL_SECONDS}\nc.ExecutePreprocessor.timeout = {CELL_SECONDS}\n")
        self.course = Course.open(root)  # read again, with the shorter time limit

    def blank(self):
        """The release as fetched, untouched."""
        return copy.deepcopy(self.release)

    def answers(self, wrong=()):
        return answered(self.release, {q.grade_id: q.wrong_answer() if q in wrong else q.correct_answer()
                                       for q in self.questions})

    def submit(self, learner: str, nb=None, *, text: str | None = None) -> None:
        folder = self.root / "submitted" / learner / MODULE
        folder.mkdir(parents=True)
        path = folder / f"{MODULE}.ipynb"
        if text is not None:
            path.write_text(text)
        else:
            nbformat.write(nb, path)
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")

    def scores(self) -> dict[str, dict[str, float]]:
        found = {}
        with self.course.gradebook() as gb:
            for learner in grading.submitted_learners(self.course, MODULE):
                submission = gb.submission(MODULE, learner)
                if submission is None:
                    continue
                notebook = gb.find_submission_notebook(MODULE, MODULE, learner)
                found[learner] = {g.name: g.auto_score for g in notebook.grades if g.cell_type == "code"}
        return found


def with_cell(nb, code: str, *, first: bool):
    """A learner's own code cell added to the notebook, at the top (before any check runs) or at the end."""
    cell = nbformat.v4.new_code_cell(code)
    nb.cells.insert(0, cell) if first else nb.cells.append(cell)
    return nb


# One extra cell that reads the instructor's notebook and, after every cell the grader runs, puts its
# solutions in place (so the learner's own empty answers are overwritten just before each check).
SOLUTIONS_FROM = """\
import json
instructor = json.load(open(r"{path}"))
solutions = ["".join(c["source"]).split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
             for c in instructor["cells"] if "### BEGIN SOLUTION" in "".join(c["source"])]
def fill(*_):
    for code in solutions:
        exec(code, get_ipython().user_ns)
get_ipython().events.register("post_run_cell", fill)
"""


class Listener(socketserver.ThreadingTCPServer):
    """A service on this machine's loopback that no submission may reach."""

    allow_reuse_address = True

    def __init__(self):
        self.heard: list[bytes] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                outer.heard.append(self.request.recv(1024) or b"(connected)")

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


# Each case: learner id -> (what it does, in the words the report should use, expected score).
@pytest.fixture(scope="module")
def hostile(generated_course, tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    cohort = Cohort(copy_generated(generated_course, base / "course"))
    home = base / "trainer-home"
    home.mkdir()
    (home / "secret.txt").write_text("the trainer's private notes")
    listener = Listener()
    port = listener.server_address[1]
    root, q = cohort.root, cohort.questions
    source_nb = root / "source" / MODULE / f"{MODULE}.ipynb"
    cases = {
        "honest": (cohort.answers(), None, cohort.full),
        "reads-source": (with_cell(cohort.blank(), SOLUTIONS_FROM.format(path=source_nb), first=True),
                         "tried to read or write a file outside its own folder", 0),
        "reads-graded-copy": (with_cell(cohort.blank(), SOLUTIONS_FROM.format(path=f"{MODULE}.ipynb"),
                                        first=True), "tried to read or write a file outside its own folder", 0),
        "reads-gradebook": (with_cell(cohort.blank(), f"open(r'{root / 'gradebook.db'}', 'rb').read()",
                                      first=True), "tried to read or write a file outside its own folder", 0),
        "reads-another-learner": (with_cell(cohort.blank(), "open(r'{}').read()".format(
            root / "submitted" / "honest" / MODULE / f"{MODULE}.ipynb"), first=True),
            "tried to read or write a file outside its own folder", 0),
        "reads-trainer-home": (with_cell(cohort.blank(), f"open(r'{home / 'secret.txt'}').read()",
                                         first=True), "tried to read or write a file outside its own folder", 0),
        "opens-network": (with_cell(cohort.blank(), "import socket\nsocket.create_connection(('127.0.0.1', "
                                    f"{port}), timeout=5).sendall(b'stolen')", first=True),
                          "tried to open a network connection", 0),
        "writes-outside": (with_cell(cohort.blank(), f"open(r'{root / 'written-by-a-learner.txt'}', "
                                     "'w').write('x')", first=True),
                           "tried to read or write a file outside its own folder", 0),
        "memory-without-bound": (with_cell(cohort.answers(), "hoard = []\nwhile True:\n    "
                                           "hoard.append(bytearray(10**8))", first=False),
                                 "tried to use more memory than allowed", cohort.full),
        "forks-without-bound": (with_cell(cohort.answers(), "import os, time\nwhile True:\n    if os.fork() == 0:"
                                          "\n        time.sleep(600)\n        os._exit(0)", first=False),
                                "tried to start more processes than allowed", cohort.full),
        "prints-without-bound": (with_cell(cohort.answers(), "while True:\n    print('x' * 1000)", first=False),
                                 "printed more than the output limit", cohort.full),
        "loops-forever": (with_cell(cohort.answers(), "while True:\n    pass", first=False),
                          "ran past the time limit", cohort.full),
    }
    killer = cohort.answers()
    answer = next(c for c in killer.cells if is_answer_cell(c) and nbgrader_meta(c)["grade_id"] == q[1].answer_id)
    answer.source += "\nimport os\nos.kill(os.getpid(), 9)"
    cases["kills-its-kernel"] = (killer, f"{q[1].answer_id} stopped Python itself", cohort.full - q[1].points)
    tampered = cohort.answers(wrong=[q[0]])
    for cell in tampered.cells:
        if is_check_cell(cell) and nbgrader_meta(cell)["grade_id"] == q[0].grade_id:
            cell.source = "pass  # nothing to check here"
    cases["tampers-with-a-check"] = (tampered, f"changed locked cell(s) {q[0].grade_id}", cohort.full - q[0].points)
    deleted = cohort.answers()
    deleted.cells = [c for c in deleted.cells if not (is_check_cell(c) and nbgrader_meta(c)["grade_id"] == q[-1].grade_id)]
    cases["deletes-a-check"] = (deleted, f"deleted graded cell(s) {q[-1].grade_id}", cohort.full)
    for learner, (nb, _, _) in cases.items():
        cohort.submit(learner, nb)
    cohort.submit("not-a-notebook", text="These are my notes, not a notebook.")
    saved_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        outcomes = grading.grade_cohort(cohort.course, [MODULE], release=False, workers=2, progress=lambda _: None)
    finally:
        os.environ["HOME"] = saved_home or ""
        listener.shutdown()
    return cohort, cases, {o.learner: o for o in outcomes}, listener


def test_the_cohort_run_finishes_and_every_hostile_submission_gets_its_expected_score(hostile):
    cohort, cases, outcomes, _ = hostile
    scores = cohort.scores()
    got = {learner: sum(scores.get(learner, {}).values()) for learner in cases}
    assert got == {learner: expected for learner, (_, _, expected) in cases.items()}
    assert outcomes["honest"].status == "graded" and outcomes["honest"].score == cohort.full
    assert outcomes["not-a-notebook"].status == "could not be graded"


def test_the_grading_report_says_in_plain_words_what_each_submission_did(hostile):
    cohort, cases, outcomes, _ = hostile
    for learner, (_, said, _) in cases.items():
        notes = " ".join(outcomes[learner].notes)
        if said is None:
            assert not outcomes[learner].notes, notes
        else:
            assert said in notes, f"{learner}: {notes}"
        assert "Traceback" not in notes
    assert "is damaged (it is not a readable notebook file)" in " ".join(outcomes["not-a-notebook"].notes)
    logged = {row["learner"]: row["notes"] for row in grading.read_log(cohort.course)}
    assert "tried to open a network connection" in logged["opens-network"]


def test_no_submission_reached_the_machine_or_the_trainers_files(hostile):
    cohort, _, _, listener = hostile
    assert listener.heard == []
    assert not (cohort.root / "written-by-a-learner.txt").exists()


def test_a_cell_that_kills_its_kernel_costs_that_answer_and_the_rest_is_graded(hostile):
    cohort, _, _, _ = hostile
    scores = cohort.scores()["kills-its-kernel"]
    assert [g for g, s in scores.items() if s == 0] == [cohort.questions[1].grade_id]
    graded = nbformat.read(cohort.root / "autograded" / "kills-its-kernel" / MODULE / f"{MODULE}.ipynb",
                           as_version=4)
    died = [c for c in graded.cells if any(o.get("ename") == sandbox.KERNEL_DIED for o in c.get("outputs", []))]
    assert [nbgrader_meta(c)["grade_id"] for c in died] == [cohort.questions[1].answer_id]


def test_feedback_written_by_the_sandboxed_grader_gives_none_of_the_key_away(hostile):
    cohort, _, _, _ = hostile
    assert list((cohort.root / "feedback").glob(f"*/{MODULE}/*.html"))
    assert key_leaks(cohort.course, MODULE) == {}


def test_without_the_sandbox_reading_the_instructors_notebook_earns_full_marks(generated_course, tmp_path):
    """The attack the sandbox stops is real: graded as nbgrader grades by default, it earns every point."""
    cohort = Cohort(copy_generated(generated_course, tmp_path / "course"))
    source_nb = cohort.root / "source" / MODULE / f"{MODULE}.ipynb"
    cohort.submit("reads-source", with_cell(cohort.blank(), SOLUTIONS_FROM.format(path=source_nb), first=True))
    grading.grade_cohort(cohort.course, [MODULE], feedback=False, workers=1, use_sandbox=False,
                         progress=lambda _: None)
    assert sum(cohort.scores()["reads-source"].values()) == cohort.full


def test_grading_one_at_a_time_gives_the_same_scores_as_in_parallel(hostile, generated_course, tmp_path):
    cohort, cases, _, _ = hostile
    serial = Cohort(copy_generated(generated_course, tmp_path / "course"))
    chosen = ["honest", "reads-source", "kills-its-kernel"]
    for learner in chosen:
        serial.submit(learner, cases[learner][0])
    grading.grade_cohort(serial.course, [MODULE], feedback=False, workers=1, progress=lambda _: None)
    parallel = cohort.scores()
    assert serial.scores() == {learner: parallel[learner] for learner in chosen}


def test_a_run_stopped_with_ctrl_c_and_then_killed_grades_every_submission_exactly_once(generated_course,
                                                                                         tmp_path):
    cohort = Cohort(copy_generated(generated_course, tmp_path / "course"))
    learners = [f"learner-{n}" for n in range(1, 7)]
    for n, learner in enumerate(learners):
        cohort.submit(learner, cohort.answers(wrong=cohort.questions[:n % 3]))
    log = cohort.course.reports_dir / grading.GRADING_LOG

    def graded_lines() -> list[dict]:
        if not log.exists():
            return []
        with log.open(newline="") as handle:
            return list(csv.DictReader(handle))

    def run_until(lines: int, stop: signal.Signals) -> tuple[int, str]:
        grade = subprocess.Popen([sys.executable, "-m", "widgets.trainer", "grade", "--course", str(cohort.root),
                                  "--workers", "2", "--hold-feedback"], env=course_env(), start_new_session=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 240
        while len(graded_lines()) < lines and grade.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        os.killpg(grade.pid, stop)
        output, _ = grade.communicate(timeout=60)
        return grade.returncode, output

    def graded_copies() -> dict[str, int]:
        """When each learner's graded notebook was written, for those whose code has run (nbgrader writes the
        notebook it is about to run first: a run stopped halfway leaves one whose cells never ran)."""
        found = {}
        for path in (cohort.root / "autograded").glob(f"*/{MODULE}/{MODULE}.ipynb"):
            if any(cell.get("execution_count") for cell in nbformat.read(path, as_version=4).cells):
                found[path.parents[1].name] = path.stat().st_mtime_ns
        return found

    code, said = run_until(1, signal.SIGINT)
    assert code == 130 and "run the same command again" in said, said
    run_until(len(graded_lines()) + 1, signal.SIGKILL)
    before = graded_copies()
    assert 0 < len(before) < len(learners), before
    finished = subprocess.run([sys.executable, "-m", "widgets.trainer", "grade", "--course", str(cohort.root),
                               "--hold-feedback"], env=course_env(), capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    after = graded_copies()
    assert sorted(after) == learners
    assert {learner: after[learner] for learner in before} == before  # graded before the stop: not again
    graded = [row["learner"] for row in graded_lines() if row["outcome"] == "graded"]
    assert len(graded) == len(set(graded)), graded_lines()
    scores = cohort.scores()
    assert {learner: sum(scores[learner].values()) for learner in learners} == {
        learner: cohort.full - sum(q.points for q in cohort.questions[:n % 3]) for n, learner in enumerate(learners)}
    assert not list((cohort.root / "submitted").glob("*/*.partial"))
