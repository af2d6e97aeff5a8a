"""What the trainer guide notebook shows: the course's state and its latest cohort report.

Read-only: nothing here creates a gradebook or changes the course.
"""

from __future__ import annotations

import html
import os

from .nbgrader_course import Course, find_course_root, project_root


def find_course(start: str | os.PathLike | None = None) -> Course:
    """The course folder holding this notebook (the first parent with nbgrader_config.py)."""
    return Course.open(find_course_root(start) or project_root())


class HTML:
    """A piece of HTML that shows itself in a notebook (and as text elsewhere)."""

    def __init__(self, markup: str, text: str):
        self.markup, self.text = markup, text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text


def course_status(course: Course | None = None) -> HTML:
    """Modules in source/, whether each is in the gradebook, and how many submissions it has."""
    course = course or find_course()
    modules = course.modules()
    released = set(course.released_modules())
    submitted = course.root / "submitted"
    rows, lines = [], []
    for module_id, module in modules.items():
        count = len(list(submitted.glob(f"*/{module_id}"))) if submitted.is_dir() else 0
        state = "in the gradebook" if module_id in released else "not yet generated"
        cells = [module_id, module.title, str(module.estimated_minutes), str(len(module.objectives)),
                 str(len(module.questions)), state, str(count)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        lines.append(f"{module_id}: {module.title} ({state}, {count} collected)")
    head = ["Module", "Title", "Minutes", "Objectives", "Graded questions", "Gradebook", "Collected"]
    gradebook = (f"{course.gradebook_shown}" if course.has_gradebook()
                 else "not created yet (run `python3 course.py setup` in the project folder)")
    intro = f"Course {course.course_id} in {course.root}. Gradebook: {gradebook}."
    if not modules:
        return HTML(f"<p>{html.escape(intro)} No module in source/ yet.</p>", intro + " No module yet.")
    table = ("<table><thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in head)
             + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return HTML(f"<p>{html.escape(intro)}</p>{table}", "\n".join([intro, *lines]))


def latest_report(course: Course | None = None) -> HTML:
    """Where the latest cohort report is, or how to make one."""
    course = course or find_course()
    report = course.reports_dir / "cohort-report.html"
    if not report.exists():
        text = ("No cohort report yet. After grading, run: python -m widgets.trainer report "
                "(or try the demo: python -m widgets.trainer demo /tmp/cohort-demo --learners 8).")
        return HTML(f"<p>{html.escape(text)}</p>", text)
    files = sorted(p.name for p in course.reports_dir.glob("*.csv"))
    text = f"Latest cohort report: {report}. CSV files beside it: {', '.join(files)}."
    return HTML(f"<p>{html.escape(text)}</p>", text)


# A fictional cohort of eight for the worked example (1 = right): q1 everyone gets right, q2 and q3 work
# well, q4's key is wrong on purpose (the strongest learners "miss" it), q5 only the strongest get right.
EXAMPLE_ANSWERS = {"learner A": "11101", "learner B": "11101", "learner C": "11100", "learner D": "11010",
                   "learner E": "10110", "learner F": "10010", "learner G": "10010", "learner H": "10000"}
EXAMPLE_SCORES = {name: {f"q{i}": int(c) for i, c in enumerate(row, start=1)}
                  for name, row in EXAMPLE_ANSWERS.items()}


def item_analysis_example() -> HTML:
    """Item statistics for a fictional cohort of eight, as the cohort report shows them."""
    from .stats import FLAG_TEXT, item_analysis

    results = item_analysis(EXAMPLE_SCORES, dict.fromkeys(EXAMPLE_SCORES["learner A"], 1))
    head = ["Question", "Difficulty", "Point-biserial", "Upper-lower", "Flags"]
    rows, lines = [], []
    for s in results:
        r = "" if s.point_biserial is None else f"{s.point_biserial:.2f}"
        d = "" if s.upper_lower is None else f"{s.upper_lower:.2f}"
        explained = "; ".join(f"{f} ({FLAG_TEXT[f]})" for f in s.flags) or "none"
        cells = [s.item, f"{s.difficulty:.2f}", r, d, explained]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        lines.append(f"{s.item}: difficulty {s.difficulty:.2f}, point-biserial {r or 'n/a'}, "
                     f"upper-lower {d or 'n/a'}, flags: {explained}")
    table = ("<table><thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in head)
             + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return HTML(table, "\n".join(lines))
