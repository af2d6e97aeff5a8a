"""What a question is: a graded notebook read into its questions, and answers made for any question.

This is the one reader of the course's question format (docs/authoring.md). The trainer's tools, the
demo, the learner's Validate and Submit messages, the feedback page and the tests all read questions here,
so a change to the format is made once.

A knowledge-check question is four cells in a row:

    ### Question 3 · 1 point          the question cell (markdown): its number, stem and lettered options
    q3_answer = None                  the answer cell (nbgrader `solution`), its grade id the check's + "_answer"
    check_choice("q3_answer", ...)    the check cell (nbgrader `grade`, locked): the form the answer takes;
    expect("q3_answer", ..., "D")     in source/ only, the hidden marking check with the key

A written question is a locked question cell, the learner's answer cell (markdown, its
`curriculum.written_answer` naming the task) and the task cell (nbgrader `task`) with the mark scheme.

The same reader reads an instructor notebook (source/: keys, solutions and mark schemes included), a
released one, and a learner's copy, which may be damaged: what cannot be read is left empty, never guessed.
"""

from __future__ import annotations

import ast
import copy
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CHECKS = {"check_choice": "choice", "check_choices": "choices", "check_number": "number"}
KINDS = ("choice", "choices", "number", "written")
QUESTION_HEADING = re.compile(r"^\s*#+\s*Question\s+(\d+)\b[^\n]*\n?", re.I)
NUMBERED_ID = re.compile(r"^q(\d+)(?:_|$)")
OPTION_LINE = re.compile(r"^- ([A-Z])\. (.*)$")
OPTION_START = re.compile(r"^\s*(?:[-*]\s*)?[A-H][.)]\s", re.M)
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.S | re.M)
MARK_SCHEME = re.compile(r"^[ \t]*### BEGIN MARK SCHEME[ \t]*\n(.*?)^[ \t]*### END MARK SCHEME", re.S | re.M)
WRITTEN_STUB = "Write your answer here."  # nbgrader_config.py's ClearSolutions.text_stub
OPENING_WORDS = 12
OPENING_MIN_WORDS = 6  # a first sentence shorter than this ("Tanya is an adult.") says too little


def nbgrader_meta(cell) -> dict:
    return (cell.get("metadata", {}) or {}).get("nbgrader", {}) or {}


def curriculum_meta(cell) -> dict:
    return (cell.get("metadata", {}) or {}).get("curriculum", {}) or {}


def is_check_cell(cell) -> bool:
    """An autograded check cell (nbgrader `grade`, code, not an answer)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and not meta.get("task") and cell.cell_type == "code"


def is_answer_cell(cell) -> bool:
    """A knowledge check's answer cell (nbgrader `solution`, code, not graded itself)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("solution")) and not meta.get("grade") and cell.cell_type == "code"


def is_task_cell(cell) -> bool:
    """A written question's task cell, with its mark scheme."""
    return bool(nbgrader_meta(cell).get("task"))


def number_in(grade_id: str | None) -> int | None:
    """3 for "q3_definition" or "q3_answer"; None for a grade id that names no question."""
    match = NUMBERED_ID.match(grade_id or "")
    return int(match[1]) if match else None


