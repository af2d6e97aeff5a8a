"""Knowledge-check helpers: friendly format checks for learners, and the marking checks for grading.

The format checks print a tick and return nothing, so a check cell shows one line and no stray value.
A learner who typed an answer in the wrong form sees one plain sentence saying what to type, not a Python
traceback: AnswerProblem renders itself that way in IPython (`_render_traceback_`) while still failing the
cell, so nbgrader's Validate button and autograder count it as not passed.

A question not answered yet is different: in the learner's own run it prints a friendly line and lets the
rest of the notebook run (Run All must reach every tool below it), while under nbgrader (Validate and
grading set NBGRADER_EXECUTION) it fails the cell as before, so it still counts as unanswered.

Under nbgrader a well-formed answer prints nothing: the marking check (`expect`, in the hidden tests)
reports the learner's answer, whether it is right, a short explanation and its source, as one output of
type ANSWER_MIME that the feedback page reads. An "answer recorded" line there would sit next to "not
right" and confuse. The learner's own run still shows the tick and the answer.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Iterable

from IPython.display import display

from widgets import friendly_errors
from widgets.sources import source_line

friendly_errors.install()

ANSWER_MIME = "application/vnd.cod-iop.answer+json"


class AnswerProblem(AssertionError):
    """A check that did not pass, said in plain language."""

    def _render_traceback_(self) -> list[str]:
        # Short lines: nbgrader's Validate dialog does not wrap them.
        return textwrap.wrap(f"\u2717 {self}", width=76, subsequent_indent="  ")


def _question(name: str) -> str:
    # "q3_answer" -> "Question 3"
    number = name.removeprefix("q").split("_", 1)[0]
    return f"Question {number}" if number.isdigit() else name


def _quoted(options: Iterable[str]) -> str:
    items = [f'"{o}"' for o in options]
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else items[0]


def _normal_letter(value):
    return value.strip().upper() if isinstance(value, str) else value


def _grading() -> bool:
    """True while nbgrader runs the notebook (Validate or autograde), not in the learner's own run."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _recorded(line: str) -> None:
    """The tick a learner sees for a well-formed answer in their own run; silent under nbgrader."""
    if not _grading():
        print(line)


def _not_answered(name: str, what: str) -> None:
    """Fail under nbgrader; in the learner's own run, say so in one line and let the notebook go on."""
    sentence = (f"{_question(name)} has no answer yet. In the answer cell above, replace None with {what}, "
                "run that cell, then run this one.")
    if _grading():
        raise AnswerProblem(sentence)
    print(f"\u25cb {sentence}")


def check_choice(name: str, value, choices: Iterable[str]) -> None:
    """One answer from a list of options (letters, quadrant numerals, band names...)."""
    choices = list(choices)
    if value is None:
        return _not_answered(name, f"one of {_quoted(choices)}, in quotes")
    normal = {_normal_letter(c): c for c in choices}
    if not isinstance(value, str) or _normal_letter(value) not in normal:
        raise AnswerProblem(
            f"{_question(name)}: answer with one of {_quoted(choices)}, in quotes. You have {value!r}."
        )
    _recorded(f"\u2713 {_question(name)}: answer recorded ({normal[_normal_letter(value)]}).")


def check_choices(name: str, value, choices: Iterable[str]) -> None:
    """Several answers from a list of options, given as a list or set: ["A", "C"]."""
    choices = list(choices)
    if value is None:
        return _not_answered(name, f"your answers from {_quoted(choices)}, in quotes inside square brackets")
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise AnswerProblem(
            f"{_question(name)}: put your answers in square brackets, each in quotes and separated by commas "
            f"(two answers look like [\"?\", \"?\"]), chosen from {_quoted(choices)}."
        )
    normal = {_normal_letter(c): c for c in choices}
    picked = [_normal_letter(v) for v in value]
    unknown = [v for v in picked if v not in normal]
    if unknown or not picked:
        raise AnswerProblem(f"{_question(name)}: each answer must be one of {_quoted(choices)}. You have {value!r}.")
    chosen = {normal[v] for v in picked}
    _recorded(f"\u2713 {_question(name)}: answers recorded ({', '.join(sorted(chosen))}).")


def check_number(name: str, value, minimum: float, maximum: float) -> None:
    """A number between minimum and maximum (a score, hours, a percentage)."""
    if value is None:
        return _not_answered(name, f"a number from {minimum:g} to {maximum:g}, without quotes")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AnswerProblem(f"{_question(name)}: answer with a number, without quotes. You have {value!r}.")
    if not minimum <= value <= maximum:
        raise AnswerProblem(f"{_question(name)}: the answer must be between {minimum:g} and {maximum:g}. You have {value!r}.")
    _recorded(f"\u2713 {_question(name)}: answer recorded ({value:g}).")


def source_keys(source: str) -> list[str]:
    """The keys of a `source` argument: "T42-20-CH3" or "T42-20-CH3 SAMHSA-COD"."""
    return [key for key in re.split(r"[\s,;]+", source) if key]


def source_text(source: str) -> str:
    """The line a learner reads under an explanation: "Source: ..." from the clinical reference's keys.

    An unknown key raises KeyError (widgets.sources.lookup): the course's tests read every hidden test, so
    a wrong key fails when a module is written, not when a learner is graded.
    """
    keys = source_keys(source)
    if not keys:
        raise KeyError("no source key given")
    return f"Source: {source_line(keys)}"


def _question_number(name: str) -> int | None:
    number = name.removeprefix("q").split("_", 1)[0]
    return int(number) if number.isdigit() else None


def _answer_text(value) -> str | None:
    """The learner's answer as they would read it back: "B", "A, C", "52.5"; None when there is none."""
    if value is None:
        return None
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _is_right(value, correct) -> bool:
    if isinstance(correct, (set, frozenset, list, tuple)):
        return (not isinstance(value, str) and isinstance(value, Iterable)
                and {_normal_letter(v) for v in value} == {_normal_letter(c) for c in correct})
    if isinstance(correct, (int, float)) and not isinstance(correct, bool):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value - correct) < 1e-9
    return _normal_letter(value) == _normal_letter(correct)


def answer_record(name: str, value, right: bool, why: str, source: str) -> dict:
    """What the feedback page shows for one question. A source that cannot be read leaves the line out
    rather than stop a learner's grading."""
    try:
        cited = source_text(source)
    except KeyError:
        cited = ""
    return {"question": _question_number(name), "answer": _answer_text(value), "right": right,
            "why": " ".join(why.split()), "source": cited}


def _plain(record: dict, name: str) -> str:
    verdict = f"\u2713 {_question(name)}: right." if record["right"] else \
        f"\u2717 {_question(name)}: not this time."
    return " ".join(part for part in (verdict, record["why"], record["source"]) if part)


def expect(name: str, value, correct, *, why: str, source: str) -> None:
    """The marking check (in hidden tests): passes only for the correct answer.

    `why` is the explanation a learner reads on the feedback page (one or two plain sentences) and `source`
    the clinical reference's key(s) for it. Under grading it first displays the answer record (ANSWER_MIME,
    with a plain-text line for any other reader); a wrong answer then fails the cell, so nbgrader gives 0.
    """
    right = _is_right(value, correct)
    if _grading():
        record = answer_record(name, value, right, why, source)
        display({ANSWER_MIME: record, "text/plain": _plain(record, name)}, raw=True)
        if not right:
            raise AnswerProblem(f"{_question(name)}: not the right answer this time. The explanation above "
                                "says why.")
    elif not right:
        raise AnswerProblem(f"{_question(name)}: not the right answer this time. {' '.join(why.split())}")
