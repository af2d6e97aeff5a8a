"""The cohort's results, read from nbgrader's gradebook and the modules' source metadata.

One plain data object feeds the report, the CSV files, the certificates and the trainer guide, so
every output shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from widgets.course_settings import CourseSettings, load_settings
from widgets.evaluation import Evaluation, EvaluationError, read_evaluation
from widgets.questions import Module

from . import stats
from .grading import (
    GRADING_FAILED,
    NOT_GRADED_YET,
    UNGRADABLE,
    Concern,
    execution_concerns,
    last_outcomes,
    submission_concerns,
)
from .nbgrader_course import Course
from .roster import read_credentials

LATE = "submitted late"


@dataclass
class Learner:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    credential: str = ""  # credential or license number (the roster's optional column)

    @property
    def name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.id


@dataclass
class Submission:
    score: float
    max_score: float
    late: bool
    needs_manual_grade: bool
    items: dict[str, float]  # grade id -> points earned
    pending_items: set[str]  # grade ids still waiting for a manual grade
    submitted: dt.datetime | None = None  # when the graded submission was handed in (UTC)
    seconds_late: float = 0.0

    @property
    def proportion(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


@dataclass
class CohortData:
    course_id: str
    modules: dict[str, Module]  # released modules, in course order
    learners: dict[str, Learner]
    submissions: dict[str, dict[str, Submission]] = field(default_factory=dict)  # module -> learner
    problems: dict[str, dict[str, str]] = field(default_factory=dict)  # module -> learner -> notes
    # Everything to follow up about a learner's submission (tampering, damage, grading failures,
    # time limits, lateness), including the problems above: module -> learner -> concerns.
    concerns: dict[str, dict[str, list[Concern]]] = field(default_factory=dict)
    due: dict[str, dt.datetime | None] = field(default_factory=dict)  # module -> due date (UTC), if set
    settings: CourseSettings = field(default_factory=CourseSettings)
    # The learners' evaluations of each module (submitted/<learner>/<module>/evaluation.json):
    # module -> learner -> the evaluation, or a plain note when its file could not be read.
    evaluations: dict[str, dict[str, Evaluation | str]] = field(default_factory=dict)

    def name_of(self, learner: str) -> str:
        """The learner's name from the roster; the login where the roster has no name. A name two
        learners share is followed by the login, so that each line still points at one person."""
        return self.names().get(learner, learner)

    def names(self) -> dict[str, str]:
        plain = {lr: person.name for lr, person in self.learners.items()}
        shared = {name for name in plain.values() if list(plain.values()).count(name) > 1}
        return {lr: f"{name} ({lr})" if name in shared and name != lr else name for lr, name in plain.items()}

    def module_label(self, module: str) -> str:
        """"Module 2 · Screening and integrated assessment" (the folder name when it has no metadata)."""
        mod = self.modules.get(module)
        if mod is None:
            return module
        if mod.number is None:
            return mod.title
        return f"Module {mod.number} \u00b7 {mod.title}" if mod.title != module else f"Module {mod.number}"

    def question_label(self, module: str, grade_id: str) -> str:
        """"Q3 · What is Andre's PHQ-9 total?": the question's number and first words, not its grade id."""
        for item in self.modules[module].questions if module in self.modules else []:
            if item.grade_id == grade_id:
                return item.label
        return grade_id

    def safety_critical(self) -> dict[str, str]:
        """Objective key -> module, for every objective a module marks safety-critical."""
        return {key: m for m, mod in self.modules.items() for key in mod.safety_critical}

    def not_submitted(self, module: str) -> list[str]:
        """Learners with neither a graded submission nor a reported grading problem."""
        done = set(self.submissions.get(module, {})) | set(self.problems.get(module, {}))
        return sorted(set(self.learners) - done)

    def item_points(self, module: str) -> dict[str, float]:
        points: dict[str, float] = {}
        for item in self.modules[module].questions:
            points.setdefault(item.grade_id, item.points)
        return points

    def gradable_items(self, module: str) -> dict[str, float]:
        """Items every graded submission has a final score for (manual items once all are marked)."""
        subs = self.submissions.get(module, {})
        return {i: p for i, p in self.item_points(module).items()
                if subs and all(i in s.items and i not in s.pending_items for s in subs.values())}

    def item_stats(self, module: str) -> list[stats.ItemStats]:
        points = self.gradable_items(module)
        scores = {lr: {i: s.items[i] for i in points} for lr, s in self.submissions.get(module, {}).items()}
        return stats.item_analysis(scores, points) if scores and points else []

    def objective_of(self) -> dict[tuple[str, str], str]:
        """(module, grade id) -> objective key."""
        return {(m, item.grade_id): item.objective for m, mod in self.modules.items()
                for item in mod.questions if item.objective}

    def objectives(self) -> list[tuple[str, str, str]]:
        """(module, objective key, objective text) in course order."""
        return [(m, key, text) for m, mod in self.modules.items() for key, text in mod.objectives.items()]

    def mastery(self) -> dict[str, dict[str, float]]:
        """{learner: {objective key: share of its points}} over every graded submission."""
        result: dict[str, dict[str, float]] = {lr: {} for lr in self.learners}
        for module in self.modules:
            points = self.gradable_items(module)
            objective_of = {i.grade_id: i.objective for i in self.modules[module].questions if i.objective}
            scores = {lr: {i: s.items[i] for i in points} for lr, s in self.submissions.get(module, {}).items()}
            for learner, by_objective in stats.mastery(scores, points, objective_of).items():
                result.setdefault(learner, {}).update(by_objective)
        return result


