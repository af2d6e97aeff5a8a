"""The course as the trainer tools see it: its folder, nbgrader configuration, modules and gradebook.

This is the one door into nbgrader: the course's tools reach nbgrader's API (nbgrader.apps.NbGraderAPI,
driven in-process with the course's nbgrader_config.py, exactly as the formgrader does), its gradebook, its
roster and its exchange through `Course`, and nowhere else. (nbgrader's preprocessors that feedback.py
extends, and the learner's server extension, are nbgrader plugins, not callers.)

Grading state lives where nbgrader keeps it: the gradebook and the course folders nbgrader writes
(submitted/, autograded/, feedback/). What the course adds is derived from those, or a log.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import json
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from widgets.questions import Module, read_module

CONFIG_FILE = "nbgrader_config.py"


def project_root() -> Path:
    """The project folder (the course every command uses unless told otherwise)."""
    return Path(__file__).resolve().parents[2]


def find_course_root(start: str | os.PathLike | None = None) -> Path | None:
    """The course folder holding `start` (default: the current folder): the nearest folder, from `start`
    upward, that holds nbgrader_config.py, as nbgrader itself looks for its config. None if there is none."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def ensure_tools_on_path() -> None:
    """nbgrader runs `alembic` as a subprocess when it creates a gradebook: keep this Python's bin/ on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


class CourseError(ValueError):
    """The folder is not a usable course; the message says what to do."""


@dataclass
class Course:
    root: Path
    config: Config

    @classmethod
    def open(cls, root: str | os.PathLike | None = None) -> Course:
        root = Path(root or project_root()).resolve()
        if not (root / CONFIG_FILE).exists():
            raise CourseError(f"{root} is not a course folder: it has no {CONFIG_FILE}.")
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        # The course's paths are relative to its own config file; say so explicitly in case it does not.
        config.CourseDirectory.root = str(root)
        return cls(root=root, config=config)

    @classmethod
    def here(cls, start: str | os.PathLike | None = None) -> Course:
        """The course the current folder belongs to (see find_course_root), or a CourseError saying so."""
        root = find_course_root(start)
        if root is None:
            here = Path(start or Path.cwd()).resolve()
            raise CourseError(f"{here} is not inside a course folder (none of its folders holds {CONFIG_FILE}): "
                              "go to the course folder with cd, or name it with --course.")
        return cls.open(root)

    @property
    def course_id(self) -> str:
        return self.config.CourseDirectory.get("course_id", "cod-iop")

    @property
    def db_url(self) -> str:
        return self.config.CourseDirectory.get("db_url", "sqlite:///" + str(self.root / "gradebook.db"))

    @property
    def gradebook_file(self) -> Path | None:
        """The SQLite gradebook file (without the URL's options, such as ?timeout=120), or None when the
        gradebook is on a database server (PostgreSQL, when several trainers grade on a hub)."""
        if not self.db_url.startswith("sqlite:///"):
            return None
        return Path(self.db_url.removeprefix("sqlite:///").split("?", 1)[0])

    @property
    def gradebook_shown(self) -> str:
        """Where the gradebook is, as a trainer is shown it: the file, or the server's URL without its password."""
        if self.gradebook_file is not None:
            return str(self.gradebook_file)
        from sqlalchemy.engine import make_url

        return make_url(self.db_url).render_as_string(hide_password=True)

    def has_gradebook(self) -> bool:
        """Whether there is a gradebook to read: the SQLite file exists; a server's is created by nbgrader the
        first time it is opened."""
        return self.gradebook_file is None or self.gradebook_file.exists()

    @property
    def exchange_root(self) -> Path:
        return Path(self.config.Exchange.get("root", self.root / ".exchange"))

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def config_copy(self) -> Config:
        return Config(copy.deepcopy(dict(self.config)))

    def module_ids(self) -> list[str]:
        """Modules written in source/ (folders holding a notebook), in course order."""
        source = self.root / "source"
        if not source.is_dir():
            return []
        return sorted(p.name for p in source.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))

    def modules(self) -> dict[str, Module]:
        return {m: read_module(self.root / "source" / m) for m in self.module_ids()}

    def api(self):
        """nbgrader's own high-level API, configured for this course."""
        ensure_tools_on_path()
        from nbgrader.apps.api import NbGraderAPI

        config = self.config_copy()
        # Keep the grading kernel's own start-up notices off the trainer's screen (cell output is unaffected).
        extra = list(config.Execute.get("extra_arguments", []))
        config.Execute.extra_arguments = [*extra, "--IPKernelApp.log_level=ERROR"]
        if "collect" not in config.ExchangeFactory:
            config.ExchangeFactory.collect = _whole_collect()
        api = NbGraderAPI(config=config)
        api.log_level = "WARN"
        return api

    def share_gradebook(self) -> None:
        """Let several processes write the gradebook at once (parallel grading): with SQLite each waits its
        turn, up to two minutes, instead of failing with "database is locked"; a database server (PostgreSQL)
        handles it itself."""
        url = self.db_url
        if url.startswith("sqlite:") and "?" not in url:
            self.config.CourseDirectory.db_url = url + "?timeout=120"

    def gradebook(self):
        """nbgrader's Gradebook for this course (use as a context manager), with the course's two questions
        that must not raise: `submission(module, learner)` and `due_date(module)`, None when missing."""
        ensure_tools_on_path()
        return _course_gradebook()(self.db_url, self.course_id)

    def release(self, modules: list[str], *, scratch: Path | None = None,
                progress=lambda message: None) -> None:
        """Add each module to the gradebook (nbgrader's generate_assignment: it learns the hidden tests and
        rubrics from source/) and release it into the exchange, where learners fetch it. With `scratch`,
        generate into that folder, so the release/ folder is left exactly as it is; release/ is what
        learners get either way. A CourseError says which module failed and why."""
        unknown = [m for m in modules if m not in self.module_ids()]
        if unknown:
            raise CourseError(f"{', '.join(unknown)}: not a module of this course (source/ holds "
                              f"{', '.join(self.module_ids()) or 'no module'}).")
        generating = self.config_copy()
        if scratch is not None:
            generating.CourseDirectory.release_directory = str(scratch)
        ensure_tools_on_path()
        from nbgrader.apps.api import NbGraderAPI

        releasing = self.config_copy()
        releasing.ExchangeReleaseAssignment.force = True  # a module released before is released again
        generate, release = NbGraderAPI(config=generating), NbGraderAPI(config=releasing)
        generate.log_level = release.log_level = "WARN"
        for module in modules:
            progress(f"adding {module} to the gradebook and the exchange")
            added = generate.generate_assignment(module, force=True)
            if not added.get("success"):
                raise CourseError(f"{module} could not be added to the gradebook:\n{_reason(added)}")
            released = release.release_assignment(module)
            if not released.get("success"):
                raise CourseError(f"{module} could not be released to learners:\n{_reason(released)}")

    def due_date(self, module: str) -> dt.datetime | None:
        """The module's due date in the gradebook (naive, UTC), or None."""
        with self.gradebook() as gb:
            return gb.due_date(module)

    def set_due_date(self, module: str, due: dt.datetime) -> None:
        with self.gradebook() as gb:
            gb.update_or_create_assignment(module, duedate=due.astimezone(dt.UTC).replace(tzinfo=None))

    def score(self, module: str, learner: str) -> tuple[float | None, float | None, bool]:
        """(score, max score, waiting for a manual grade) of a learner's graded submission."""
        with self.gradebook() as gb:
            submission = gb.submission(module, learner)
            if submission is None:
                return None, None, False
            return submission.score, submission.max_score, bool(submission.needs_manual_grade)

    def import_roster(self, rows: list[dict]) -> int:
        """Add or update the learners of a checked roster (roster.check_roster) in the gradebook, as
        `nbgrader db student import` does."""
        with self.gradebook() as gb:
            for row in rows:
                fields = {k: (v or "").strip() or None for k, v in row.items() if k and k != "id"}
                gb.update_or_create_student(row["id"].strip(), **fields)
        return len(rows)

    def already_graded(self, module: str, learner: str) -> bool:
        """nbgrader's own rule: skip when every notebook was autograded from a submission at least as new.
        A graded notebook counts only once its code has run: nbgrader writes the notebook it is about to run
        into autograded/ first, so a run stopped halfway leaves one behind that was never graded."""
        from nbgrader.coursedir import CourseDirectory

        submitted = self.root / "submitted" / learner / module
        autograded = self.root / "autograded" / learner / module
        if not autograded.is_dir() or not all(_was_run(autograded / p.name) for p in submitted.glob("*.ipynb")):
            return False
        coursedir = CourseDirectory(config=self.config_copy())
        new, old = coursedir.get_existing_timestamp(str(submitted)), coursedir.get_existing_timestamp(str(autograded))
        return new is None or (old is not None and new <= old)

    def as_learner(self, step: str, learner: str, module: str, at: dt.datetime | None = None) -> Path | None:
        """One of nbgrader's exchange steps (fetch, submit or fetch_feedback) run as a learner whose home
        folder is learners/<learner>; `at` sets the exchange's clock (a simulated on-time or late
        submission). The module's folder in the learner's home, or None when the exchange has nothing for
        them (no feedback released, say)."""
        ensure_tools_on_path()
        from nbgrader.auth import Authenticator
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.exchange import ExchangeError, ExchangeFactory

        config = self.config_copy()
        home = self.root / "learners" / learner
        home.mkdir(parents=True, exist_ok=True)
        config.Exchange.assignment_dir = str(home)
        config.Exchange.cache = str(self.root / ".learner-cache" / learner)
        config.CourseDirectory.student_id = learner
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = module
        factory = ExchangeFactory(config=config)
        cls = {"fetch": factory.fetch_assignment, "submit": factory.submit,
               "fetch_feedback": factory.fetch_feedback}[step]
        if at is not None:
            cls = _clocked(cls, at)
        try:
            cls(coursedir=coursedir, authenticator=Authenticator(config=config), config=config).start()
        except ExchangeError:
            if step != "fetch_feedback":
                raise
            return None
        return home / module

    def released_modules(self) -> list[str]:
        """Modules the gradebook knows (generate_assignment put them there), in course order."""
        if self.gradebook_file is None:
            with self.gradebook() as gb:  # a server database (PostgreSQL): through nbgrader's Gradebook
                names = {assignment.name for assignment in gb.assignments}
        elif not self.gradebook_file.exists():
            return []
        else:
            # A read-only look at nbgrader's assignment table: importing nbgrader's API takes about a second
            # (it brings the server extensions along), which the trainer guide's first cell would pay for.
            with contextlib.closing(sqlite3.connect(f"file:{self.gradebook_file}?mode=ro", uri=True)) as db:
                names = {name for (name,) in db.execute("SELECT name FROM assignment")}
        return [m for m in self.module_ids() if m in names] + sorted(names - set(self.module_ids()))

    # -- due dates learners can see (widgets/due_dates.py reads what these publish) ------------------------

    def clear_due_date(self, module: str) -> None:
        """Remove a module's due date from the gradebook."""
        with self.gradebook() as gb:
            gb.update_or_create_assignment(module, duedate=None)

    def due_dates(self) -> dict[str, dt.datetime | None]:
        """Every released module's due date in the gradebook (naive, UTC), or None, in course order."""
        modules = self.released_modules()
        if not modules:
            return {}
        with self.gradebook() as gb:
            return {m: gb.due_date(m) for m in modules}

    @property
    def due_dates_file(self) -> Path:
        """Where learners' notebooks read the due dates: a small file in the course's exchange folder."""
        from widgets.due_dates import DUE_FILE

        return self.exchange_root / self.course_id / DUE_FILE

    def publish_due_dates(self) -> Path:
        """Write every released module's due date and title into the exchange, readable by every learner."""
        import tempfile

        from widgets.due_dates import due_file_data

        titles = {m: mod.title for m, mod in self.modules().items()}
        data = due_file_data(self.course_id, self.due_dates(), titles)
        target = self.due_dates_file
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".due-dates-", suffix=".json", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
        os.chmod(temporary, 0o644)  # every learner's server reads it
        os.replace(temporary, target)
        return target


