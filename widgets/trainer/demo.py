"""A throwaway course with a simulated cohort, to try the whole trainer loop on one machine.

`demo DIR --learners N` copies the course (nbgrader_config.py, source/, release/) into DIR, which is
then a complete course of its own, and plays every part through nbgrader's real exchange:

* the trainer imports a roster, generates and releases every module, with a due date;
* each learner fetches each module into their own folder (DIR/learners/<id>/) and submits it under
  their own id, using nbgrader's exchange classes (CourseDirectory.student_id names the learner, as
  `nbgrader submit --student=<id>` does);
* the trainer collects, autogrades and writes feedback (held, not released, while it is reviewed),
  marks the written answers (a simulated trainer, as if typing marks into formgrader, who marks each
  answer by the rubric criteria its text meets: demo_answers.py), writes the feedback again and
  releases it to everyone at once, as a trainer does once everyone has submitted; each learner
  fetches their own feedback; then the cohort report (with the learners' evaluations), the
  certificates and their verification list, the exports for a learning system and the assessment packet.

Answers come from each module's answer key (the solution values and hidden `expect(...)` checks in
source/), so the demo works on whatever modules the course holds; written answers come from
demo_answers.py, written for each module's question.

The demo says first how long it will take, and then "Step n of N" as it goes. The estimate,
`estimated_seconds`, was measured on the project's machine (2 cores, shared with other work at the
time, load average about 5, so a quiet machine is faster): `python -m widgets.trainer demo DIR
--learners 2` on the four course modules, each progress line stamped with the time it was printed.
Autograding one submission and writing its feedback took 19-27 s (mean 22.6 s: the kernel runs the
whole module) and writing it again with the marks about 3 s more, so SECONDS_PER_SUBMISSION = 26;
releasing a module and writing its feedback about 5 s (SECONDS_PER_MODULE); importing the roster
30-65 s and the report with certificates about 25 s (SECONDS_FIXED = 60). That run took 5 min 21 s
against an estimate of 4 min 48 s. Only the number of submissions grows with the cohort.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from widgets.course_settings import SETTINGS_FILE
from widgets.evaluation import OBJECTIVE_MET, Evaluation, save_evaluation
from widgets.questions import Module, answered, questions

from .demo_answers import QUESTIONS, answer_for, mark
from .nbgrader_course import Course, project_root
from .roster import import_roster
from .sandbox import require_sandbox

# Learning patterns in the order they join a cohort: the first eight cover every case at least once.
PATTERNS = ["strong", "average", "struggling", "misconception", "late", "tampered", "broken", "missing"]
FILLER = ["average", "strong", "average", "struggling", "misconception", "average"]

PATTERN_NOTES = {
    "strong": "answers every question correctly",
    "average": "misses every third question",
    "struggling": "answers only every third question correctly (the first, fourth, ...)",
    "misconception": "right except the module's last question, where the whole group picks the same wrong option",
    "late": "answers like a strong learner but submits after the due date",
    "tampered": "in the first module, misses the highest-scoring question and rewrites its test cell to pass "
                "(strong answers elsewhere)",
    "broken": "submits a damaged notebook file in the first module (average answers elsewhere)",
    "missing": "never submits anything",
}

# Measured as the module docstring says; see estimated_seconds.
SECONDS_PER_SUBMISSION = 26.0
SECONDS_PER_MODULE = 5.0
SECONDS_FIXED = 60.0

FIRST_NAMES = ["Maria", "James", "Aisha", "Wei", "Priya", "Daniel", "Fatima", "Luis", "Grace", "Omar",
               "Hannah", "Kwame", "Sofia", "Ethan", "Mei", "Carlos", "Nadia", "Samuel", "Leila", "Tomas"]
LAST_NAMES = ["Alvarez", "Brooks", "Chen", "Diallo", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Johnson",
              "Kowalski", "Lopez", "Mensah", "Nguyen", "Okafor", "Patel", "Quinn", "Rossi", "Singh", "Turner"]


@dataclass
class SimulatedLearner:
    id: str
    first_name: str
    last_name: str
    email: str
    pattern: str


def cohort(size: int) -> list[SimulatedLearner]:
    """A deterministic cohort of fictional learners; patterns follow PATTERNS, then FILLER."""
    if size < 1:
        raise ValueError("A cohort needs at least one learner.")
    learners = []
    for i in range(size):
        pattern = PATTERNS[i] if i < len(PATTERNS) else FILLER[(i - len(PATTERNS)) % len(FILLER)]
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 7 + i // len(LAST_NAMES)) % len(LAST_NAMES)]
        suffix = "" if i < len(FIRST_NAMES) else str(i // len(FIRST_NAMES) + 1)
        learner_id = f"{first}.{last}{suffix}".lower()
        learners.append(SimulatedLearner(learner_id, first, last, f"{learner_id}@example.org", pattern))
    return learners


def answers_correct(pattern: str, module: Module, first_module: bool) -> dict[str, bool]:
    """Which autograded items (by grade id) a pattern answers correctly in a module."""
    items = module.autograded
    if pattern == "broken" and not first_module:
        pattern = "average"
    if pattern == "tampered" and not first_module:
        pattern = "strong"
    right = {}
    for index, item in enumerate(items):
        if pattern in ("strong", "late"):
            right[item.grade_id] = True
        elif pattern in ("average", "broken"):
            right[item.grade_id] = index % 3 != 2
        elif pattern == "struggling":
            right[item.grade_id] = index % 3 == 0
        elif pattern == "misconception":
            right[item.grade_id] = index != len(items) - 1
        elif pattern == "tampered":
            right[item.grade_id] = item.grade_id != tampered_item(module)
        else:
            right[item.grade_id] = False
    return right


def tampered_item(module: Module) -> str | None:
    """The item a tampering learner rewrites: the first with the most points."""
    items = module.autograded
    return max(items, key=lambda item: item.points).grade_id if items else None


def fill_notebook(nb, module: Module, learner: SimulatedLearner, first_module: bool):
    """The released notebook with a learner's answers written in, as they would type them."""
    right = answers_correct(learner.pattern, module, first_module)
    answers = {q.grade_id: (q.correct_answer() if right.get(q.grade_id, True) else q.wrong_answer())
               for q in module.autograded}
    answers |= {q.grade_id: answer_for(learner.pattern, QUESTIONS.get(q.grade_id)) for q in module.written}
    nb = answered(nb, answers)
    tamper = tampered_item(module) if learner.pattern == "tampered" and first_module else None
    for cell in nb.cells:
        if tamper and cell.metadata.get("nbgrader", {}).get("grade_id") == tamper:
            cell.source = 'print("All tests passed")  # the original checks were removed'
    return nb


