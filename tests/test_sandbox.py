"""The grading sandbox as built, without starting it: what a submission may see, what stops grading when the
sandbox is missing, and how what happened while a notebook ran is told to the trainer. The sandbox at work
is tested in test_sandboxed_grading.py."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from widgets.trainer import grading, sandbox
from widgets.trainer.__main__ import main
from widgets.trainer.nbgrader_course import Course

ROOT = Path(__file__).resolve().parents[1]


def binds(command: list[str]) -> dict[str, tuple[str, str]]:
    """Each folder or file bound into the sandbox: where it shows inside -> (how, where it comes from)."""
    found = {}
    for index, part in enumerate(command):
        if part in ("--ro-bind", "--bind"):
            found[command[index + 2]] = (part, command[index + 1])
    return found


def test_a_submission_sees_only_the_python_environment_the_course_package_and_its_own_scratch(tmp_path):
    home, sockets = tmp_path / "home", tmp_path / "s"
    command = sandbox.sandbox_command(["python", "-m", "ipykernel_launcher"], home=home, sockets=sockets,
                                      limits=sandbox.Limits())
    seen = binds(command)
    writable = {inside: source for inside, (how, source) in seen.items() if how == "--bind"}
    assert writable == {sandbox.HOME_INSIDE: str(home), str(sockets): str(sockets)}
    readable = {Path(source) for how, source in seen.values() if how == "--ro-bind"}
    for secret in (ROOT, ROOT / "source", ROOT / "gradebook.db", ROOT / ".exchange", ROOT / "submitted",
                   ROOT / "autograded", ROOT / "feedback", Path.home()):
        assert secret not in readable, secret
    assert (ROOT / "widgets") in readable
    assert not any(ROOT / "source" == p or (ROOT / "source").is_relative_to(p) for p in readable)
    assert "--unshare-net" in command and "--clearenv" in command and "--die-with-parent" in command
    assert command[command.index("--") + 1:][-3:] == ["python", "-m", "ipykernel_launcher"]


def test_the_sandbox_holds_the_kernel_to_memory_process_and_file_limits(tmp_path):
    limits = sandbox.Limits(memory_bytes=123_000_000, processes=17, file_bytes=4_000_000)
    command = sandbox.sandbox_command(["python"], home=tmp_path, sockets=tmp_path, limits=limits)
    inner = command[command.index("--") + 1:]
    assert {"--as=123000000", "--nproc=17", "--fsize=4000000"} <= set(inner)


@pytest.fixture
def no_bubblewrap(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name, *a, **k: None)
    sandbox.sandbox_problem.cache_clear()
    yield
    sandbox.sandbox_problem.cache_clear()


def test_without_bubblewrap_grade_stops_before_anything_runs_and_says_what_to_install(no_bubblewrap, course, capsys):
    code = main(["grade", "--course", str(course)])
    said = capsys.readouterr().err
    assert code == 2
    assert "sudo apt-get install bubblewrap" in said and sandbox.NO_SANDBOX_FLAG in said
    assert "Traceback" not in said
    assert not (course / "autograded").exists() and not (course / "reports").exists()


def test_the_demo_without_bubblewrap_stops_before_building_its_course(no_bubblewrap, tmp_path, capsys):
    code = main(["demo", str(tmp_path / "demo"), "--learners", "1"])
    assert code == 2 and "bubblewrap" in capsys.readouterr().err
    assert not (tmp_path / "demo").exists()


def graded_notebook(course: Path, learner: str, module: str, cells: list) -> None:
    folder = course / "autograded" / learner / module
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(nb, folder / f"{module}.ipynb")


def cell(grade_id: str | None, *errors: tuple[str, str], check: bool = False):
    made = nbformat.v4.new_code_cell("x = 1")
    if grade_id:
        made.metadata["nbgrader"] = {"grade_id": grade_id, "grade": check, "solution": not check, "locked": check,
                                     "points": 1 if check else 0}
    made.outputs = [nbformat.v4.new_output("error", ename=name, evalue=value, traceback=[]) for name, value in errors]
    return made


def test_what_happened_while_a_notebook_ran_is_told_in_plain_words_naming_the_cell(course):
    graded_notebook(course, "learner", "m", [
        cell(None, ("FileNotFoundError", "[Errno 2] No such file or directory: '/course/source/m.ipynb'")),
        cell("q1_answer", (sandbox.KERNEL_DIED, "...")),
        cell(None, ("ConnectionRefusedError", "[Errno 111] Connection refused")),
        cell(None, ("BlockingIOError", "[Errno 11] Resource temporarily unavailable")),
        cell(None, ("MemoryError", "")),
        cell("q2_check", ("AssertionError", "no such file or directory"), check=True),  # a wrong answer
        cell(None, (sandbox.OUTPUT_LIMIT, "...")),
        cell(None, ("CellTimeoutError", "")),
        cell("q3_check", (sandbox.SUBMISSION_TIME_LIMIT, "..."), check=True),
    ])
    found = grading.execution_concerns(Course.open(course), "m", "learner")
    said = [(c.kind, c.text) for c in found]
    assert [kind for kind, _ in said] == [grading.REFUSED, grading.KERNEL_DIED, grading.REFUSED, grading.REFUSED,
                                          grading.REFUSED, grading.OUTPUT_LIMIT, grading.TIME_LIMIT,
                                          grading.TIME_LIMIT]
    text = " | ".join(t for _, t in said)
    for words in ("cell 1 (added by the learner) tried to read or write a file outside its own folder",
                  "q1_answer stopped Python itself", "tried to open a network connection",
                  "tried to start more processes than allowed", "tried to use more memory than allowed",
                  "printed more than the output limit", "ran past the time limit for one cell",
                  "q3_check was not run: the notebook's time limit had been reached"):
        assert words in text, text
    assert "q2_check" not in text


def test_a_graded_notebook_whose_code_never_ran_does_not_count_as_graded(course):
    """nbgrader writes the notebook it is about to run into autograded/ first: a run stopped there has graded
    nothing, and the next run must grade it."""
    learner, module = "learner", "m"
    submitted = course / "submitted" / learner / module
    submitted.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), submitted / "m.ipynb")
    (submitted / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    graded_notebook(course, learner, module, [cell(None)])
    (course / "autograded" / learner / module / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    assert not Course.open(course).already_graded(module, learner)
    ran = nbformat.read(course / "autograded" / learner / module / "m.ipynb", as_version=4)
    ran.cells[0].execution_count = 1
    nbformat.write(ran, course / "autograded" / learner / module / "m.ipynb")
    assert Course.open(course).already_graded(module, learner)
