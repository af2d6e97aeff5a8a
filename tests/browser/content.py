"""The course content the browser tests walk through, found on disk, so a new module is covered at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .lab import ROOT, course  # noqa: F401 - course is used by the tests through this module

SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION", re.S | re.M)


def released_notebooks(root: Path = ROOT) -> list[str]:
    """release/<module>/*.ipynb, relative to the course root."""
    return sorted(p.relative_to(root).as_posix() for p in (root / "release").glob("*/*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def ungraded_notebooks(root: Path = ROOT) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "notebooks").glob("*.ipynb"))


def all_notebooks(root: Path = ROOT) -> list[str]:
    return ungraded_notebooks(root) + released_notebooks(root)


def released_modules(root: Path = ROOT) -> list[str]:
    return sorted({Path(p).parts[1] for p in released_notebooks(root)})


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cells_calling(notebook: Path, call: str) -> list[int]:
    """Indexes of code cells whose source contains `call` (e.g. "play(")."""
    return [i for i, cell in enumerate(read(notebook)["cells"])
            if cell["cell_type"] == "code" and call in source_text(cell)]


def answer_cells(released: Path, root: Path = ROOT) -> list[tuple[int, str, str]]:
    """(index in the released notebook, grade id, the solution from source/) for each autograded answer.

    The solution is the code between BEGIN and END SOLUTION in the instructor notebook, matched by
    grade id: typing it is answering the question correctly.
    """
    module = released.parent.name
    source = root / "source" / module / released.name
    solutions = {}
    if source.exists():
        for cell in read(source)["cells"]:
            meta = nbgrader(cell)
            match = SOLUTION.search(source_text(cell))
            if cell["cell_type"] == "code" and meta.get("solution") and match:
                solutions[meta["grade_id"]] = match.group(1).rstrip("\n")
    found = []
    for index, cell in enumerate(read(released)["cells"]):
        meta = nbgrader(cell)
        if cell["cell_type"] == "code" and meta.get("solution") and not meta.get("grade"):
            if meta.get("grade_id") in solutions:
                found.append((index, meta["grade_id"], solutions[meta["grade_id"]]))
    return found


def course_id(root: Path = ROOT) -> str:
    """The course id nbgrader_config.py sets (the exchange folder's name)."""
    match = re.search(r"CourseDirectory\.course_id\s*=\s*['\"]([^'\"]+)", (root / "nbgrader_config.py").read_text())
    assert match, "nbgrader_config.py sets no CourseDirectory.course_id"
    return match.group(1)


MARK_SCHEME = re.compile(r"^[ \t]*### BEGIN MARK SCHEME[ \t]*\n(.*?)^[ \t]*### END MARK SCHEME", re.S | re.M)


def rubric_openings(module: str, root: Path = ROOT) -> list[tuple[str, str]]:
    """(grade id, the first words of its rubric as the page shows them) for each written task of a module."""
    found = []
    for notebook in sorted((root / "source" / module).glob("*.ipynb")):
        for cell in read(notebook)["cells"]:
            match = MARK_SCHEME.search(source_text(cell))
            if match:
                first = next((line for line in match.group(1).splitlines() if line.strip()), "")
                plain = re.sub(r"[*_#`>]|^\s*(\d+\.|-)\s+", "", first).strip()
                found.append((nbgrader(cell).get("grade_id", "?"), plain[:40]))
    return found
