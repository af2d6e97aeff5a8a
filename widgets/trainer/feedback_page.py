"""The learner's feedback page: one page per module that a counselor reads in two minutes.

nbgrader writes feedback with nbconvert's HTMLExporter. nbgrader_config.py lists `GatherQuestions` in
`GenerateFeedback.preprocessors` (after nbgrader's GetGrades and the course's HideAnswerKey) and selects
the template in templates/feedback/ (nbgrader's template name): the page shows the module's title and total, then each question
as the learner saw it, their answer, right or not (a word and a symbol), the points and the explanation
with its source; the written answer waits for the trainer until it is marked, then shows the comment and
score; a note on what to do next ends the page. No code, no test cells, no scripts.

Parts are found by what they are, never by where they sit: a test cell by its nbgrader grade flag, its
answer cell by the answer variable its visible check names, the question's wording by its heading
("### Question 3 · 1 point"), a written answer by `curriculum.written_answer` = its task's grade id.
Under grading the marking check (`expect`) displays one output of type ANSWER_MIME with the learner's
answer, right or not, the explanation and its source; without it the page says right or not from the
score and gives no explanation.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import ClearSolutions
from traitlets import Bool

from .feedback import delimiters, split_regions

ANSWER_MIME = "application/vnd.cod-iop.answer+json"
TEMPLATE_DIR = Path(__file__).parent / "templates"  # holds feedback/, the page's template

CRISIS_LINE = ("If a client, a colleague or you need crisis support: the 988 Suicide & Crisis Lifeline is free, "
               "confidential and available 24/7 by call, text or chat. If someone is in immediate danger, "
               "call 911.")

QUESTION_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*Question\s+(\d+)\b[^\n]*\n?", re.MULTILINE)
CHECK_CALL = re.compile(r"""\bcheck_\w+\(\s*["'](\w+)["']""")
NUMBERED = re.compile(r"^q(\d+)(?:_|$)")
# The written question's line on where to type: true in the notebook, beside the point on the page.
WHERE_TO_TYPE = re.compile(r"^Write (?:in|your answer in) the answer cell\b[^\n]*(?:\n(?!\s*\n)[^\n]*)*", re.MULTILINE)

# What each result says: a symbol (hidden from screen readers, which read the word) and a word.
RESULTS = {
    "right": ("\u2713", "Right"),
    "partly": ("\u25d0", "Partly right"),
    "wrong": ("\u2717", "Not right"),
    "unanswered": ("\u25cb", "No answer"),
    "unreadable": ("\u2717", "Not counted"),
    "waiting": ("\u25f7", "Waiting for your trainer"),
    "marked": ("\u270e", "Marked by your trainer"),
}
MISSED = {"partly", "wrong", "unanswered", "unreadable"}


def points_text(score: float | None, points: float) -> str:
    """'1 of 1 point', '0 of 2 points', '1.5 of 4 points'; '4 points' while not marked yet."""
    unit = "point" if points == 1 else "points"
    if score is None:
        return f"{points:g} {unit}"
    return f"{score:g} of {points:g} {unit}"


@dataclass
class QuestionFeedback:
    """One question of the page, in the words the learner reads."""

    number: int
    anchor: str
    wording: str  # the question's markdown as the learner saw it, without its heading line
    points: float
    score: float | None
    result: str  # a key of RESULTS
    answer: str | None  # the learner's answer as text; None when there is none
    written: bool = False
    why: str | None = None
    source: str | None = None
    comment: str | None = None
    note: str | None = None  # one plain sentence when there is no explanation to give

    @property
    def symbol(self) -> str:
        return RESULTS[self.result][0]

    @property
    def result_text(self) -> str:
        return RESULTS[self.result][1]

    @property
    def points_text(self) -> str:
        return points_text(self.score, self.points)

    @property
    def answer_paragraphs(self) -> list[str]:
        """A written answer as the learner typed it, one paragraph per block of lines."""
        return [block.strip() for block in re.split(r"\n\s*\n", self.answer or "") if block.strip()]


@dataclass
class FeedbackPage:
    title: str
    score: float
    max_score: float
    late_penalty: float = 0
    questions: list[QuestionFeedback] = field(default_factory=list)
    crisis_line: str = CRISIS_LINE

    @property
    def summary(self) -> list[str]:
        """Two or three sentences under the title: the total, the short questions, what is still open."""
        said = [f"Your score: {points_text(self.score, self.max_score)}."]
        short = [q for q in self.questions if not q.written]
        if short:
            right = sum(q.result == "right" for q in short)
            said.append(f"You got {right} of {len(short)} short {'question' if len(short) == 1 else 'questions'} "
                        "right.")
        waiting = [q for q in self.questions if q.result == "waiting"]
        if waiting:
            points = sum(q.points for q in waiting)
            said.append(f"Your written answer ({points_text(None, points)}) is waiting for your trainer, so "
                        "this score will go up if they give it points.")
        if self.late_penalty:
            said.append(f"The score has {points_text(None, self.late_penalty)} taken off because the module "
                        "was submitted after its due date.")
        return said

    @property
    def next_steps(self) -> list[str]:
        steps = []
        missed = [q.number for q in self.questions if q.result in MISSED]
        if missed:
            steps.append(f"Look again at {_numbers(missed)}: re-read the part of the module each one comes "
                         "from, and the explanation and source under it where there is one.")
        if any(q.result == "waiting" for q in self.questions):
            steps.append("Your trainer has not marked your written answer yet. Fetch your feedback again later "
                         "to see their comment and score.")
        steps.append("If something here is unclear, or you think a mark is wrong, ask your trainer.")
        return steps


def _numbers(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return f"question {words[0]}"
    return "questions " + ", ".join(words[:-1]) + " and " + words[-1]


# -- Reading the graded notebook ---------------------------------------------------------------------------


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {}) or {}


def _number(*names: str) -> int | None:
    for name in names:
        match = NUMBERED.match(name or "")
        if match:
            return int(match[1])
    return None


def _answer_output(cell) -> dict | None:
    """The marking check's answer record in a test cell's outputs, or None."""
    found = None
    for output in cell.get("outputs", []):
        data = output.get("data", {}).get(ANSWER_MIME)
        if isinstance(data, dict):
            found = data
    return found


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        return ", ".join(str(v) for v in items)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


_UNREADABLE = object()


def _typed_answer(cells, variable: str):
    """What the learner assigned to `variable` in an answer cell: the value, None, or _UNREADABLE with the
    text they typed (an unquoted letter, a stray character)."""
    assignment = re.compile(rf"^\s*{re.escape(variable)}\s*=(.*)$", re.MULTILINE)
    for cell in cells:
        if cell.cell_type != "code" or not _nbgrader(cell).get("solution"):
            continue
        matches = list(assignment.finditer(cell.source))
        if not matches:
            continue
        typed = matches[-1][1]
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            return _UNREADABLE, _without_comment(typed)
        value = None
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id == variable):
                try:
                    value = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, RecursionError):
                    return _UNREADABLE, _without_comment(typed)
        return value, None
    return None, None


