"""Where a learner's module stands, in plain words: read from the notebook on disk, never run.

What the Validate and Submit buttons show comes from here (widgets/learner_server.py serves it). The notebook
is read as text (nbformat) and each answer line parsed (ast), so a check is fast and a learner's code never
runs. The graded questions are read with the course's one reader of questions (widgets/questions.py): the
locked check cell (`check_choice(...)`, `check_choices(...)` or `check_number(...)`), its answer cell and, for
a written question, the task cell and the markdown cell whose `curriculum.written_answer` names it. An answer in the wrong form gets the same sentence the check cell itself
prints (widgets.checks, widgets.friendly_errors).

Whether an answer is right is never said here: that is decided when the trainer grades the module.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from widgets import checks, friendly_errors
from widgets.questions import Question, is_answer_cell, number_in, questions
from widgets.questions import assigned_value as _assignment

# What a written answer cell holds until the learner writes in it: the course's stub (nbgrader_config.py's
# ClearSolutions.text_stub), the course's earlier stub and nbgrader's default.
WRITTEN_STUBS = ("Write your answer here.", "Write your answer here (double-click this cell to edit it).",
                 "YOUR ANSWER HERE")
QUESTION_NUMBER = re.compile(r"^q(\d+)(?:_|$)")
CHECKS = {"choice": checks.check_choice, "choices": checks.check_choices, "number": checks.check_number}

ALL_IN_FORM = "Every answer is in the right form, and every question has an answer."
GIVEN_IN_FORM = "The answers you have given so far are in the right form."
NONE_GIVEN = "No question has an answer yet."
NOT_IN_FORM = "Some answers are not in the right form yet:"
NEEDS_FIXING = "The answers you have given so far are in the right form, but something needs fixing:"
GRADED_LATER = "Whether your answers are right is decided when your trainer grades the module."
CHANGED_PART = "a part of the module that should not change was changed. Ask your trainer for a fresh copy."
AFTER_SUBMIT = (
    "What happens next: your trainer collects and grades this module. Your feedback comes when your trainer "
    "releases it, for everyone at once.\n"
    "Then open Nbgrader > Assignment List, press Fetch Feedback beside this module, and open your feedback "
    "from there: your answers, your points and your trainer's comments.")
SUBMIT_AGAIN = ("You can go back and finish first, or submit now and submit again later: your trainer grades "
                "the newest copy you have submitted when they collect the module.")
NOT_A_MODULE = "This notebook has no graded questions, so there is nothing to validate."
UNREADABLE = ("This notebook could not be read, so it could not be checked. It may be damaged: ask your "
              "trainer for help.")


@dataclass
class Answer:
    """One graded question of the learner's notebook, and the cell that holds the learner's answer."""

    number: int
    question: Question | None = None  # None when only its answer cell is left
    answer_cell: object = None        # the answer cell (code), or the written answer cell (markdown)

    @property
    def written(self) -> bool:
        return bool(self.question and self.question.written)

    @property
    def variable(self) -> str:
        return (self.question and self.question.variable) or f"q{self.number}_answer"

    @property
    def kind(self) -> str | None:
        """choice, choices or number, read from the check cell; None when the check cannot be read."""
        kind = self.question.kind if self.question else None
        return kind if kind in CHECKS else None

    @property
    def options(self) -> list | None:
        return self.question.allowed if self.question else None

    @property
    def range(self) -> tuple | None:
        return self.question.range if self.question else None


@dataclass
class Status:
    """The plain-words status of one module (or one notebook)."""

    module: str | None
    title: str
    questions: int = 0
    unanswered: list[int] = field(default_factory=list)
    written_empty: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    answers_in_form: bool = True     # False when a problem is about the form of an answer

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        """What Validate shows: the form of the answers, what is missing, and that grading decides the rest."""
        if not self.questions:
            return "\n".join(self.problems) if self.problems else NOT_A_MODULE
        if self.problems:
            lines = [NEEDS_FIXING if self.answers_in_form else NOT_IN_FORM, *self.problems]
        elif len(self.unanswered) + len(self.written_empty) == self.questions:
            lines = [NONE_GIVEN]
        else:
            lines = [GIVEN_IN_FORM if (self.unanswered or self.written_empty) else ALL_IN_FORM]
        if self.unanswered:
            lines.append(f"Not answered yet: {in_words(self.unanswered)}.")
        if self.written_empty:
            lines.append(_written_empty_sentence(self.written_empty).capitalize() + ".")
        lines.append(GRADED_LATER)
        return "\n".join(lines)

    def submit_warning(self) -> str | None:
        """What Submit shows first, or None when nothing is unanswered, empty or broken."""
        parts = []
        if self.unanswered:
            parts.append(f"{in_words(self.unanswered)} {'has' if len(self.unanswered) == 1 else 'have'} "
                         "no answer yet")
        if self.written_empty:
            parts.append(_written_empty_sentence(self.written_empty))
        if self.problems:
            count = len(self.problems)
            parts.append(f"Validate shows {count} problem{'s' if count > 1 else ''} to fix")
        if not parts:
            return None
        return f"Before you submit: {'; '.join(parts)}.\n{SUBMIT_AGAIN}"

    def as_dict(self) -> dict:
        return {"module": self.module, "title": self.title, "questions": self.questions,
                "unanswered": self.unanswered, "written_empty": self.written_empty,
                "problems": self.problems, "ok": self.ok, "message": self.message(),
                "submit_warning": self.submit_warning(), "after_submit": AFTER_SUBMIT}


def in_words(numbers: Iterable[int]) -> str:
    """[3, 5, 9] -> "questions 3, 5 and 9"; [3] -> "question 3"."""
    numbers = [str(n) for n in sorted(numbers)]
    if len(numbers) == 1:
        return f"question {numbers[0]}"
    return f"questions {', '.join(numbers[:-1])} and {numbers[-1]}"


def _written_empty_sentence(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"your written answer ({in_words(numbers)}) is still empty"
    return f"your written answers ({in_words(numbers)}) are still empty"


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _quoted(options) -> str:
    items = [f'"{o}"' for o in options]
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else items[0]


def _what_to_type(question: Answer) -> str:
    if question.kind == "choice":
        return f"one of {_quoted(question.options)}, in quotes"
    if question.kind == "choices":
        return f"your letters from {_quoted(question.options)}, each in quotes, inside square brackets"
    if question.kind == "number":
        low, high = question.range
        return f"a number from {low:g} to {high:g}, without quotes"
    return "your answer"


# -- one notebook ------------------------------------------------------------------------------------------


def find_questions(nb) -> tuple[dict[int, Answer], list[tuple[int, str]]]:
    """The notebook's graded questions by number, and (number, problem) for questions whose check is gone."""
    found: dict[int, Answer] = {}
    for question in questions(nb):
        if question.number is None:
            continue
        answer = found.setdefault(question.number, Answer(question.number, question))
        if "answer" in question.cells:
            answer.answer_cell = nb.cells[question.cells["answer"]]
        elif not question.written:
            answer.answer_cell = _answer_typed_elsewhere(nb, question)
    problems: list[tuple[int, str]] = []
    for cell in nb.cells:
        number = number_in(_nbgrader(cell).get("grade_id")) if is_answer_cell(cell) else None
        if number is not None and number not in found:
            # An answer cell whose check cell is gone: the question still counts.
            found[number] = Answer(number, None, answer_cell=cell)
            problems.append((number, f"Question {number}: {CHANGED_PART}"))
    return found, problems


