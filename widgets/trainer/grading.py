"""Grade the whole cohort: collect, autograde and write feedback, one learner at a time.

One bad submission never stops the run. Before nbgrader grades a submission, each notebook is checked
for the problems a trainer needs to hear about in plain words (missing, damaged, changed test cells);
after grading, cells stopped by the time limit are reported. Re-running is safe: nbgrader's own
autograde skips a submission already graded unless a newer one was collected.

Feedback is written for the trainer to review as each learner is graded, and released for a whole
module at once: when the trainer says so, or once the module's due date has passed (feedback.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from widgets import questions

from .feedback import key_leaks, not_released_sentence, release_decision
from .nbgrader_course import Course

GRADING_LOG = "grading-log.csv"
LOG_FIELDS = ["time", "module", "learner", "outcome", "notes"]


@dataclass
class Outcome:
    """What happened to one learner's submission of one module."""

    module: str
    learner: str
    status: str  # "graded", "already graded", "could not be graded"
    notes: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None
    waiting_for_manual_grade: bool = False

    def line(self) -> str:
        score = "" if self.score is None else f" {self.score:g}/{self.max_score:g} points"
        if self.score is not None and self.waiting_for_manual_grade:
            score += " so far (written answer not graded yet)"
        notes = "".join(f"\n      - {n}" for n in self.notes)
        return f"{self.learner}: {self.status}{score}{notes}"


def submitted_learners(course: Course, module: str) -> list[str]:
    submitted = course.root / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if (p / module).is_dir())


@dataclass(frozen=True)
class Concern:
    """Something about one submission a trainer should follow up, in plain words.

    `kind` is one of CONCERNS (the short reason the follow-up list shows); `text` says what happened.
    """

    kind: str
    text: str
    cells: tuple[str, ...] = ()  # grade ids of the cells it is about, if any


# Short reasons, in the order the follow-up list shows them; the first two stop a submission's grading.
MISSING_NOTEBOOK = "notebook missing from the submission"
DAMAGED = "damaged notebook"
GRADING_FAILED = "could not be graded"
CHANGED = "changed a locked cell (a question or its check)"
DELETED = "deleted a graded cell"
TIME_LIMIT = "stopped by the time limit"
NOT_GRADED_YET = "collected, not graded yet"
CONCERNS = (MISSING_NOTEBOOK, DAMAGED, GRADING_FAILED, CHANGED, DELETED, TIME_LIMIT, NOT_GRADED_YET)
UNGRADABLE = (MISSING_NOTEBOOK, DAMAGED)


def check_submission(course: Course, module: str, learner: str) -> tuple[list[str], bool]:
    """Plain-language problems in a collected submission, and whether it can be graded at all."""
    concerns = submission_concerns(course, module, learner)
    return [c.text for c in concerns], not any(c.kind in UNGRADABLE for c in concerns)


def submission_concerns(course: Course, module: str, learner: str) -> list[Concern]:
    """What a trainer needs to hear about a collected submission, read from its files alone.

    Missing or damaged notebooks (nbgrader cannot grade them), and locked cells (questions, checks,
    rubrics) the learner changed or deleted: nbgrader's own signal for that is a locked cell whose
    checksum no longer matches its text; the released notebook is compared as well.
    """
    folder = course.root / "submitted" / learner / module
    concerns: list[Concern] = []
    for source_nb in sorted((course.root / "source" / module).glob("*.ipynb")):
        path = folder / source_nb.name
        if not path.exists():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            found = f" (the folder holds {', '.join(others)})" if others else ""
            concerns.append(Concern(MISSING_NOTEBOOK, f"{source_nb.name} is missing from the submission{found}; "
                                    "it cannot be graded until the learner submits it again under its "
                                    "original name."))
            continue
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # nbformat raises several types for unreadable files
            concerns.append(Concern(DAMAGED, f"{source_nb.name} is damaged (it is not a readable notebook "
                                    "file); ask the learner to submit it again."))
            continue
        concerns.extend(_changed_cells(course, module, source_nb.stem, nb))
    return concerns