def _without_comment(typed: str) -> str:
    return typed.split("  #", 1)[0].split(" #", 1)[0].strip()


def _wordings(cells, markers) -> dict[int, str]:
    """Each question's wording (markdown, heading line removed), from the first cell headed with its number."""
    found: dict[int, str] = {}
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        text, _ = split_regions(cell.source, markers)
        match = QUESTION_HEADING.search(text)
        if match and int(match[1]) not in found:
            found[int(match[1])] = (text[:match.start()] + text[match.end():]).strip()
    return found


def _status_from_score(score: float | None, points: float, record: dict | None) -> str:
    if score is None:
        return "right" if record and record.get("right") else "wrong"
    if points and score >= points:
        return "right"
    return "partly" if score > 0 else "wrong"


def short_question(cell, cells, number: int, wording: str, markers) -> QuestionFeedback:
    nbg = _nbgrader(cell)
    points = float(nbg.get("points", 0) or 0)
    score = nbg.get("score")
    score = None if score is None else float(score)
    record = _answer_output(cell)
    visible, _ = split_regions(cell.source, markers)
    call = CHECK_CALL.search(visible)
    variable = call[1] if call else f"q{number}_answer"
    question = QuestionFeedback(number=number, anchor=f"question-{number}", wording=wording, points=points, score=score,
                        result="wrong", answer=None)
    if record is not None:
        question.answer = _as_text(record.get("answer"))
        question.why = (record.get("why") or "").strip() or None
        question.source = (record.get("source") or "").strip() or None
        question.result = _status_from_score(score, points, record)
        return question
    value, typed = _typed_answer(cells, variable)
    if value is _UNREADABLE:
        question.answer, question.result = typed or None, "unreadable"
        question.note = ("This answer was not in the form the question asked for, so it could not be counted. "
                         "Your trainer can go through the question with you.")
    elif value is None:
        question.result = "unanswered"
        question.note = "You did not answer this question. Your trainer can go through it with you."
    else:
        question.answer = _as_text(value)
        question.result = _status_from_score(score, points, None)
        if question.result != "right":
            question.note = "There is no explanation for this question here. Your trainer can go through it with you."
    return question