def _answer_typed_elsewhere(nb, question: Question):
    """A plain code cell above the check that gives the answer (a learner who replaced a deleted answer cell)."""
    variable = question.variable or f"q{question.number}_answer"
    for cell in reversed(nb.cells[:question.cells["graded"]]):
        if cell.cell_type == "code" and _assignment(cell.source, variable) is not None:
            return cell
    return None


def answer_problem(question: Answer) -> str | None | bool:
    """For an answer cell: a plain problem sentence, True when unanswered, or None when in the right form."""
    cell, variable, n = question.answer_cell, question.variable, question.number
    if cell is None:
        return (f"Question {n}: its answer cell is missing. Add a code cell just above the question's check, "
                f"type {variable} = followed by {_what_to_type(question)}, and run it.")
    if cell.cell_type != "code":
        return (f"Question {n}: its answer cell has been turned into a text cell. Click it, choose Code in the "
                "cell type menu of the notebook's toolbar, then run it.")
    source = cell.source
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        message = friendly_errors.syntax_error_message(source, error.text)
        return message if message.startswith("Question") else f"Question {n}: {message}"
    value = _assignment(source, variable)
    if value is None:
        others = [t.id for s in tree.body if isinstance(s, ast.Assign) for t in s.targets
                  if isinstance(t, ast.Name)]
        if others:
            return (f"Question {n}: the answer line must start with {variable} = (it starts with "
                    f"{others[-1]} =).")
        return True
    if isinstance(value, ast.Constant) and value.value is None:
        return True
    names = [node.id for node in ast.walk(value) if isinstance(node, ast.Name)]
    if isinstance(value, ast.Name) and question.kind in ("choice", None) \
            and not friendly_errors.ANSWER_VARIABLE.match(value.id):
        return friendly_errors.name_error_message(value.id, f"{variable} = {value.id}")
    if names and question.kind == "choices":
        letters = ", ".join(f'"{name}"' for name in names)
        return f"Question {n}: put each letter in quotes, like {variable} = [{letters}]."
    try:
        literal = ast.literal_eval(value)
    except ValueError:
        return f"Question {n}: after {variable} = write only your answer: {_what_to_type(question)}."
    check = CHECKS.get(question.kind)
    if check is None:
        return None
    arguments = question.range if question.kind == "number" else (question.options,)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(variable, literal, *arguments)
    except checks.AnswerProblem as problem:
        return str(problem)
    return None


