"""The cohort's results, read from nbgrader's gradebook and the modules' source metadata.

One plain data object feeds the report, the CSV files, the certificates and the trainer guide, so
every output shows the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import stats
from .cohort import read_status
from .course import Course, Module


@dataclass
class Learner:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""

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

    def not_submitted(self, module: str) -> list[str]:
        """Learners with neither a graded submission nor a reported grading problem."""
        done = set(self.submissions.get(module, {})) | set(self.problems.get(module, {}))
        return sorted(set(self.learners) - done)

    def item_points(self, module: str) -> dict[str, float]:
        points: dict[str, float] = {}
        for item in self.modules[module].items:
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
                for item in mod.items if item.objective}

    def objectives(self) -> list[tuple[str, str, str]]:
        """(module, objective key, objective text) in course order."""
        return [(m, key, text) for m, mod in self.modules.items() for key, text in mod.objectives.items()]

    def mastery(self) -> dict[str, dict[str, float]]:
        """{learner: {objective key: share of its points}} over every graded submission."""
        result: dict[str, dict[str, float]] = {lr: {} for lr in self.learners}
        for module in self.modules:
            points = self.gradable_items(module)
            objective_of = {i.grade_id: i.objective for i in self.modules[module].items if i.objective}
            scores = {lr: {i: s.items[i] for i in points} for lr, s in self.submissions.get(module, {}).items()}
            for learner, by_objective in stats.mastery(scores, points, objective_of).items():
                result.setdefault(learner, {}).update(by_objective)
        return result


def load(course: Course) -> CohortData:
    from nbgrader.api import MissingEntry

    released = course.released_modules()
    all_modules = course.modules()
    modules = {m: all_modules[m] for m in released if m in all_modules}
    problems: dict[str, dict[str, str]] = {}
    for row in read_status(course):
        if row["status"] == "could not be graded":
            problems.setdefault(row["module"], {})[row["learner"]] = row["notes"]
    data = CohortData(course_id=course.course_id, modules=modules, learners={}, problems=problems)
    if not course.gradebook_path.exists():
        return data
    with course.gradebook() as gb:
        for s in gb.students:
            data.learners[s.id] = Learner(s.id, s.first_name or "", s.last_name or "", s.email or "")
        for module in modules:
            data.submissions[module] = {}
            for learner in data.learners:
                graded_before = (course.root / "autograded" / learner / module).is_dir()
                if learner in problems.get(module, {}) and not graded_before:
                    continue  # its latest submission could not be graded and there is no earlier grade
                try:
                    sub = gb.find_submission(module, learner)
                except MissingEntry:
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
                    items=items, pending_items=pending)
    return data
