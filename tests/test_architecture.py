"""The shape of the house (docs/architecture.md): one door into nbgrader, one reader of questions, one name
per class. Read from the source with ast, so the rules hold for every file added later."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "widgets"
DOOR = PACKAGE / "trainer" / "nbgrader_course.py"
# nbgrader's parts the course calls (its API, gradebook, exchange, course folders and command line). Its
# preprocessors, checksum utilities and server-extension handlers are plugins the course extends, not calls.
CALLS_INTO_NBGRADER = ("nbgrader.api", "nbgrader.apps", "nbgrader.exchange", "nbgrader.coursedir", "nbgrader.auth")


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_two_classes_of_the_course_share_a_name():
    where = defaultdict(list)
    for path in python_files(PACKAGE) + python_files(ROOT / "tests") + [ROOT / "course.py"]:
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in where.items() if len(paths) > 1}
    assert not shared, shared


def test_only_the_door_calls_nbgraders_api_gradebook_and_exchange():
    callers = {str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path)
                                                   if m.startswith(CALLS_INTO_NBGRADER) or m == "sqlite3")
               for path in python_files(PACKAGE) if path != DOOR}
    assert {path: found for path, found in callers.items() if found} == {}


def test_the_course_never_runs_nbgrader_as_a_command():
    for path in python_files(PACKAGE):
        text = path.read_text(encoding="utf-8")
        assert "subprocess" not in imported_modules(path) or '"nbgrader"' not in text, path


CHECK_NAMES = {"check_choice", "check_choices", "check_number", "expect"}


def compares_with_check_names(path: Path) -> bool:
    """True when the code compares something with the name of a check call (`node.func.id == "expect"`,
    `name in ("check_choice", ...)`): the mark of a reader of check cells."""
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Compare) and not isinstance(node.left, ast.Constant):
            constants = {c.value for part in node.comparators for c in ast.walk(part)
                         if isinstance(c, ast.Constant) and isinstance(c.value, str)}
            if constants & CHECK_NAMES:
                return True
    return False


def test_only_the_question_reader_reads_check_calls():
    """The check calls (`check_choice(...)`) and `expect(...)` are parsed in widgets/questions.py alone."""
    readers = [str(path.relative_to(ROOT)) for path in python_files(PACKAGE) + python_files(ROOT / "tests")
               if path != PACKAGE / "questions.py" and compares_with_check_names(path)]
    assert readers == []