@dataclass
class Question:
    """One graded question of a notebook, with everything the course knows about it.

    `grade_id` is its graded cell's: the check cell of a knowledge check, the task cell of a written
    question. `cells` gives the position of each of its cells in the notebook it was read from ("question",
    "answer", "graded"); a cell the notebook does not have is absent.
    """

    grade_id: str
    kind: str  # one of KINDS; "value" when the check cannot be read
    points: float
    notebook: str = ""
    number: int | None = None
    text: str = ""  # the question cell (markdown), as the learner reads it
    curriculum: dict = field(default_factory=dict)  # the graded cell's: objective, applied, client
    variable: str | None = None  # q3_answer (a knowledge check)
    allowed: list | None = None  # what the check accepts (choice, choices)
    range: tuple | None = None  # (minimum, maximum) a number check accepts
    key: object = None  # the correct answer, where the notebook has it (source/)
    why: str | None = None  # the explanation the marking check gives
    source: str | None = None  # and its source keys (widgets/content/sources.yaml)
    solution: str | None = None  # the answer cell's solution lines (source/)
    mark_scheme: str | None = None  # a written question's rubric (source/)
    answer_id: str | None = None  # the answer cell's grade id; a written answer cell's curriculum.written_answer
    checksum: str | None = None  # nbgrader's checksum of the graded cell, where the notebook has one
    cells: dict[str, int] = field(default_factory=dict)

    @property
    def written(self) -> bool:
        return self.kind == "written"

    @property
    def manual(self) -> bool:
        """Marked by the trainer (a written question) rather than by the autograder."""
        return self.written

    @property
    def objective(self) -> str | None:
        return self.curriculum.get("objective")

    @property
    def applied(self) -> bool:
        return bool(self.curriculum.get("applied"))

    @property
    def clients(self) -> list[str]:
        client = self.curriculum.get("client") or []
        return [client] if isinstance(client, str) else list(client)

    @property
    def options(self) -> dict[str, str]:
        """The question cell's lettered options ("- A. ...", continued on indented lines): letter -> text."""
        options: dict[str, str] = {}
        current = None
        for line in self.text.splitlines():
            found = OPTION_LINE.match(line)
            if found:
                current = found.group(1)
                options[current] = found.group(2).strip()
            elif current and line.startswith("  ") and line.strip():
                options[current] += " " + line.strip()
            else:
                current = None
        return options

    @property
    def is_letter_choice(self) -> bool:
        """One letter out of lettered options (not several letters, not a quadrant numeral, not a number)."""
        return self.kind == "choice" and bool(self.options) and all(len(str(c)) == 1 for c in self.allowed or [])

    @property
    def stem(self) -> str:
        """The question cell without its heading line and its options."""
        lines, in_option = [], False
        for line in self.text.splitlines()[1:]:
            if OPTION_LINE.match(line):
                in_option = True
                continue
            if in_option and line.startswith("  ") and line.strip():
                continue
            in_option = False
            lines.append(line)
        return "\n".join(lines).strip()

    @property
    def opening(self) -> str:
        """The first words of the stem, in plain text: up to its first question mark, or its first sentence
        (if that is not too short to say anything) when short enough, otherwise its first OPENING_WORDS
        words and an ellipsis. "What is Andre's PHQ-9 **total**? Answer with a whole number." gives
        "What is Andre's PHQ-9 total?"."""
        match = QUESTION_HEADING.match(self.text)
        if not match:
            return ""
        stem = self.text[match.end():]
        option = OPTION_START.search(stem)
        stem = stem[: option.start()] if option else stem
        stem = re.sub(r"^[ \t]*>[ \t]?", "", stem, flags=re.M)  # a quoted line, not a character of the text
        stem = re.sub(r"[*_`#]", "", stem)
        stem = re.sub(r"\s+", " ", stem).strip()
        words = stem.split(" ")
        for end, word in enumerate(words[:OPENING_WORDS + 2], start=1):
            if word.endswith("?") or (end >= OPENING_MIN_WORDS and word.endswith(".")):
                return " ".join(words[:end])
        if len(words) <= OPENING_WORDS:
            return stem
        return " ".join(words[:OPENING_WORDS]).rstrip(",;:") + "\u2026"

    @property
    def label(self) -> str:
        """How the trainer sees the question: "Q3 · What is Andre's PHQ-9 total?" (the grade id if unknown)."""
        if self.number is None:
            return self.opening or self.grade_id
        return f"Q{self.number} · {self.opening}" if self.opening else f"Q{self.number}"

    @property
    def rubric_opening(self) -> str:
        """The first words of a written question's rubric, as a page shows them (without markdown)."""
        first = next((line for line in (self.mark_scheme or "").splitlines() if line.strip()), "")
        return re.sub(r"[*_#`>]|^\s*(\d+\.|-)\s+", "", first).strip()

    # -- answers -------------------------------------------------------------------------------------------

    def correct_answer(self):
        """The answer the key wants (a written question has no key: an answer for the trainer to mark)."""
        if self.written:
            return "My answer, in my own words, for my trainer to mark against the rubric."
        return self.key

    def wrong_answer(self):
        """A plausible wrong answer in the right form, so the learner's format check still passes."""
        correct = self.key
        if self.written:
            return "Not sure."
        if self.kind == "choice" and self.allowed:
            return next(o for o in self.allowed if str(o).upper() != str(correct).upper())
        if self.kind == "choices" and self.allowed:
            options, chosen = self.allowed, {str(c).upper() for c in correct or []}
            swap = next((o for o in options if o.upper() not in chosen), options[0])
            kept = sorted(chosen)[:-1] if len(chosen) > 1 else []
            return [*kept, swap]
        if self.kind == "number" and self.range:
            low, high = self.range
            guess = correct + 1 if correct + 1 <= high else correct - 1
            return max(low, guess)
        if isinstance(correct, bool):
            return not correct
        if isinstance(correct, (int, float)):
            return correct + 1
        return "not sure"

    def malformed_answer(self):
        """An answer in the wrong form, which the check turns away with a plain sentence (a written
        question: its answer left as the stub, which counts as no answer)."""
        if self.written:
            return WRITTEN_STUB
        if self.kind == "choice":
            return "Z" if "Z" not in {str(o).upper() for o in self.allowed or []} else 1
        if self.kind == "choices":
            return "A, B"  # one string, not a list of letters
        if self.kind == "number":
            return "twelve"
        return "?"

    def answer_source(self, value) -> str:
        """What the learner types in the answer cell to give `value`."""
        if self.written:
            return str(value)
        return f"{self.variable} = {value!r}"


