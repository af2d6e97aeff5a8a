"""Import the learners from a CSV file into nbgrader's gradebook, as `nbgrader db student import` does.

The file needs an `id` column (the learner's login name); `first_name`, `last_name`, `email`,
`lms_user_id` and `credential` are optional. The file is checked first, so a mistake is reported in plain words.

`credential` is the learner's credential or license number as a certificate prints it ("LPC 12345",
"CADC-II 0042"). nbgrader's gradebook has no place for it, so it is kept beside the gradebook in
learner-credentials.csv (id, credential), which each import updates; certificates read it from there.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from .nbgrader_course import Course

NBGRADER_COLUMNS = {"id", "first_name", "last_name", "email", "lms_user_id"}
KNOWN_COLUMNS = NBGRADER_COLUMNS | {"credential"}
CREDENTIALS_FILE = "learner-credentials.csv"
CREDENTIAL_LIMIT = 60


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
            raise RosterError(f"{path.name} has column(s) the course does not know: {', '.join(unknown)}. "
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
            credential = (row.get("credential") or "").strip()
            if len(credential) > CREDENTIAL_LIMIT or any(ord(ch) < 32 for ch in credential):
                raise RosterError(f"{path.name}, line {line}: the credential of {learner!r} must be one line of "
                                  f"at most {CREDENTIAL_LIMIT} characters (for example LPC 12345).")
            seen.add(learner)
            rows.append(row)
    return rows


def import_roster(course: Course, path: str | os.PathLike) -> int:
    """Check the file, then add or update each learner in the course's gradebook."""
    path = Path(path).resolve()
    rows = [{k.strip(): v for k, v in row.items() if k} for row in check_roster(path)]
    try:
        count = course.import_roster([{k: v for k, v in row.items() if k in NBGRADER_COLUMNS} for row in rows])
    except Exception as error:  # the gradebook refused a row: say which file, keep nbgrader's reason
        raise RosterError(f"nbgrader could not import {path.name}: {error}") from error
    if any("credential" in row for row in rows):
        known = read_credentials(course.root)
        known.update({row["id"].strip(): (row.get("credential") or "").strip() for row in rows})
        write_credentials(course.root, known)
    return count


def read_credentials(root: Path) -> dict[str, str]:
    """Learner id -> credential or license number, from learner-credentials.csv ({} without the file)."""
    path = Path(root) / CREDENTIALS_FILE
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row.get("credential") or "" for row in csv.DictReader(handle) if row.get("id")}


def write_credentials(root: Path, credentials: dict[str, str]) -> Path:
    path = Path(root) / CREDENTIALS_FILE
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "credential"])
        writer.writerows(sorted(credentials.items()))
    return path
