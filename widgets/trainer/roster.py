"""Import the learners from a CSV file with nbgrader's own `nbgrader db student import`.

The file needs an `id` column (the learner's login name); `first_name`, `last_name`, `email` and
`lms_user_id` are optional. The file is checked first, so a mistake is reported in plain words.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from .nbgrader_course import Course, ensure_tools_on_path

KNOWN_COLUMNS = {"id", "first_name", "last_name", "email", "lms_user_id"}


class RosterError(ValueError):
    pass


def check_roster(path: Path) -> list[dict]:
    """The roster's rows, or a RosterError naming the line to fix."""
    if not path.exists():
        raise RosterError(f"{path} does not exist.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or []]
        if "id" not in columns:
            raise RosterError(f"{path.name} needs a column named id (the learner's login name); "
                              f"its columns are: {', '.join(columns) or 'none'}.")
        unknown = sorted(set(columns) - KNOWN_COLUMNS)
        if unknown:
            raise RosterError(f"{path.name} has column(s) nbgrader does not know: {', '.join(unknown)}. "
                              f"Use only {', '.join(sorted(KNOWN_COLUMNS))}.")
        rows, seen = [], set()
        for line, row in enumerate(reader, start=2):
            learner = (row.get("id") or "").strip()
            if not learner:
                raise RosterError(f"{path.name}, line {line}: the id is empty.")
            if any(ch in learner for ch in "+* /\\"):
                raise RosterError(f"{path.name}, line {line}: the id {learner!r} may not contain spaces, "
                                  "slashes, '+' or '*'.")
            if learner in seen:
                raise RosterError(f"{path.name}, line {line}: the id {learner!r} appears twice.")
            seen.add(learner)
            rows.append(row)
    return rows


def import_roster(course: Course, path: str | os.PathLike) -> int:
    """Check the file, then run `nbgrader db student import FILE` in the course folder."""
    path = Path(path).resolve()
    rows = check_roster(path)
    ensure_tools_on_path()
    nbgrader = Path(sys.executable).parent / "nbgrader"
    command = [str(nbgrader) if nbgrader.exists() else "nbgrader", "db", "student", "import", str(path)]
    result = subprocess.run(command, cwd=course.root, env=dict(os.environ), capture_output=True, text=True)
    if result.returncode != 0:
        raise RosterError(f"nbgrader could not import {path.name}:\n{result.stderr.strip()}")
    return len(rows)