def copy_course(source: Path, dest: Path) -> None:
    """A course folder is complete with its config, source/ and release/ (paths are relative)."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty: choose a new folder for the demo course.")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "nbgrader_config.py", dest / "nbgrader_config.py")
    if (source / SETTINGS_FILE).exists():
        shutil.copy2(source / SETTINGS_FILE, dest / SETTINGS_FILE)
    for name in ("source", "release"):
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (dest / ".exchange").mkdir(exist_ok=True)


def submitters(people: list[SimulatedLearner]) -> int:
    return sum(p.pattern != "missing" for p in people)


def estimated_seconds(learners: int, modules: int) -> float:
    """How long the demo takes for this many learners and modules, as measured (module docstring)."""
    submissions = submitters(cohort(learners)) * modules
    return SECONDS_FIXED + SECONDS_PER_MODULE * modules + SECONDS_PER_SUBMISSION * submissions


def duration_words(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return "about a minute" if minutes == 1 else f"about {minutes} minutes"


class AnnouncedSteps:
    """Announces each step as "Step n of N: ...", so a long run always says where it is."""

    def __init__(self, total: int, progress: Callable[[str], None]):
        self.total, self.done, self.progress = total, 0, progress

    def next(self, what: str) -> None:
        self.done += 1
        self.progress(f"Step {self.done} of {self.total}: {what}")


def run_demo(dest: str | Path, learners: int = 8, *, course_root: str | Path | None = None,
             progress: Callable[[str], None] = print, threshold: float = 0.8,
             use_sandbox: bool = True) -> dict[str, Path]:
    """Build the demo course in dest and run the whole loop; returns where everything is. Grading runs in
    the sandbox unless `use_sandbox` is False; without one, it stops before building anything."""
    from .certificates import write_certificates
    from .exports import write_exports
    from .grading import grade_cohort, regenerate_feedback
    from .packet import write_packet
    from .report import write_report

    if use_sandbox:
        require_sandbox()
    dest = Path(dest).resolve()
    source = Path(course_root or project_root()).resolve()
    copy_course(source, dest)
    course = Course.open(dest)
    modules = course.modules()
    if not modules:
        raise ValueError(f"{dest / 'source'} holds no module to release.")
    people = cohort(learners)
    progress(f"Demo course in {dest}, copied from {source}: {len(modules)} module(s), {len(people)} "
             "learner(s), all fictional:")
    for person in people:
        progress(f"  {person.id:22} {person.pattern}: {PATTERN_NOTES[person.pattern]}")
    steps = AnnouncedSteps(4 + 4 * len(modules), progress)
    quicker = "; fewer learners (--learners 2) make it quicker" if learners > 2 else ""
    progress(f"This takes {duration_words(estimated_seconds(learners, len(modules)))}, longer on a busy "
             f"machine: {submitters(people) * len(modules)} submissions to grade, in {steps.total} steps"
             f"{quicker}.")

    steps.next("the trainer imports the roster")
    roster = dest / "roster.csv"
    with roster.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email", "credential"])
        writer.writerows([p.id, p.first_name, p.last_name, p.email, f"LPC {40100 + i}"]
                         for i, p in enumerate(people))
    import_roster(course, roster)
    progress(f"Roster imported from {roster} into the gradebook.")

    api = course.api()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    due = {}
    for index, module in enumerate(modules):
        steps.next(f"the trainer releases {module}")
        # Simulated calendar: one module a week, the last one due an hour ago.
        due[module] = now - dt.timedelta(hours=1) - dt.timedelta(weeks=len(modules) - 1 - index)
        for step in (api.generate_assignment(module, force=True, create=True), api.release_assignment(module)):
            if not step.get("success"):
                raise RuntimeError(f"{module} could not be released:\n{step.get('log')}{step.get('error')}")
        course.set_due_date(module, due[module])
        progress(f"{module}: released, due {due[module]:%Y-%m-%d %H:%M} UTC (simulated).")
    progress(f"Due dates published for the learners' notebooks in {course.publish_due_dates()}.")

    for module_index, (module_id, module) in enumerate(modules.items()):
        steps.next(f"the learners fetch, answer and submit {module_id}")
        first = module_index == 0
        for person_index, person in enumerate(people):
            if person.pattern == "missing":
                continue
            folder = course.as_learner("fetch", person.id, module_id)
            for path in sorted(folder.glob("*.ipynb")):
                if person.pattern == "broken" and first:
                    text = path.read_text()
                    path.write_text(text[: len(text) // 2])  # a save cut short: not a notebook any more
                    continue
                nbformat.write(fill_notebook(nbformat.read(path, as_version=4), module, person, first), path)
                save_evaluation(folder, simulated_evaluation(person, module, person_index))
            late = person.pattern == "late"
            at = due[module_id] + (dt.timedelta(hours=20) if late
                                   else -dt.timedelta(days=1) + dt.timedelta(minutes=person_index))
            at = min(at, now)
            course.as_learner("submit", person.id, module_id, at=at)
        progress(f"{module_id}: learners fetched and submitted through the exchange.")

    # Held while the trainer reviews it and marks the written answers, although the due dates have passed.
    outcomes = []
    for module_id in modules:
        steps.next(f"the trainer collects, autogrades and writes feedback for {module_id} (the longest step: "
                   "each submission runs in a kernel)")
        outcomes += grade_cohort(course, [module_id], release=False, progress=progress, use_sandbox=use_sandbox)
    steps.next("the trainer marks the written answers")
    marked = mark_written_answers(course, modules, people)
    progress(f"Written answers marked for {marked} submission(s) (a simulated trainer, marking each answer by "
             "the rubric criteria its text meets).")
    progress("Everyone has submitted and every written answer is marked: the trainer writes the feedback "
             "again, with the marks, and releases it to the whole cohort at once.")
    for module_id in modules:
        steps.next(f"the trainer writes and releases the feedback for {module_id}")
        regenerate_feedback(course, [module_id], progress=progress, release=True)
    steps.next("the learners fetch their feedback")
    fetched = fetch_feedback(course, list(modules), people)
    progress(f"{fetched} learner(s) fetched their feedback (Fetch Feedback in the Assignments panel) into "
             f"{dest / 'learners'}/<learner>/<module>/feedback/.")
    steps.next("the cohort report, the certificates, the exports and the assessment packet")
    report = write_report(course, threshold=threshold)
    certificates = write_certificates(course, threshold=threshold)
    exports = write_exports(course, threshold=threshold)
    packet = write_packet(course)
    problems = [o for o in outcomes if o.notes or o.status == "could not be graded"]
    progress("")
    progress("Grading problems, per learner:" if problems else "No grading problems.")
    for o in problems:
        progress(f"  {o.module} {o.learner}: {o.status}" + "".join(f"\n      - {n}" for n in o.notes))
    places = {
        "course": dest,
        "gradebook": course.gradebook_file or course.gradebook_shown,
        "feedback": dest / "feedback",
        "released feedback": course.exchange_root / course.course_id / "feedback",
        "report": report["html"],
        "report folder": report["html"].parent,
        "certificates": certificates["folder"],
        "transcript": certificates["transcript"],
        "verification list": certificates["verification"],
        "exports": exports["xapi"].parent,
        "assessment packet": packet["html"],
        "learners' folders": dest / "learners",
        "roster": roster,
    }
    progress("")
    progress("Where everything is:")
    for name, path in places.items():
        progress(f"  {name:18} {path}")
    progress("")
    progress(f"Open the formgrader on this course: cd {dest} && jupyter lab  (Nbgrader > Formgrader). "
             "The trainer's commands run there act on this demo course: python -m widgets.trainer report")
    return places


def simulated_evaluation(person: SimulatedLearner, module: Module, index: int) -> Evaluation:
    """A learner's evaluation of a module, as they would fill in the form (varied, deterministic)."""
    from widgets.evaluation import CLARITY, RELEVANCE, TIME_SPENT

    met = {key: OBJECTIVE_MET[(index + k) % 3 if person.pattern == "struggling" else (index + k) % 2]
           for k, key in enumerate(module.objectives)}
    comment = {"strong": "The cases felt like my own caseload.",
               "struggling": "The quadrant part went too fast for me <honestly>."}.get(person.pattern, "")
    return Evaluation(module=module.id, objectives=met, relevance=RELEVANCE[index % 2],
                      clarity=CLARITY[index % 3], time_spent=TIME_SPENT[1 + index % 3], comment=comment)