@dataclass
class Module:
    """One module (nbgrader assignment) as written in source/: its metadata and questions."""

    id: str
    number: int | None
    title: str
    estimated_minutes: int
    objectives: dict[str, str]
    notebooks: list[Path]
    questions: list[Question] = field(default_factory=list)
    safety_critical: list[str] = field(default_factory=list)  # objective keys, from curriculum.safety_critical

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def autograded(self) -> list[Question]:
        return [q for q in self.questions if not q.manual]

    @property
    def written(self) -> list[Question]:
        return [q for q in self.questions if q.manual]


# -- reading -------------------------------------------------------------------------------------------------


def load(notebook) -> nbformat.NotebookNode:
    """A notebook from a path, or the notebook itself."""
    if isinstance(notebook, (str, os.PathLike)):
        return nbformat.read(notebook, as_version=4)
    return notebook


def questions(notebook, name: str = "") -> list[Question]:
    """The graded questions of a notebook (a path or a notebook already read), in notebook order.

    Each graded cell takes its number and text from the nearest question cell above it (a markdown cell
    headed "Question N" that is not itself graded), or from its grade id when there is none.
    """
    if isinstance(notebook, (str, os.PathLike)):
        name = name or Path(notebook).stem
    nb = load(notebook)
    found: list[Question] = []
    answers: dict[str, int] = {}
    written_answers: dict[str, int] = {}
    question_at: tuple[int, str] | None = None
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        graded = meta.get("grade") or meta.get("task")
        if cell.cell_type == "markdown" and not graded and QUESTION_HEADING.match(cell.source):
            question_at = (index, cell.source)
        written_for = curriculum_meta(cell).get("written_answer")
        if written_for:
            written_answers[written_for] = index
        if meta.get("solution") and not meta.get("grade") and meta.get("grade_id"):
            answers[meta["grade_id"]] = index
        if not graded:
            continue
        question = _graded_question(cell, meta, name)
        question.cells["graded"] = index
        if question_at is not None:
            question.cells["question"] = question_at[0]
            question.text = question_at[1]
            question.number = int(QUESTION_HEADING.match(question_at[1]).group(1))
            question_at = None
        else:
            question.number = number_in(question.variable) or number_in(question.grade_id)
        found.append(question)
    for question in found:
        _find_answer(nb, question, answers, written_answers)
    return found


def _graded_question(cell, meta: dict, name: str) -> Question:
    question = Question(grade_id=meta.get("grade_id", ""), kind="value", points=float(meta.get("points", 0) or 0),
                        notebook=name, curriculum=dict(curriculum_meta(cell)), checksum=meta.get("checksum"))
    if meta.get("task") or meta.get("solution") or cell.cell_type != "code":
        question.kind = "written"
        question.answer_id = question.grade_id
        scheme = MARK_SCHEME.search(cell.source)
        question.mark_scheme = scheme.group(1).strip() if scheme else None
        return question
    _read_checks(cell.source, question)
    return question