def written_question(cell, cells, number: int, wording: str, markers, stubs: set[str],
                     marked: set[str] | None) -> QuestionFeedback:
    """`marked`: grade ids the trainer has given a score (nbgrader's gradebook reads an unmarked one as 0)."""
    nbg = _nbgrader(cell)
    grade_id = nbg.get("grade_id")
    score = nbg.get("score")
    score = None if score is None or (marked is not None and grade_id not in marked) else float(score)
    answer_cell = next((c for c in cells if c.cell_type == "markdown"
                        and (c.metadata.get("curriculum") or {}).get("written_answer") == grade_id), None)
    answer = None
    if answer_cell is not None:
        text, _ = split_regions(answer_cell.source, markers)
        answer = text.strip() if text.strip() and text.strip() not in stubs else None
    comment = (nbg.get("comment") or "").strip() or None
    wording = WHERE_TO_TYPE.sub("", wording).strip()
    return QuestionFeedback(number=number, anchor=f"question-{number}", wording=wording,
                    points=float(nbg.get("points", 0) or 0), score=score,
                    result="waiting" if score is None else "marked", answer=answer, written=True,
                    comment=comment if score is not None else None)


def module_title(nb, assignment: str) -> str:
    meta = nb.metadata.get("curriculum") or {}
    title = meta.get("title")
    if title:
        return f"Module {meta['module']}: {title}" if meta.get("module") else title
    for cell in nb.cells:
        match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE) if cell.cell_type == "markdown" else None
        if match:
            return match[1].strip()
    return assignment


def build_page(nb, grades: dict, markers=None, stubs: set[str] | None = None,
               marked: set[str] | None = None) -> FeedbackPage:
    """The page for one graded notebook. `grades` is nbgrader's resources["nbgrader"] after GetGrades;
    `marked` the written answers' grade ids the trainer has scored (None: a score in the cell means marked)."""
    markers = markers or delimiters()
    stubs = stubs or set()
    wordings = _wordings(nb.cells, markers)
    questions: list[QuestionFeedback] = []
    for cell in nb.cells:
        nbg = _nbgrader(cell)
        if not (nbg.get("grade") or nbg.get("task")) or nbg.get("solution"):
            continue
        call = CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
        number = _number(call[1] if call else "", nbg.get("grade_id", "")) or len(questions) + 1
        wording = wordings.get(number, "")
        if nbg.get("task"):
            questions.append(written_question(cell, nb.cells, number, wording, markers, stubs, marked))
        elif cell.cell_type == "code":
            questions.append(short_question(cell, nb.cells, number, wording, markers))
    questions.sort(key=lambda q: q.number)
    max_score = grades.get("max_score")
    if max_score is None:
        max_score = sum(q.points for q in questions)
    score = grades.get("score")
    if score is None:
        score = sum(q.score or 0 for q in questions)
    return FeedbackPage(title=module_title(nb, grades.get("assignment", "")), score=float(score),
                        max_score=float(max_score), late_penalty=float(grades.get("late_penalty") or 0),
                        questions=questions)


class GatherQuestions(Preprocessor):
    """Put the feedback page's content in resources["feedback_page"] for the course's feedback template.

    Runs after nbgrader's GetGrades (which puts each cell's score and the trainer's comment in its
    metadata) and HideAnswerKey; it takes the marked regions out again itself, so the page never shows
    them whatever ran before it.
    """

    enabled = Bool(True, help="Leave on: the course's feedback template shows what this gathers.").tag(config=True)

    def preprocess(self, nb, resources):
        section = self.config.get("ClearSolutions", {})
        stubs = {section.get("text_stub", ClearSolutions.class_traits()["text_stub"].default_value).strip(),
                 ClearSolutions.class_traits()["text_stub"].default_value.strip()}
        grades = resources.get("nbgrader", {})
        resources["feedback_page"] = build_page(nb, grades, delimiters(self.config), stubs,
                                                marked_by_trainer(nb, grades))
        return nb, resources


def marked_by_trainer(nb, grades: dict) -> set[str] | None:
    """The notebook's written answers (task cells) the trainer has given a score, from nbgrader's gradebook
    (the one nbgrader's GetGrades read); None when the page is written outside nbgrader's feedback step."""
    if not all(grades.get(key) for key in ("db_url", "notebook", "assignment", "student")):
        return None
    from .nbgrader_course import gradebook_at

    marked = set()
    with gradebook_at(grades["db_url"]) as gb:
        for cell in nb.cells:
            grade_id = _nbgrader(cell).get("grade_id")
            if not _nbgrader(cell).get("task") or not grade_id:
                continue
            grade = gb.grade(grade_id, grades["notebook"], grades["assignment"], grades["student"])
            if grade is not None and grade.manual_score is not None:
                marked.add(grade_id)
    return marked
