"""Grade the whole cohort: collect, autograde in the sandbox and write feedback, several learners at once.

One bad submission never stops the run. Before nbgrader grades a submission, each notebook is checked
for the problems a trainer needs to hear about in plain words (missing, damaged, changed test cells);
after grading, what happened while its code ran is reported (a cell stopped by a time, output or memory
limit, a cell that stopped Python, code the sandbox refused).

Every submission's code runs in the sandbox (sandbox.py); where the sandbox cannot start, grading stops
before anything runs and says what to install, unless the trainer accepts the risk (`--no-sandbox`).
Submissions are graded by several worker processes at once (`--workers`, default: one per core) into the
one gradebook. A run can be stopped at any moment (Ctrl+C, or the process killed) and run again: each
submission is graded once, by nbgrader's own rule (a submission whose graded notebook is at least as new
is already graded), and one that was cut off halfway is graded again from the start.

Feedback is written for the trainer to review as each learner is graded, and released for a whole
module at once: when the trainer says so, or once the module's due date has passed (feedback.py).
"""

from __future__ import annotations

import csv
import ctypes
import datetime as dt
import fcntl
import functools
import multiprocessing
import re
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from widgets import questions

from . import sandbox
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
    seconds: float | None = None  # how long grading it took

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
KERNEL_DIED = "stopped Python (the kernel died)"
OUTPUT_LIMIT = "printed past the output limit"
REFUSED = "its code was refused by the sandbox"
NOT_GRADED_YET = "collected, not graded yet"
CONCERNS = (MISSING_NOTEBOOK, DAMAGED, GRADING_FAILED, CHANGED, DELETED, TIME_LIMIT, KERNEL_DIED, OUTPUT_LIMIT,
            REFUSED, NOT_GRADED_YET)
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