def _released_locked_cells(course: Course, module: str, notebook: str) -> dict:
    path = course.root / "release" / module / f"{notebook}.ipynb"
    if not path.exists():
        return {}
    return _locked_cells(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _locked_cells(path: str, _mtime: int) -> dict:
    return questions.locked_cells(path)


def _changed_cells(course: Course, module: str, notebook: str, nb) -> list[Concern]:
    """Locked cells (questions, tests, rubrics) the learner changed or deleted."""
    released = _released_locked_cells(course, module, notebook)
    present, changed = set(), []
    for cell in nb.cells:
        nbg = cell.metadata.get("nbgrader", {})
        name = nbg.get("grade_id")
        if name in released:
            present.add(name)
            if cell.source.strip() != released[name].source.strip() or questions.checksum_changed(cell):
                changed.append(name)
        elif nbg.get("locked") and name and questions.checksum_changed(cell):
            changed.append(name)
    deleted = sorted(n for n, c in released.items() if n not in present and (
        c.metadata.nbgrader.get("grade") or c.metadata.nbgrader.get("task")))
    concerns = []
    if changed:
        concerns.append(Concern(CHANGED, f"changed locked cell(s) {', '.join(changed)}; nbgrader put the "
                                "originals back before grading, so the change had no effect.", tuple(changed)))
    if deleted:
        concerns.append(Concern(DELETED, f"deleted graded cell(s) {', '.join(deleted)}; nbgrader added them "
                                "back empty.", tuple(deleted)))
    return concerns


def timeout_concerns(course: Course, module: str, learner: str) -> list[Concern]:
    """Cells of the graded notebook that nbgrader stopped at the time limit."""
    concerns = []
    for path in sorted((course.root / "autograded" / learner / module).glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:
            continue
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.get("ename") == "CellTimeoutError":
                    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "a cell")
                    concerns.append(Concern(TIME_LIMIT, f"{grade_id} ran past the time limit and was stopped; "
                                            "grading went on with the rest of the notebook.", (grade_id,)))
    return concerns


def _timeouts(course: Course, module: str, learner: str) -> list[str]:
    return [c.text for c in timeout_concerns(course, module, learner)]


def _plain_error(result: dict) -> str:
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    if "CellTimeoutError" in text or "Timeout" in text:
        return "the notebook ran past the time limit and was stopped."
    if "DeadKernelError" in text or "Kernel died" in text:
        return "the notebook's code stopped Python itself (the kernel died)."
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if re.search(r"error|exception", ln, re.I)]
    return "nbgrader could not grade it: " + (errors[-1] if errors else lines[-1] if lines else "unknown reason")


def grade_one(course: Course, api, module: str, learner: str, *, feedback: bool = True) -> Outcome:
    outcome = Outcome(module=module, learner=learner, status="graded")
    try:
        notes, gradable = check_submission(course, module, learner)
    except Exception as error:  # a check must never stop the cohort
        notes, gradable = [f"could not be checked ({error})"], True
    outcome.notes.extend(notes)
    if not gradable:
        outcome.status = "could not be graded"
        return outcome
    already = course.already_graded(module, learner)
    result = api.autograde(module, learner, force=False, create=True)
    if not result.get("success"):
        outcome.status = "could not be graded"
        outcome.notes.append(_plain_error(result))
        return outcome
    if already:
        outcome.status = "already graded"
    outcome.notes.extend(_timeouts(course, module, learner))
    feedback_dir = course.root / "feedback" / learner / module
    if feedback and (outcome.status == "graded" or not feedback_dir.is_dir()):
        made = api.generate_feedback(module, learner, force=True)
        if not made.get("success"):
            outcome.notes.append("graded, but its feedback could not be written: " + _plain_error(made))
    outcome.score, outcome.max_score, outcome.waiting_for_manual_grade = course.score(module, learner)
    return outcome


def grade_cohort(course: Course, modules: list[str] | None = None, *, feedback: bool = True,
                 release: bool | None = None, progress: Callable[[str], None] = print) -> list[Outcome]:
    """Collect, autograde and write feedback for every submission of every released module.

    `release`: True releases each module's feedback, False holds it, None releases it only once the
    module's due date has passed.
    """
    with warnings.catch_warnings():
        # nbgrader's database layer warns about its own session handling; it means nothing to a trainer.
        warnings.filterwarnings("ignore", module="nbgrader")
        return _grade_cohort(course, modules, feedback=feedback, release=release, progress=progress)