def fetch_feedback(course: Course, modules: list[str], people: list[SimulatedLearner]) -> int:
    """Each learner who submitted fetches their released feedback, as the Assignments panel does."""
    fetched = set()
    for person in people:
        for module in modules:
            if not (course.root / "feedback" / person.id / module).is_dir():
                continue
            folder = course.as_learner("fetch_feedback", person.id, module)
            if folder is not None and any((folder / "feedback").glob("*/*.html")):
                fetched.add(person.id)
    return len(fetched)


def written_answers(course: Course, module: Module, learner: str) -> dict[str, str]:
    """The learner's written answers in their graded notebook, by grade id (the answer cell is marked
    `curriculum.written_answer` with its question's grade id)."""
    answers = {}
    for path in module.notebooks:
        graded = course.root / "autograded" / learner / module.id / path.name
        if not graded.exists():
            continue
        nb = nbformat.read(graded, as_version=4)
        answers |= {q.grade_id: nb.cells[q.cells["answer"]].source for q in questions(nb)
                    if q.written and "answer" in q.cells}
    return answers


def mark_written_answers(course: Course, modules: dict[str, Module], people: list[SimulatedLearner]) -> int:
    """The simulated trainer marks each written answer by the rubric criteria its text meets
    (demo_answers.mark), and stores the mark as formgrader would."""
    marked = 0
    with course.gradebook() as gb:
        for module_id, module in modules.items():
            manual = {q.grade_id: q for q in module.written}
            for person in people:
                submission = gb.submission(module_id, person.id)
                if submission is None:
                    continue
                answers = written_answers(course, module, person.id)
                for notebook in submission.notebooks:
                    # A cell marked both graded and task has two grade records; mark them alike.
                    for grade in notebook.grades:
                        if grade.name in manual:
                            points = manual[grade.name].points
                            grade.manual_score = mark(answers.get(grade.name, ""), points, QUESTIONS.get(grade.name))
                            grade.needs_manual_grade = False
                            marked += 1
        gb.db.commit()
    return marked
