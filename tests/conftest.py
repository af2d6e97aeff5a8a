"""Shared test helpers: the project's paths and a throwaway copy of the course."""

from __future__ import annotations

import os
import shutil
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


def source_modules() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture
def course(tmp_path) -> Path:
    """A throwaway copy of the course: its own gradebook, exchange and grading folders."""
    return copy_course(tmp_path / "course")