def _read_checks(source: str, question: Question) -> None:
    """The check call (the answer's form) and the hidden `expect` call (the key) of a check cell."""
    clean = "\n".join(line for line in source.splitlines() if not line.strip().startswith("###"))
    try:
        tree = ast.parse(clean)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) >= 3):
            continue
        try:
            variable = ast.literal_eval(node.args[0])
            if node.func.id == "expect":
                question.variable = question.variable or variable
                question.key = ast.literal_eval(node.args[2])
                for keyword in node.keywords:
                    if keyword.arg in ("why", "source"):
                        setattr(question, keyword.arg, ast.literal_eval(keyword.value))
            elif node.func.id in ("check_choice", "check_choices"):
                question.kind = CHECKS[node.func.id]
                question.allowed = list(ast.literal_eval(node.args[2]))
                question.variable = variable
            elif node.func.id == "check_number" and len(node.args) >= 4:
                question.kind = "number"
                question.range = (ast.literal_eval(node.args[2]), ast.literal_eval(node.args[3]))
                question.variable = variable
        except ValueError:
            continue


def _find_answer(nb, question: Question, answers: dict[str, int], written_answers: dict[str, int]) -> None:
    if question.written:
        index = written_answers.get(question.grade_id)
        if index is None and nbgrader_meta(nb.cells[question.cells["graded"]]).get("solution"):
            index = question.cells["graded"]
        if index is not None:
            question.cells["answer"] = index
        return
    index = answers.get(f"{question.grade_id}_answer")
    if index is None and question.variable:
        index = next((i for i in answers.values() if assigned_value(nb.cells[i].source, question.variable)
                      is not None), None)
    if index is None:
        return
    cell = nb.cells[index]
    question.cells["answer"] = index
    question.answer_id = nbgrader_meta(cell).get("grade_id")
    solution = SOLUTION.search(cell.source)
    if solution:
        question.solution = solution.group(1).rstrip("\n")
        if question.key is None and question.variable:
            value = assigned_value(question.solution, question.variable)
            if value is not None:
                try:
                    question.key = ast.literal_eval(value)
                except ValueError:
                    pass


def assigned_value(source: str, variable: str | None):
    """The value (an ast node) of the last top-level `variable = ...` in source; None if there is none or
    the code cannot be read."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = None
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == variable for t in statement.targets):
                found = statement.value
        elif isinstance(statement, ast.AnnAssign) and getattr(statement.target, "id", None) == variable:
            found = statement.value
    return found


def read_module(folder: Path) -> Module:
    """A module's curriculum metadata and questions, from its notebooks in source/ (or any copy of them)."""
    folder = Path(folder)
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    title, minutes, number, objectives = folder.name, 0, None, {}
    safety: list[str] = []
    found: list[Question] = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("curriculum", {})
        title = meta.get("title", title)
        minutes = int(meta.get("estimated_minutes", minutes) or 0)
        number = meta.get("module", number)
        objectives.update(meta.get("objectives", {}))
        safety += [key for key in meta.get("safety_critical", []) if key not in safety]
        found += questions(nb, path.stem)
    return Module(id=folder.name, number=number, title=title, estimated_minutes=minutes,
                  objectives=dict(objectives), notebooks=notebooks, questions=found, safety_critical=safety)


def locked_cells(notebook) -> dict[str, nbformat.NotebookNode]:
    """The notebook's locked cells (questions, checks, rubrics) by grade id."""
    return {nbgrader_meta(c)["grade_id"]: c for c in load(notebook).cells
            if nbgrader_meta(c).get("locked") and nbgrader_meta(c).get("grade_id")}


def checksum_changed(cell) -> bool:
    """True when a locked cell's text no longer matches the checksum nbgrader gave it at release."""
    from nbgrader.utils import compute_checksum

    expected = nbgrader_meta(cell).get("checksum")
    try:
        return bool(expected) and compute_checksum(cell) != expected
    except Exception:  # a cell too damaged to checksum is reported by a text comparison instead
        return False


# -- answering -----------------------------------------------------------------------------------------------


def answered(notebook, answers: Mapping[str, object], questions_of: list[Question] | None = None):
    """A copy of a learner's notebook with the answer cells of the questions in `answers` (grade id ->
    value) filled in as a learner types them. A knowledge check's answer cell keeps its instructions
    (comment lines) and its answer line becomes `variable = value`."""
    nb = copy.deepcopy(load(notebook))
    for question in questions_of if questions_of is not None else questions(nb):
        if question.grade_id not in answers or "answer" not in question.cells:
            continue
        cell = nb.cells[question.cells["answer"]]
        typed = question.answer_source(answers[question.grade_id])
        if question.written:
            cell.source = typed
            continue
        lines = SOLUTION.sub("", cell.source).splitlines()
        kept = [line for line in lines if line.strip().startswith("#")]
        cell.source = "\n".join([typed, *kept])
    return nb