def load(course: Course) -> CohortData:
    released = course.released_modules()
    all_modules = course.modules()
    modules = {m: all_modules[m] for m in released if m in all_modules}
    problems: dict[str, dict[str, str]] = {}
    for (module, learner), row in last_outcomes(course).items():
        if row["outcome"] == "could not be graded":
            problems.setdefault(module, {})[learner] = row["notes"]
    data = CohortData(course_id=course.course_id, modules=modules, learners={}, problems=problems,
                      settings=load_settings(course.root))
    data.evaluations = {m: _evaluations(course, m) for m in modules}
    if not course.has_gradebook():
        return data
    credentials = read_credentials(course.root)
    with course.gradebook() as gb:
        for s in gb.students:
            data.learners[s.id] = Learner(s.id, s.first_name or "", s.last_name or "", s.email or "",
                                          credentials.get(s.id, ""))
        for module in modules:
            due = gb.due_date(module)
            data.due[module] = due.replace(tzinfo=dt.UTC) if due and due.tzinfo is None else due
            data.submissions[module] = {}
            for learner in data.learners:
                graded_before = (course.root / "autograded" / learner / module).is_dir()
                if learner in problems.get(module, {}) and not graded_before:
                    continue  # its latest submission could not be graded and there is no earlier grade
                sub = gb.submission(module, learner)
                if sub is None:
                    continue
                items: dict[str, float] = {}
                pending: set[str] = set()
                for notebook in sub.notebooks:
                    for grade in notebook.grades:
                        items[grade.name] = float(grade.score or 0.0)
                        if grade.needs_manual_grade:
                            pending.add(grade.name)
                data.submissions[module][learner] = Submission(
                    score=float(sub.score or 0.0), max_score=float(sub.max_score or 0.0),
                    late=(sub.total_seconds_late or 0) > 0, needs_manual_grade=bool(sub.needs_manual_grade),
                    items=items, pending_items=pending,
                    submitted=sub.timestamp.replace(tzinfo=dt.UTC) if sub.timestamp else None,
                    seconds_late=float(sub.total_seconds_late or 0))
                if data.submissions[module][learner].late:
                    hours = (sub.total_seconds_late or 0) / 3600
                    data.concerns.setdefault(module, {}).setdefault(learner, []).append(
                        Concern(LATE, f"submitted {hours:.0f} hour(s) after the due date."))
    for module in modules:
        for learner in _collected(course, module):
            found = _file_concerns(course, module, learner)
            failed = problems.get(module, {}).get(learner)
            if failed and not any(c.kind in UNGRADABLE for c in found):
                found.append(Concern(GRADING_FAILED, failed))
            if (learner not in data.submissions.get(module, {}) and not failed
                    and not any(c.kind in UNGRADABLE for c in found)):
                found.append(Concern(NOT_GRADED_YET, "collected but not graded yet: run "
                                     "`python -m widgets.trainer grade` (or autograde it in formgrader)."))
            if found:
                data.learners.setdefault(learner, Learner(learner))
                data.concerns.setdefault(module, {}).setdefault(learner, [])[:0] = found
    return data


def _evaluations(course: Course, module: str) -> dict[str, Evaluation | str]:
    """Each collected submission's evaluation of the module; a missing or damaged file gives a plain note."""
    found: dict[str, Evaluation | str] = {}
    for learner in _collected(course, module):
        try:
            evaluation = read_evaluation(course.root / "submitted" / learner / module)
        except EvaluationError as problem:
            found[learner] = f"its evaluation could not be read ({problem})."
            continue
        found[learner] = evaluation if evaluation is not None else "no evaluation saved."
    return found


def _collected(course: Course, module: str) -> list[str]:
    submitted = course.root / "submitted"
    return sorted(p.name for p in submitted.iterdir() if (p / module).is_dir()) if submitted.is_dir() else []


def _file_concerns(course: Course, module: str, learner: str) -> list[Concern]:
    """What the submitted and the graded notebooks themselves show (a check must never stop the report)."""
    try:
        return submission_concerns(course, module, learner) + execution_concerns(course, module, learner)
    except Exception as error:
        return [Concern(GRADING_FAILED, f"its files could not be checked ({error}).")]