def _grade_cohort(course: Course, modules: list[str] | None, *, feedback: bool, release: bool | None,
                  progress: Callable[[str], None]) -> list[Outcome]:
    api = course.api()
    modules = modules or course.released_modules()
    if not modules:
        progress("No module is released yet: run `nbgrader generate_assignment` and `release_assignment` first.")
    outcomes: list[Outcome] = []
    for module in modules:
        collected = api.collect(module, update=True)
        if not collected.get("success"):
            progress(f"{module}: collecting submissions failed: {_plain_error(collected)}")
        learners = submitted_learners(course, module)
        progress(f"{module}: {len(learners)} submission(s) to grade")
        for index, learner in enumerate(learners, start=1):
            try:
                outcome = grade_one(course, api, module, learner, feedback=feedback)
            except Exception as error:  # the next learner is graded whatever happens to this one
                outcome = Outcome(module, learner, "could not be graded", [f"unexpected problem: {error}"])
            outcomes.append(outcome)
            progress(f"  [{index}/{len(learners)}] {outcome.line()}")
        if feedback and learners:
            release_feedback(course, api, module, asked=release, progress=progress)
    log_outcomes(course, outcomes)
    return outcomes


def release_feedback(course: Course, api, module: str, *, asked: bool | None,
                     progress: Callable[[str], None] = print) -> bool:
    """Release a module's written feedback to the exchange, for everyone at once, if the rule allows.

    Released when the trainer asks (`asked=True`) or once the due date has passed (`asked=None`); never
    when a page still shows part of the answer key. Learners then get it with Fetch Feedback.
    """
    if not any((course.root / "feedback").glob(f"*/{module}/*.html")):
        progress(f"{module}: no feedback written yet, so none to release.")
        return False
    decision = release_decision(course.due_date(module), asked=asked)
    if not decision.release:
        progress(not_released_sentence(module, decision))
        return False
    leaking = key_leaks(course, module)
    if leaking:
        pages = "; ".join(f"{page.relative_to(course.root)}: {', '.join(found[:3])}"
                          for page, found in leaking.items())
        progress(f"{module}: feedback NOT released: it shows part of the answer key ({pages}). Check that "
                 "nbgrader_config.py lists widgets.trainer.feedback.HideAnswerKey in "
                 "GenerateFeedback.preprocessors, then write the feedback again.")
        return False
    result = api.release_feedback(module)
    if not result.get("success"):
        progress(f"{module}: releasing feedback failed: {_plain_error(result)}")
        return False
    progress(f"{module}: feedback released ({decision.reason}); learners get it with Fetch Feedback "
             "in Nbgrader > Assignment List.")
    return True


def log_outcomes(course: Course, outcomes: list[Outcome]) -> Path:
    """Add this run's outcomes to reports/grading-log.csv, one line per learner and module graded.

    A log, not a store: whether a submission is graded is read from nbgrader's gradebook and folders; the
    log keeps what happened on each run, so the report can say why a submission could not be graded.
    """
    path = course.reports_dir / GRADING_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=LOG_FIELDS)
        if new:
            writer.writeheader()
        writer.writerows({"time": now, "module": o.module, "learner": o.learner, "outcome": o.status,
                          "notes": " | ".join(o.notes)} for o in outcomes)
    return path


def read_log(course: Course) -> list[dict]:
    """Every line of the grading log, oldest first."""
    path = course.reports_dir / GRADING_LOG
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def last_outcomes(course: Course) -> dict[tuple[str, str], dict]:
    """The latest log line for each (module, learner)."""
    return {(row["module"], row["learner"]): row for row in read_log(course)}


def regenerate_feedback(course: Course, modules: list[str] | None = None,
                        progress: Callable[[str], None] = print, *, release: bool | None = None) -> None:
    """Rewrite every learner's feedback (after manual grading in formgrader), then release it by the rule
    (`release`: True releases, False holds, None releases only after the due date)."""
    api = course.api()
    for module in modules or course.released_modules():
        if not any((course.root / "autograded").glob(f"*/{module}")):
            progress(f"{module}: nothing graded yet, so no feedback to write.")
            continue
        result = api.generate_feedback(module, force=True)
        if not result.get("success"):
            progress(f"{module}: feedback could not be written for everyone: {_plain_error(result)}")
        else:
            progress(f"{module}: feedback written in {course.root / 'feedback'}")
        release_feedback(course, api, module, asked=release, progress=progress)
