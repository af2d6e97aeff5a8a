"""Import the learners from a CSV file into nbgrader's gradebook, as `nbgrader db student import` does.

The file needs an `id` column (the learner's login name); `first_name`, `last_name`, `email` and
`lms_user_id` are optional. The file is checked first, so a mistake is reported in plain words.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from .nbgrader_course import Course

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
    """Check the file, then add or update each learner in the course's gradebook."""
    path = Path(path).resolve()
    rows = check_roster(path)
    try:
        return course.import_roster([{k.strip(): v for k, v in row.items() if k} for row in rows])
    except Exception as error:  # the gradebook refused a row: say which file, keep nbgrader's reason
        raise RosterError(f"nbgrader could not import {path.name}: {error}") from error