def execution_concerns(course: Course, module: str, learner: str) -> list[Concern]:
    """What happened while the graded notebook's code ran, cell by cell, read from the graded notebook: a
    cell stopped by the time or output limit, a cell that stopped Python, and code of the learner's own
    that the sandbox refused (reading or writing outside its folder, the network, too many processes,
    more memory than allowed)."""
    concerns = []
    for path in sorted((course.root / "autograded" / learner / module).glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:
            continue
        for number, cell in enumerate(nb.cells, start=1):
            nbg = cell.metadata.get("nbgrader", {})
            name = nbg.get("grade_id") or f"cell {number} (added by the learner)"
            checks = bool(nbg.get("grade")) and not nbg.get("solution")
            for output in cell.get("outputs", []):
                concern = _execution_concern(name, output, checks)
                if concern and concern not in concerns:
                    concerns.append(concern)
    return concerns


_REFUSALS = (
    # (error names, words in the message, what the learner's code tried, in plain words)
    (("FileNotFoundError", "PermissionError", "OSError", "IsADirectoryError"),
     ("no such file", "permission denied", "read-only file system"),
     "to read or write a file outside its own folder"),
    (("ConnectionRefusedError", "ConnectionError", "OSError", "gaierror", "TimeoutError", "URLError"),
     ("network is unreachable", "connection refused", "name or service not known",
      "temporary failure in name resolution", "cannot assign requested address"),
     "to open a network connection"),
    (("BlockingIOError", "OSError"), ("resource temporarily unavailable",), "to start more processes than allowed"),
    (("MemoryError",), ("",), "to use more memory than allowed"),
)


def _execution_concern(name: str, output, checks: bool) -> Concern | None:
    if output.get("output_type") != "error":
        return None
    ename, evalue = output.get("ename", ""), str(output.get("evalue", ""))
    if ename == "CellTimeoutError" or ename == sandbox.SUBMISSION_TIME_LIMIT:
        how = ("ran past the time limit for one cell and was stopped" if ename == "CellTimeoutError" else
               "was not run: the notebook's time limit had been reached")
        return Concern(TIME_LIMIT, f"{name} {how}; grading went on with the rest of the notebook.", (name,))
    if ename in (sandbox.KERNEL_DIED, sandbox.NOT_RUN):
        text = (f"{name} stopped Python itself (its kernel died, for example by running out of its memory "
                "allowance); it earned nothing, and grading went on from the next cell in a fresh kernel."
                if ename == sandbox.KERNEL_DIED else
                f"{name} was not run: the notebook stopped Python too many times.")
        return Concern(KERNEL_DIED, text, (name,))
    if ename == sandbox.OUTPUT_LIMIT:
        return Concern(OUTPUT_LIMIT, f"{name} printed more than the output limit and was stopped; the rest of "
                       "the notebook was graded.", (name,))
    if checks:
        return None  # a check that fails is a wrong or missing answer, not a concern
    lowered = evalue.lower()
    for names, words, tried in _REFUSALS:
        if ename in names and any(word in lowered for word in words):
            return Concern(REFUSED, f"{name} tried {tried}; the sandbox refused it ({ename}: {evalue[:120]}).",
                           (name,))
    return None


def _ran(course: Course, module: str, learner: str) -> list[str]:
    return [c.text for c in execution_concerns(course, module, learner)]


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
    """Check, autograde (in the sandbox nbgrader_config.py names) and write feedback for one submission.

    Graded once: skipped when nbgrader's graded notebook is at least as new as the submission; graded
    again from the start (`force`) when an earlier run was cut off before its graded notebook was written.
    """
    outcome = Outcome(module=module, learner=learner, status="graded")
    try:
        notes, gradable = check_submission(course, module, learner)
    except Exception as error:  # a check must never stop the cohort
        notes, gradable = [f"could not be checked ({error})"], True
    outcome.notes.extend(notes)
    if not gradable:
        outcome.status = "could not be graded"
        return outcome
    if course.already_graded(module, learner):
        outcome.status = "already graded"
    else:
        result = api.autograde(module, learner, force=True, create=True)
        if not result.get("success"):
            outcome.status = "could not be graded"
            outcome.notes.append(_plain_error(result))
            return outcome
    outcome.notes.extend(_ran(course, module, learner))
    feedback_dir = course.root / "feedback" / learner / module
    if feedback and (outcome.status == "graded" or not feedback_dir.is_dir()):
        made = api.generate_feedback(module, learner, force=True)
        if not made.get("success"):
            outcome.notes.append("graded, but its feedback could not be written: " + _plain_error(made))
    outcome.score, outcome.max_score, outcome.waiting_for_manual_grade = course.score(module, learner)
    return outcome


class GradingStopped(KeyboardInterrupt):
    """The trainer stopped the run (Ctrl+C); what was graded is kept, and running again goes on."""

    def __init__(self, done: int, left: int):
        super().__init__(f"stopped with {done} submission(s) graded and {left} left; run the same command "
                         "again to grade the rest (nothing graded is lost or graded twice).")
        self.done, self.left = done, left


def grade_cohort(course: Course, modules: list[str] | None = None, *, feedback: bool = True,
                 release: bool | None = None, progress: Callable[[str], None] = print,
                 workers: int | None = None, use_sandbox: bool = True, bar: bool = False) -> list[Outcome]:
    """Collect, autograde and write feedback for every submission of every released module.

    `release`: True releases each module's feedback, False holds it, None releases it only once the
    module's due date has passed. `workers`: how many submissions are graded at once (default: one per
    core). `use_sandbox=False` grades without the sandbox (the trainer accepted the risk). `bar` shows a
    progress bar (done, left, time left) on the terminal. Raises sandbox.SandboxUnavailable before
    grading anything when the sandbox cannot start, and GradingStopped on Ctrl+C.
    """
    if use_sandbox:
        sandbox.require_sandbox()
    with warnings.catch_warnings():
        # nbgrader's database layer warns about its own session handling; it means nothing to a trainer.
        warnings.filterwarnings("ignore", module="nbgrader")
        return _grade_cohort(course, modules, feedback=feedback, release=release, progress=progress,
                             workers=workers or sandbox.cores(), use_sandbox=use_sandbox, bar=bar)


def _grade_cohort(course: Course, modules: list[str] | None, *, feedback: bool, release: bool | None,
                  progress: Callable[[str], None], workers: int, use_sandbox: bool, bar: bool) -> list[Outcome]:
    api = course.api()
    modules = modules or course.released_modules()
    if not modules:
        progress("No module is released yet: run `nbgrader generate_assignment` and `release_assignment` first.")
    jobs: list[tuple[str, str]] = []
    for module in modules:
        collected = api.collect(module, update=True)
        if not collected.get("success"):
            progress(f"{module}: collecting submissions failed: {_plain_error(collected)}")
        learners = submitted_learners(course, module)
        progress(f"{module}: {len(learners)} submission(s) to grade")
        jobs += [(module, learner) for learner in learners]
    outcomes = _run_jobs(course, jobs, feedback=feedback, progress=progress, workers=workers,
                         use_sandbox=use_sandbox, bar=bar)
    for module in modules:
        if feedback and any(o.module == module for o in outcomes):
            release_feedback(course, api, module, asked=release, progress=progress)
    return outcomes


def _run_jobs(course: Course, jobs: list[tuple[str, str]], *, feedback: bool, progress: Callable[[str], None],
              workers: int, use_sandbox: bool, bar: bool) -> list[Outcome]:
    """Grade the submissions in worker processes, logging each outcome as it arrives."""
    if not jobs:
        return []
    from tqdm import tqdm

    shown = tqdm(total=len(jobs), unit="submission", disable=not bar, dynamic_ncols=True,
                 bar_format="{desc} {bar} {n_fmt}/{total_fmt} done{postfix} [{elapsed} so far, about "
                            "{remaining} left]", desc="Grading", postfix=f"{len(jobs)} to go")
    say = shown.write if bar else progress
    outcomes: list[Outcome] = []
    context = multiprocessing.get_context("spawn")
    pool = context.Pool(min(workers, len(jobs)), initializer=_worker_start,
                        initargs=(str(course.root), feedback, use_sandbox))
    try:
        for outcome in pool.imap_unordered(_worker_grade, jobs):
            outcomes.append(outcome)
            log_outcomes(course, [outcome])
            shown.update()
            shown.set_postfix_str(f"{len(jobs) - len(outcomes)} to go")
            say(f"  [{len(outcomes)}/{len(jobs)}] {outcome.module}: {outcome.line()}")
        pool.close()
    except KeyboardInterrupt:
        pool.terminate()
        raise GradingStopped(len(outcomes), len(jobs) - len(outcomes)) from None
    finally:
        pool.terminate()
        pool.join()
        shown.close()
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[(o.module, o.learner)])