def _was_run(notebook: Path) -> bool:
    """Whether a graded notebook's code has run (a code cell has an execution count)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return False
    return any(c.get("cell_type") == "code" and c.get("execution_count") for c in cells if isinstance(c, dict))


def _reason(result: dict) -> str:
    """What nbgrader said when a step failed: its last line (the traceback before it helps no trainer)."""
    lines = [line.strip() for line in f"{result.get('log') or ''}\n{result.get('error') or ''}".splitlines()
             if line.strip()]
    return lines[-1] if lines else "nbgrader gave no reason"


def gradebook_at(db_url: str):
    """The course's Gradebook at a database URL nbgrader hands over (inside its own feedback step, where the
    course folder is not at hand); use as a context manager."""
    ensure_tools_on_path()
    return _course_gradebook()(db_url)


@functools.cache
def _whole_collect():
    """nbgrader's collect, copying each submission into place whole or not at all: it copies into a folder
    beside the target and renames it, so a run stopped while copying leaves no half-collected submission
    that a later collect would take for complete (nbgrader only compares timestamps)."""
    from nbgrader.exchange.default.collect import ExchangeCollect

    class WholeCollect(ExchangeCollect):
        def do_copy(self, src, dest, log=None):
            partial = f"{dest}.partial"
            if os.path.isdir(partial):
                shutil.rmtree(partial)
            super().do_copy(src, partial, log)
            os.replace(partial, dest)

    return WholeCollect


def _clocked(cls, at: dt.datetime):
    """An exchange step with a set clock."""

    class Clocked(cls):
        def set_timestamp(self):
            self.timestamp = at.strftime(self.timestamp_format)

    return Clocked


@functools.cache
def _course_gradebook():
    from nbgrader.api import Gradebook, MissingEntry

    class CourseGradebook(Gradebook):
        """nbgrader's Gradebook, answering None where nbgrader raises MissingEntry."""

        def submission(self, module: str, learner: str):
            try:
                return self.find_submission(module, learner)
            except MissingEntry:
                return None

        def due_date(self, module: str) -> dt.datetime | None:
            try:
                return self.find_assignment(module).duedate
            except MissingEntry:
                return None

        def grade(self, grade_id: str, notebook: str, module: str, learner: str):
            try:
                return self.find_grade(grade_id, notebook, module, learner)
            except MissingEntry:
                return None

    return CourseGradebook