def written_is_empty(cell, stubs: Iterable[str] = WRITTEN_STUBS) -> bool:
    if cell is None:
        return True
    text = cell.source.strip()
    return not text or text in {s.strip() for s in stubs}


def written_problem(question: Answer) -> str | None:
    cell = question.answer_cell
    if cell is not None and cell.cell_type != "markdown":
        return (f"Question {question.number}: the cell for your written answer has been turned into a "
                f"{'code' if cell.cell_type == 'code' else 'raw'} cell. Click it and choose Markdown in the cell "
                "type menu of the notebook's toolbar.")
    return None


def changed_parts(nb) -> list[tuple[int | None, str]]:
    """(number, sentence) per question, and (None, sentence) for the rest, whose locked cells were changed."""
    from nbgrader.utils import compute_checksum, is_locked

    where: list[int | None] = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if not (is_locked(cell) and "checksum" in meta):
            continue
        if compute_checksum(cell) != meta["checksum"] or meta.get("cell_type", cell.cell_type) != cell.cell_type:
            number = number_in(meta.get("grade_id"))
            if number not in where:
                where.append(number)
    sentences = [(n, f"Question {n}: {CHANGED_PART}") for n in sorted(n for n in where if n is not None)]
    if None in where:
        sentences.append((None, CHANGED_PART[0].upper() + CHANGED_PART[1:]))
    return sentences


def title_of(nb, module: str | None) -> str:
    meta = nb.metadata.get("curriculum", {}) or {}
    title = meta.get("title") or module or ""
    return f"Module {meta['module']} · {title}" if meta.get("module") is not None else title


def notebook_status(nb, module: str | None, stubs: Iterable[str] = WRITTEN_STUBS) -> Status:
    """The status of one notebook (already read), for the module `module` (its folder's name)."""
    questions, problems = find_questions(nb)
    status = Status(module=module if questions else None, title=title_of(nb, module),
                    questions=len(questions))
    found: list[tuple[int | None, str]] = []
    for number, question in sorted(questions.items()):
        if question.written:
            problem = written_problem(question)
            if problem:
                found.append((number, problem))
            elif written_is_empty(question.answer_cell, stubs):
                status.written_empty.append(number)
            continue
        outcome = answer_problem(question)
        if outcome is True:
            status.unanswered.append(number)
        elif outcome:
            found.append((number, outcome))
            status.answers_in_form = False
    # In question order, whatever found them; what belongs to no question comes last.
    ordered = sorted(found + problems + changed_parts(nb), key=lambda item: (item[0] is None, item[0] or 0))
    status.problems = list(dict.fromkeys(sentence for _, sentence in ordered))
    return status


def read_status(path: Path, module: str | None, stubs: Iterable[str] = WRITTEN_STUBS) -> Status:
    """The status of a notebook file; an unreadable or damaged file gives a plain sentence, never an error."""
    try:
        nb = nbformat.read(path, as_version=4)
        status = notebook_status(nb, module, stubs)
    except Exception:  # a damaged file says so in plain words; the learner has nothing to debug
        return Status(module=module, title=module or Path(path).stem, problems=[UNREADABLE])
    return status


def module_status(folder: Path, module: str, stubs: Iterable[str] = WRITTEN_STUBS) -> Status:
    """The status of a fetched module: every notebook in its folder, taken together."""
    notebooks = sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        return Status(module=module, title=module, problems=[
            f"The module {module} is not in your folder yet. Open Nbgrader > Assignment List and press Fetch "
            "beside it."])
    parts = [read_status(path, module, stubs) for path in notebooks]
    total = Status(module=module, title=next((p.title for p in parts if p.questions), parts[0].title))
    for part in parts:
        total.questions += part.questions
        total.unanswered += part.unanswered
        total.written_empty += part.written_empty
        total.problems += [p for p in part.problems if p not in total.problems]
        total.answers_in_form = total.answers_in_form and part.answers_in_form
    total.unanswered.sort()
    total.written_empty.sort()
    return total