# -- In each worker process --------------------------------------------------------------------------------

_WORKER: dict = {}


def _worker_start(root: str, feedback: bool, use_sandbox: bool) -> None:
    """A worker dies with the run (its sandboxes with it); Ctrl+C is the run's to handle, not the worker's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed when the run is killed
    except (OSError, AttributeError):
        pass
    warnings.filterwarnings("ignore", module="nbgrader")
    course = Course.open(root)
    course.share_gradebook()
    if not use_sandbox:
        course.config.SandboxedExecute.sandbox = False
    _WORKER.update(course=course, api=course.api(), feedback=feedback)


def _worker_grade(job: tuple[str, str]) -> Outcome:
    module, learner = job
    course, api = _WORKER["course"], _WORKER["api"]
    locks = course.root / ".grading"
    locks.mkdir(exist_ok=True)
    # One grader per submission at a time, even across runs (a run killed and started again at once).
    with (locks / f"{learner}+{module}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.monotonic()
        try:
            outcome = grade_one(course, api, module, learner, feedback=_WORKER["feedback"])
        except Exception as error:  # the next learner is graded whatever happens to this one
            outcome = Outcome(module, learner, "could not be graded", [f"unexpected problem: {error}"])
        outcome.seconds = time.monotonic() - started
    return outcome


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
