"""Shared test helpers: the project's paths and a throwaway copy of the course."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
# What a course copy needs; everything else (.venv, .git, node_modules, the running course) stays behind.
COURSE_PARTS = ["nbgrader_config.py", "source", "release", "notebooks"]


def course_env() -> dict[str, str]:
    """nbgrader shells out to `alembic`: the environment's bin/ must be on PATH whenever nbgrader runs."""
    env = dict(os.environ)
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    return env


def copy_course(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in COURSE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, target / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif src.exists():
            shutil.copy2(src, target / part)
    return target


def stop_process(process, seconds: float = 20) -> None:
    """Stop a server a test started: ask, then insist."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(seconds)


def source_modules() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture
def course(tmp_path) -> Path:
    """A throwaway copy of the course: its own gradebook, exchange and grading folders."""
    return copy_course(tmp_path / "course")


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory) -> Path:
    """The course after nbgrader's `generate_assignment` of every module, with its gradebook: generated once
    for the whole test run (the xdist workers share it under a lock) and never changed by a test. A test
    that grades, releases or changes anything works on its own copy (`copy_generated`)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    target = shared / "generated-course"
    with (shared / "generated-course.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "gradebook.db").exists():
            building = copy_course(shared / "generated-course.building")
            (building / "release").exists() and shutil.rmtree(building / "release")
            _generate_every_module(building)
            building.rename(target)
    return target


def _generate_every_module(root: Path) -> None:
    from widgets.trainer.nbgrader_course import Course

    course = Course.open(root)
    api = course.api()
    for module in course.module_ids():
        result = api.generate_assignment(module, force=True, create=True)
        assert result["success"], f"generate_assignment {module} failed:\n{result['log']}\n{result['error']}"


def copy_generated(generated: Path, target: Path) -> Path:
    """A copy of the generated course (gradebook included) a test may change."""
    shutil.copytree(generated, target)
    return target


# -- The quick loop: `python3 course.py test --quick` ------------------------------------------------------
# Models, content, views and configuration only. A test that needs a kernel, nbgrader's grading, a server or
# a browser is marked `slow` or `browser`; in the quick loop a test that starts one anyway fails and says
# so, so the marks cannot drift.

QUICK_HELP = "run only the quick tests: no kernel, no nbgrader grading, no server, no browser"


def pytest_report_header(config):
    """Say at the start when grading cannot run its sandbox here: every test that grades would fail."""
    from widgets.trainer.sandbox import PACKAGE, sandbox_problem

    problem = None if config.getoption("--quick") else sandbox_problem()
    if problem:
        return [f"WARNING: the grading sandbox cannot start ({problem}): the tests that grade will fail. "
                f"Install it: sudo apt-get install {PACKAGE}"]
    return []


def pytest_addoption(parser):
    parser.addoption("--quick", action="store_true", default=False, help=QUICK_HELP)


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--quick"):
        return
    kept, left = [], []
    for item in items:
        (left if item.get_closest_marker("slow") or item.get_closest_marker("browser") else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


class NotQuick(RuntimeError):
    pass


@pytest.fixture(autouse=True, scope="session")
def _quick_tests_start_nothing(request):
    """In the quick loop, starting a process (a kernel, nbgrader's command line, a server) fails the test
    (session-wide, so a fixture of any scope is caught too)."""
    if not request.config.getoption("--quick"):
        yield
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield from _start_nothing(monkeypatch)


def _start_nothing(monkeypatch):
    def refuse(*args, **kwargs):
        raise NotQuick(f"this test starts a process ({args[0] if args else ''!s}), so it is not quick: "
                       "mark it @pytest.mark.slow")

    # Every process Python starts goes through Popen._execute_child, however Popen was imported (a kernel
    # launcher imports the class itself). git answers in milliseconds: configuration checks stay quick.
    execute_child = subprocess.Popen._execute_child

    def git_only(self, args, *rest, **kwargs):
        program = args if isinstance(args, (str, bytes, os.PathLike)) else args[0]
        if Path(os.fsdecode(program)).name == "git":
            return execute_child(self, args, *rest, **kwargs)
        return refuse(args)

    monkeypatch.setattr(subprocess.Popen, "_execute_child", git_only)
    monkeypatch.setattr(os, "execve", refuse)
    from nbgrader.converters.base import BaseConverter
    monkeypatch.setattr(BaseConverter, "start", refuse)
    yield
