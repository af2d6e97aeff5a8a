"""Where the course's notebooks are: instructor notebooks in source/, learner notebooks in notebooks/, and
the released copy of an instructor notebook. What their cells mean is read by widgets/questions.py."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def source_notebooks() -> list[Path]:
    return sorted((ROOT / "source").glob("*/*.ipynb"))


def release_notebook_for(source: Path, root: Path = ROOT) -> Path:
    return root / "release" / source.parent.name / source.name


def learner_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))
