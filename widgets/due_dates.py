"""Due dates a learner can see.

The trainer sets each module's due date in nbgrader's gradebook (`python -m widgets.trainer due MODULE DATE`,
or the pencil icon in Formgrader > Manage Assignments followed by `python -m widgets.trainer due --publish`).
Learners have no access to the gradebook, so the trainer's command also publishes every due date as a small
file in the course's exchange, the folder every learner's server already reads to fetch and submit:

    <exchange root>/<course id>/due-dates.json
    {"course_id": ..., "published": ..., "due": {module: ISO 8601 or null}, "titles": {module: title}}

A learner's notebook finds the exchange as nbgrader does on the learner's side: nbgrader_config.py in the
Jupyter configuration folders, then the nearest one from the notebook's folder upward (the course's
learner folder has one). It shows one line near the top of each module and a table beside the course map in
Start Here. Whatever is missing (no file, no date, a damaged file, no configuration) gives a plain sentence
such as "No due date set", never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

DUE_FILE = "due-dates.json"
NBGRADER_DEFAULT_EXCHANGE = "/usr/local/share/nbgrader/exchange"
NO_DUE_DATE = "No due date set"
NOT_AVAILABLE = "Due dates are not available here"


class DueDateError(ValueError):
    """A due date or a due-dates file that cannot be used; the message says what is wrong."""


# ---------------------------------------------------------------- the file (written by the trainer's Course)

def due_file_data(course_id: str, due: dict[str, dt.datetime | None], titles: dict[str, str],
                  now: dt.datetime | None = None) -> dict:
    """What the trainer publishes: each module's due date in UTC (ISO 8601), or None, and its title."""
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return {"course_id": course_id, "published": now.isoformat(),
            "due": {m: None if d is None else as_utc(d).isoformat() for m, d in due.items()},
            "titles": {m: titles.get(m, m) for m in due}}


def as_utc(moment: dt.datetime) -> dt.datetime:
    """nbgrader keeps due dates naive, in UTC: make that explicit."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def parse_due_file(text: str, name: str = DUE_FILE) -> dict[str, dt.datetime | None]:
    """Module -> due date (UTC) from a published file, or a DueDateError naming the file and the field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        raise DueDateError(f"{name}: not valid JSON ({problem})") from None
    if not isinstance(data, dict) or not isinstance(data.get("due"), dict):
        raise DueDateError(f"{name}: due: expected a mapping of module to date")
    found: dict[str, dt.datetime | None] = {}
    for module, value in data["due"].items():
        if value is None:
            found[module] = None
            continue
        try:
            found[module] = as_utc(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            raise DueDateError(f"{name}: due/{module}: {value!r} is not a date and time") from None
    return found


def parse_due(text: str, zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """A due date as a trainer types it: "2027-01-15" (the end of that day, 23:59), "2027-01-15 17:00", or
    with an offset ("2027-01-15T17:00-05:00"). Without an offset the time is in `zone`. Returned in UTC."""
    text = text.strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59))
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DueDateError(f"{text!r} is not a date: write it as 2027-01-15 (the end of that day) or "
                           "2027-01-15 17:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


# ---------------------------------------------------------------- the learner's side

def _config_files(start: Path) -> list[Path]:
    from jupyter_core.paths import jupyter_config_path

    files = [Path(folder) / "nbgrader_config.py" for folder in reversed(jupyter_config_path())]
    for folder in (start, *start.parents):
        if (folder / "nbgrader_config.py").is_file():
            files.append(folder / "nbgrader_config.py")
            break
    return [f for f in files if f.is_file()]


def exchange_file(start: str | Path | None = None) -> Path | None:
    """Where the published due dates are for the course the folder `start` (default: here) belongs to."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    for path in _config_files(Path(start or Path.cwd()).resolve()):
        try:
            config.merge(PyFileConfigLoader(path.name, path=str(path.parent)).load_config())
        except Exception:  # a configuration the learner's notebook cannot read: no due dates, no traceback
            continue
    course_id = config.CourseDirectory.get("course_id", "")
    if not course_id:
        return None
    root = Path(config.Exchange.get("root", NBGRADER_DEFAULT_EXCHANGE))
    return root / course_id / DUE_FILE


def published_due_dates(start: str | Path | None = None) -> dict[str, dt.datetime | None] | None:
    """Module -> due date as the trainer published it; None when nothing can be read."""
    try:
        path = exchange_file(start)
        if path is None or not path.is_file():
            return None
        return parse_due_file(path.read_text(encoding="utf-8"), path.name)
    except (OSError, DueDateError, ImportError, ValueError):
        return None


def due_words(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """"Due Friday 15 January 2027, 23:59 UTC (in 3 days)"; "No due date set" when there is none."""
    if due is None:
        return NO_DUE_DATE
    now = now or dt.datetime.now(dt.UTC)
    due = as_utc(due)
    when = f"{due:%A} {due.day} {due:%B %Y, %H:%M} UTC"
    left = due - now
    if left.total_seconds() < 0:
        return f"Was due {when}. You can still submit: your trainer grades it and marks it late."
    days = left.days
    soon = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f"Due {when} ({soon})."


def due_line(module: str, start: str | Path | None = None, now: dt.datetime | None = None):
    """One line for the top of a module: its due date, or "No due date set". Never raises."""
    try:
        published = published_due_dates(start)
        if published is None:
            text = f"{NO_DUE_DATE} (your trainer has not published due dates)."
        else:
            text = due_words(published.get(module), now)
            text = text if text != NO_DUE_DATE else f"{NO_DUE_DATE} for this module."
    except Exception:  # the line is information; it must never stop the module
        text = f"{NOT_AVAILABLE}; ask your trainer."
    return _markdown(f"**Due date:** {text}")


def course_due_dates(start: str | Path | None = None, now: dt.datetime | None = None):
    """A table of every published module with its due date, for Start Here beside the course map. Never raises."""
    try:
        path = exchange_file(start)
        data = json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else None
        published = parse_due_file(json.dumps(data)) if data is not None else None
        titles = data.get("titles", {}) if isinstance(data, dict) and isinstance(data.get("titles"), dict) else {}
    except Exception:  # a damaged or unreadable file: say so plainly
        published, titles = None, {}
    if not published:
        return _markdown(f"**Due dates:** {NO_DUE_DATE} yet: your trainer has not published any. Run this cell "
                         "again later to see them.")
    rows = [f"| {titles.get(module, module)} | {due_words(due, now)} |" for module, due in published.items()]
    return _markdown("| Module | Due date |\n|---|---|\n" + "\n".join(rows))


class _Markdown:
    """Markdown for the notebook, plain text elsewhere (a terminal, a test)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def _markdown(text: str) -> _Markdown:
    return _Markdown(text)
