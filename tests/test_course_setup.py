"""course.py's set-up: a course copy gets its gradebook and exchange, and release/ is left untouched."""

from __future__ import annotations

import hashlib
import importlib.util

import pytest
from nbgrader.api import Gradebook

from tests.conftest import ROOT, source_modules

spec = importlib.util.spec_from_file_location("course_script", ROOT / "course.py")
course_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course_script)


def _digest(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    from tests.conftest import copy_course

    course = copy_course(tmp_path_factory.mktemp("setup") / "course")
    before = _digest(course / "release")
    course_script.ensure_course(course)
    return course, before


def test_setup_releases_every_module_into_the_local_exchange(prepared):
    course, _ = prepared
    outbound = course / ".exchange" / "cod-iop" / "outbound"
    assert sorted(p.name for p in outbound.iterdir()) == source_modules()
    for module in source_modules():
        assert (outbound / module / f"{module}.ipynb").exists()
    assert (course / "my-work").is_dir()


def test_setup_teaches_the_gradebook_every_module_and_its_graded_cells(prepared):
    course, _ = prepared
    with Gradebook(f"sqlite:///{course}/gradebook.db", "cod-iop") as gb:
        assert sorted(a.name for a in gb.assignments) == source_modules()
        for module in source_modules():
            assignment = gb.find_assignment(module)
            assert assignment.max_score > 0 and assignment.notebooks[0].grade_cells


def test_setup_leaves_the_committed_release_untouched(prepared):
    course, before = prepared
    assert _digest(course / "release") == before


def test_setup_is_idempotent(prepared):
    course, _ = prepared
    stamp = (course / "gradebook.db").stat().st_mtime_ns
    course_script.ensure_course(course)
    assert (course / "gradebook.db").stat().st_mtime_ns == stamp


def test_lab_opens_on_start_here_in_the_course_folder():
    command = course_script.lab_command(ROOT)
    assert command[1] == "lab" and f"--ServerApp.root_dir={ROOT}" in command
    assert (ROOT / command[3]).exists() and command[3] == "notebooks/00-start-here.ipynb"


@pytest.mark.parametrize("argv,expected", [
    (["test", "-k", "vignette", "-x"], ["-k", "vignette", "-x"]),
    (["test", "-p", "no:cacheprovider", "tests/test_vignettes.py"], ["-p", "no:cacheprovider", "tests/test_vignettes.py"]),
    (["test"], []),
    (["start", "--port", "8899"], ["--port", "8899"]),
])
def test_extra_arguments_go_on_to_pytest_or_jupyter_lab(monkeypatch, argv, expected):
    seen = {}
    monkeypatch.setattr(course_script, argv[0], lambda extra: seen.setdefault("extra", extra))
    course_script.main(argv)
    assert seen["extra"] == expected


def test_unknown_arguments_to_setup_are_refused():
    with pytest.raises(SystemExit):
        course_script.main(["setup", "--bogus"])


def test_the_learner_folder_reads_the_course_config(prepared):
    # nbgrader's Assignments panel loads its config a second time from inside my-work/.
    from tests.test_nbgrader_config import load_course_config

    config = load_course_config(prepared[0] / "my-work")
    assert config.Exchange.root == str(prepared[0] / ".exchange")
    assert config.CourseDirectory.course_id == "cod-iop"


def test_setup_releases_a_module_again_when_its_release_changes(prepared):
    course, _ = prepared
    module = source_modules()[0]
    notebook = course / "release" / module / f"{module}.ipynb"
    original = notebook.read_text()
    notebook.write_text(original.replace("Estimated time", "Estimated  time", 1))
    try:
        course_script.ensure_course(course)
        released = course / ".exchange" / "cod-iop" / "outbound" / module / f"{module}.ipynb"
        assert "Estimated  time" in released.read_text()
    finally:
        notebook.write_text(original)
        course_script.ensure_course(course)
