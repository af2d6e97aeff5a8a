"""The course content the browser tests walk through, found on disk, so a new module is covered at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from widgets import questions

from .lab import ROOT, course  # noqa: F401 - course is used by the tests through this module


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
    """(index in the released notebook, grade id, the correct answer as a learner types it) for each
    autograded answer: typing it is answering the question correctly. Read with widgets/questions.py."""
    source = root / "source" / released.parent.name / released.name
    if not source.exists():
        return []
    keys = {q.grade_id: q for q in questions.questions(source) if not q.manual}
    return [(q.cells["answer"], q.answer_id, keys[q.grade_id].answer_source(keys[q.grade_id].correct_answer()))
            for q in questions.questions(released) if q.grade_id in keys and "answer" in q.cells]


def each_notebook(notebooks: list[str]) -> list:
    """Parameters for a test run once per notebook, grouped by notebook: every test of one notebook runs on
    the same worker (`--dist loadgroup`), so the notebook is rendered once (rendering.py), and different
    notebooks are shared out between the two workers, so a new module adds its own time to one worker only."""
    return [pytest.param(notebook, marks=pytest.mark.xdist_group(f"browser-{notebook}"), id=notebook)
            for notebook in notebooks]


def course_id(root: Path = ROOT) -> str:
    """The course id nbgrader_config.py sets (the exchange folder's name)."""
    match = re.search(r"CourseDirectory\.course_id\s*=\s*['\"]([^'\"]+)", (root / "nbgrader_config.py").read_text())
    assert match, "nbgrader_config.py sets no CourseDirectory.course_id"
    return match.group(1)


def rubric_openings(module: str, root: Path = ROOT) -> list[tuple[str, str]]:
    """(grade id, the first words of its rubric as the page shows them) for each written task of a module."""
    return [(q.grade_id, q.rubric_opening[:40]) for q in questions.read_module(root / "source" / module).written]
