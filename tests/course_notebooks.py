"""Reading the course's notebooks: which cells are graded, their answer keys, and learner-style edits.

Shared by the hygiene, release and round-trip tests (and usable by anything else that needs an answer key).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from tests.conftest import ROOT

SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION\n?", re.S | re.M)
CHECK_CALL = re.compile(r"^(check_choice|check_choices|check_number)\(", re.M)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return meta.get("grade", False) and not meta.get("solution", False) and not meta.get("task", False) \
        and cell.cell_type == "code"


def is_answer_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return meta.get("solution", False) and not meta.get("grade", False) and cell.cell_type == "code"


def is_task_cell(cell) -> bool:
    return nbgrader_meta(cell).get("task", False)


def source_notebooks() -> list[Path]:
    return sorted((ROOT / "source").glob("*/*.ipynb"))


def release_notebook_for(source: Path, root: Path = ROOT) -> Path:
    return root / "release" / source.parent.name / source.name


def learner_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


@dataclass
class Question:
    grade_id: str        # of the test cell
    variable: str        # q3_answer
    points: float
    check: str           # check_choice / check_choices / check_number
    check_args: list     # the literal arguments after the value (options, or minimum and maximum)
    correct: object      # the value expect() wants

    def wrong_answer(self):
        """A well-formed answer that is not the correct one."""
        if self.check == "check_choice":
            return next(o for o in self.check_args[0] if str(o).upper() != str(self.correct).upper())
        if self.check == "check_choices":
            options = list(self.check_args[0])
            correct = {str(c).upper() for c in self.correct}
            wrong = correct ^ {options[0].upper()} or {options[1].upper()}  # add or drop one option
            return sorted(o for o in options if o.upper() in wrong)
        minimum, maximum = self.check_args
        return self.correct + 1 if self.correct + 1 <= maximum else self.correct - 1


def _literal_call_args(source: str, function: str) -> list:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == function:
            return [ast.literal_eval(arg) if not isinstance(arg, ast.Name) else arg.id for arg in node.args]
    raise ValueError(f"no {function}(...) call in:\n{source}")


def questions(source_nb) -> list[Question]:
    """Every autograded question of a source notebook, with its answer key from the hidden test."""
    found = []
    for cell in source_nb.cells:
        if not is_test_cell(cell):
            continue
        check = CHECK_CALL.search(cell.source)
        if not check:
            raise ValueError(f"test cell {nbgrader_meta(cell)['grade_id']} has no visible check_* call")
        args = _literal_call_args(cell.source, check.group(1))
        expect = _literal_call_args(cell.source, "expect")
        found.append(Question(
            grade_id=nbgrader_meta(cell)["grade_id"], variable=args[1], points=nbgrader_meta(cell)["points"],
            check=check.group(1), check_args=args[2:], correct=expect[2],
        ))
    return found


def answered(release_nb, source_nb, answers: dict | None = None):
    """The release notebook as a learner would submit it: each answer cell holds the solution, or
    `answers[variable]` where given (a wrong or malformed answer)."""
    nb = nbformat.from_dict(release_nb)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    solutions = {nbgrader_meta(c)["grade_id"]: c.source for c in source_nb.cells if is_answer_cell(c)}
    for cell in nb.cells:
        if not is_answer_cell(cell):
            continue
        solution_source = solutions[nbgrader_meta(cell)["grade_id"]]
        body = SOLUTION_REGION.search(solution_source).group(0)
        lines = [ln for ln in body.splitlines() if "### BEGIN SOLUTION" not in ln and "### END SOLUTION" not in ln]
        variable = lines[0].split("=")[0].strip() if lines else None
        if answers and variable in answers:
            lines = [f"{variable} = {answers[variable]!r}"]
        cell.source = SOLUTION_REGION.sub("", solution_source).rstrip("\n") + "\n" + "\n".join(lines)
    return nb


QUESTION_HEADER = re.compile(r"^#{2,4} Question (\d+)\b")
OPTION_LINE = re.compile(r"^- ([A-Z])\. (.*)$")


def option_texts(markdown: str) -> dict[str, str]:
    """The lettered options of a question cell ("- A. ..." with indented continuation lines), in order."""
    options, current = {}, None
    for line in markdown.splitlines():
        found = OPTION_LINE.match(line)
        if found:
            current = found.group(1)
            options[current] = found.group(2).strip()
        elif current and line.startswith("  ") and line.strip():
            options[current] += " " + line.strip()
        else:
            current = None
    return options


def stem_text(markdown: str) -> str:
    """A question cell without its header line and its options."""
    lines, in_option = [], False
    for line in markdown.splitlines()[1:]:
        if OPTION_LINE.match(line):
            in_option = True
            continue
        if in_option and line.startswith("  ") and line.strip():
            continue
        in_option = False
        lines.append(line)
    return "\n".join(lines).strip()


@dataclass
class Item:
    """An autograded knowledge-check item as a learner meets it: its question cell, options and key."""

    question: Question
    number: int          # the N of "### Question N"
    markdown: str        # the question cell
    options: dict        # letter -> option text ({} for number answers)
    curriculum: dict     # the test cell's curriculum metadata: objective, applied, client

    @property
    def is_letter_choice(self) -> bool:
        """One letter out of lettered options (not several letters, not a quadrant numeral, not a number)."""
        return self.question.check == "check_choice" and bool(self.options) \
            and all(len(str(c)) == 1 for c in self.question.check_args[0])

    @property
    def applied(self) -> bool:
        return bool(self.curriculum.get("applied"))

    @property
    def clients(self) -> list[str]:
        client = self.curriculum.get("client") or []
        return [client] if isinstance(client, str) else list(client)


def knowledge_check_items(source_nb) -> list[Item]:
    """Every autograded item of a source notebook with the question cell above its answer cell."""
    by_grade_id = {q.grade_id: q for q in questions(source_nb)}
    items, last_question_cell = [], None
    for cell in source_nb.cells:
        if cell.cell_type == "markdown" and QUESTION_HEADER.match(cell.source):
            last_question_cell = cell
        if is_test_cell(cell):
            question = by_grade_id[nbgrader_meta(cell)["grade_id"]]
            if last_question_cell is None:
                raise ValueError(f"{question.grade_id} has no '### Question N' cell above it")
            items.append(Item(
                question=question, number=int(QUESTION_HEADER.match(last_question_cell.source).group(1)),
                markdown=last_question_cell.source, options=option_texts(last_question_cell.source),
                curriculum=dict(cell.metadata.get("curriculum", {})),
            ))
    return items
