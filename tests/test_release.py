"""release/ is exactly what nbgrader generates from source/, leaks nothing, and passes no test;
source/ passes every test and every cell runs cleanly (nbgrader's own Validator, whose result is read:
`nbgrader validate` exits 0 even when tests fail). What an untouched module earns is tested once, where
nbgrader grades it (test_roundtrip.py)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbgrader.validator import Validator

from tests.conftest import ROOT
from tests.course_notebooks import release_notebook_for, source_notebooks

LEAK_MARKERS = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                "BEGIN MARK SCHEME", "END MARK SCHEME", "expect("]
SOURCES = source_notebooks()


def ids(paths):
    return [p.parent.name for p in paths]


def _comparable(path: Path) -> dict:
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def regenerated(generated_course) -> Path:
    """A course copy with release/ generated afresh by nbgrader from source/ (the session's generated course)."""
    return generated_course


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_release_holds_exactly_the_generated_files(regenerated):
    committed = sorted(p.relative_to(ROOT / "release") for p in (ROOT / "release").rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(regenerated / "release") for p in (regenerated / "release").rglob("*")
                   if p.is_file())
    assert committed == fresh


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_release_equals_a_fresh_generate_assignment(regenerated, source):
    committed = release_notebook_for(source)
    fresh = release_notebook_for(source, regenerated)
    assert _comparable(committed) == _comparable(fresh), (
        f"{committed.relative_to(ROOT)} is not what nbgrader generates from source/: "
        f"run `nbgrader generate_assignment {source.parent.name} --force` and commit release/")


@pytest.mark.parametrize("path", sorted((ROOT / "release").rglob("*.ipynb")), ids=lambda p: p.parent.name)
def test_release_holds_no_solution_hidden_test_or_rubric(path):
    text = path.read_text(encoding="utf-8")
    for marker in LEAK_MARKERS:
        assert marker not in text, f"{path.relative_to(ROOT)} contains {marker!r}"


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_release_gives_learners_a_comment_not_a_traceback_in_answer_cells(source):
    text = release_notebook_for(source).read_text(encoding="utf-8")
    assert "NotImplementedError" not in text and "YOUR CODE HERE" not in text


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_source_passes_every_test_in_nbgraders_validator(source):
    """Every cell of the instructor notebook, not only its tests, runs without an error or a word on stderr
    (the source notebooks run once in the suite, here)."""
    results = Validator(validate_all=True).validate(str(source))
    assert set(results) <= {"failed"} and not results.get("failed"), results
