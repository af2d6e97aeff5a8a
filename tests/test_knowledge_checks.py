"""Knowledge checks that measure: every objective assessed twice, mostly applied to cases, answerable only
by knowing the content (not by the longest option, the stem's words or a favourite letter), no item leaning
on another, the header's counts true, and help named wherever a module touches risk.

Each rule is a function that returns the problems it finds, so the last tests can show that every rule
catches a module written the way these checks must not be.
"""

from __future__ import annotations

import re
from collections import Counter

import nbformat
import pytest

from tests.conftest import ROOT
from tests.course_notebooks import (
    QUESTION_HEADER,
    Item,
    is_task_cell,
    is_test_cell,
    knowledge_check_items,
    nbgrader_meta,
    source_notebooks,
    stem_text,
)

SOURCES = source_notebooks()
MIN_ITEMS_PER_OBJECTIVE = 2
MAX_KEY_IS_LONGEST = 0.4    # share of lettered single-choice items whose key is the (joint) longest option
MAX_KEY_IS_SHORTEST = 0.4   # ... or the (joint) shortest: a length cue either way
MAX_SAME_KEY_LETTER = 0.4   # share of those items that one letter may key
MIN_KEY_LETTERS = 3
MAX_KEY_ECHOES_STEM = 0.5   # share of those items whose key alone shares the most words with the stem
RISK_WORDS = re.compile(r"suicid|self-harm|crisis|hopeless|overdose|C-SSRS", re.I)
QUESTION_REFERENCE = re.compile(r"\bQuestions? \d+")
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                "twenty"]
HEADER = re.compile(r"knowledge check of (\d+) short questions \((\d+) points? each\) and\s+one written answer "
                    r"\((\d+) points\),\s+(\d+) points in all")
STOP_WORDS = set("""about after also been before being both does each from have here into just more most much
must only other over same some such than that their them then there these they this those very were what when
where which while will with would your""".split())


def ids(paths):
    return [p.parent.name for p in paths]


def read(path):
    return nbformat.read(path, as_version=4)


def lettered(items: list[Item]) -> list[Item]:
    return [item for item in items if item.is_letter_choice]


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]{3,}", text.lower()) if w not in STOP_WORDS}


# ---- the rules ---------------------------------------------------------------------------------------------

def objectives_assessed_too_rarely(nb) -> list[str]:
    counts = Counter(item.curriculum.get("objective") for item in knowledge_check_items(nb))
    return [f"objective {key} has {counts[key]} autograded item(s)"
            for key in nb.metadata["curriculum"]["objectives"] if counts[key] < MIN_ITEMS_PER_OBJECTIVE]


def too_few_applied_items(nb) -> list[str]:
    items = knowledge_check_items(nb)
    applied = [item for item in items if item.applied]
    problems = [] if 2 * len(applied) >= len(items) else [
        f"{len(applied)} of {len(items)} autograded items apply knowledge to a case (at least half must)"]
    for item in applied:
        if not item.clients:
            problems.append(f"{item.question.grade_id} is marked applied but names no client")
        for client in item.clients:
            if client not in item.markdown:
                problems.append(f"{item.question.grade_id}: client {client!r} is not in the question")
    return problems


def keys_that_are_the_longest_option(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    longest = [item.question.grade_id for item in items
               if len(item.options[item.question.correct]) >= max(len(t) for t in item.options.values())]
    if items and len(longest) > MAX_KEY_IS_LONGEST * len(items):
        return [f"the key is the longest option in {len(longest)} of {len(items)} items: {longest}"]
    return []


def keys_that_are_the_shortest_option(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    shortest = [item.question.grade_id for item in items
                if len(item.options[item.question.correct]) <= min(len(t) for t in item.options.values())]
    if items and len(shortest) > MAX_KEY_IS_SHORTEST * len(items):
        return [f"the key is the shortest option in {len(shortest)} of {len(items)} items: {shortest}"]
    return []


def key_letters_bunched(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    letters = Counter(item.question.correct for item in items)
    problems = [f"{letter!r} is the key of {n} of {len(items)} items" for letter, n in letters.items()
                if n > MAX_SAME_KEY_LETTER * len(items)]
    if items and len(letters) < MIN_KEY_LETTERS:
        problems.append(f"only {sorted(letters)} are ever the key")
    return problems


def keys_that_echo_the_stem(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    echoing = []
    for item in items:
        stem = words(stem_text(item.markdown))
        overlap = {letter: len(words(text) & stem) for letter, text in item.options.items()}
        best = max(overlap.values())
        if best and [letter for letter, n in overlap.items() if n == best] == [item.question.correct]:
            echoing.append(item.question.grade_id)
    if items and len(echoing) > MAX_KEY_ECHOES_STEM * len(items):
        return [f"the key alone shares most words with the stem in {len(echoing)} of {len(items)} items: {echoing}"]
    return []


def options_that_disagree_with_the_check(nb) -> list[str]:
    problems = []
    for item in knowledge_check_items(nb):
        if item.question.check in ("check_choice", "check_choices") and item.options:
            if list(item.options) != list(item.question.check_args[0]):
                problems.append(f"{item.question.grade_id}: the question lists {list(item.options)}, "
                                f"the check accepts {item.question.check_args[0]}")
        if item.question.variable != f"q{item.number}_answer":
            problems.append(f"{item.question.grade_id} answers into {item.question.variable} under Question "
                            f"{item.number}")
    return problems


def questions_that_lean_on_other_questions(nb) -> list[str]:
    """From the knowledge check's heading to its last graded cell, no markdown names a question by number,
    except a question cell's own header: each item gives its own facts."""
    cells = nb.cells
    start = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                  and re.search(r"^#{1,3} .*Knowledge check", c.source, re.M)), None)
    if start is None:
        return ["no 'Knowledge check' heading"]
    end = max(i for i, c in enumerate(cells) if is_test_cell(c) or is_task_cell(c))
    problems = []
    for cell in cells[start:end + 1]:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        if QUESTION_HEADER.match(text):
            text = text.split("\n", 1)[1] if "\n" in text else ""
        for found in QUESTION_REFERENCE.findall(text):
            problems.append(f"{found!r} in: {cell.source[:80]!r}")
    return problems


def header_counts_that_are_wrong(nb) -> list[str]:
    items = knowledge_check_items(nb)
    tasks = [c for c in nb.cells if is_task_cell(c)]
    written = [nbgrader_meta(c)["points"] for c in tasks]
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    found = HEADER.search(text)
    if not found:
        return ["no header 'a knowledge check of N short questions (1 point each) and one written answer "
                "(M points), T points in all'"]
    n, each, written_points, total = (int(g) for g in found.groups())
    problems = []
    if len(tasks) != 1:
        problems.append(f"{len(tasks)} written answers; the header says one")
    if n != len(items):
        problems.append(f"header says {n} short questions; there are {len(items)}")
    if any(item.question.points != each for item in items):
        problems.append(f"header says {each} point each; points are {[i.question.points for i in items]}")
    if written and written_points != written[0]:
        problems.append(f"header says the written answer is {written_points} points; it is {written[0]}")
    if total != sum(i.question.points for i in items) + sum(written):
        problems.append(f"header says {total} points in all; the cells add up to "
                        f"{sum(i.question.points for i in items) + sum(written)}")
    intro = re.search(r"^(\w+) short questions \((\d+) points? each\) and one written answer \((\d+) points\)",
                      text, re.M)
    if not intro or intro.group(1).lower() != NUMBER_WORDS[len(items)]:
        problems.append(f"the knowledge check's first line should say {NUMBER_WORDS[len(items)].capitalize()} "
                        "short questions")
    return problems


def risk_without_help(nb) -> list[str]:
    text = "\n".join(c.source for c in nb.cells)
    if not RISK_WORDS.search(text):
        return []
    needed = ["988 Suicide & Crisis Lifeline", "call, text or chat", "911"]
    return [f"touches risk but never says {phrase!r}" for phrase in needed if phrase not in text]


def objectives_missing_from_the_top_list(nb) -> list[str]:
    first = nb.cells[0].source
    return [f"objective {key} is not in the list at the top" for key in nb.metadata["curriculum"]["objectives"]
            if f"*({key})*" not in first]


RULES = [objectives_assessed_too_rarely, too_few_applied_items, keys_that_are_the_longest_option,
         keys_that_are_the_shortest_option, key_letters_bunched, keys_that_echo_the_stem, options_that_disagree_with_the_check,
         questions_that_lean_on_other_questions, header_counts_that_are_wrong, risk_without_help,
         objectives_missing_from_the_top_list]


# ---- every graded module follows every rule ----------------------------------------------------------------

@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_knowledge_check_follows_the_rule(path, rule):
    assert rule(read(path)) == []


# ---- and every rule can fail ------------------------------------------------------------------------------

def _cell(kind, source, **metadata):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    return make(source, metadata=metadata)


def _weak_module(n_items: int = 6):
    """A module that breaks every rule: one objective assessed once, no case, key always "A" and either the
    longest or the shortest option, options that echo the stem, a question that leans on the one before, a wrong header, risk without help."""
    cells = [_cell("markdown", "# Module 9\n\n**Graded:** a knowledge check of 2 short questions (1 point each) "
                               "and one written answer (3 points), 9 points in all.\n\n1. Do it. *(9.1)*"),
             _cell("markdown", "## Knowledge check (graded)\n\nTwo short questions (1 point each) and one written "
                               "answer (3 points).\n\nA client may talk about suicide.")]
    for n in range(1, n_items + 1):
        lean = " Use your answer to Question 1." if n == 2 else ""
        key = "Screening tools are short and true of every screening" if n <= n_items // 2 else "Tools"
        cells += [
            _cell("markdown", f"### Question {n} · 1 point\n\nWhich statement is true of screening tools?{lean}\n\n"
                              f"- A. {key}\n- B. Nope never\n- C. Maybe so\n- D. Not ever"),
            _cell("code", f"q{n}_answer = None\n### BEGIN SOLUTION\nq{n}_answer = \"A\"\n### END SOLUTION",
                  nbgrader={"grade": False, "grade_id": f"q{n}_x_answer", "locked": False, "schema_version": 3,
                            "solution": True, "task": False}),
            _cell("code", f"check_choice(\"q{n}_answer\", q{n}_answer, [\"A\", \"B\", \"C\"])\n"
                          f"### BEGIN HIDDEN TESTS\nexpect(\"q{n}_answer\", q{n}_answer, \"A\")\n### END HIDDEN TESTS",
                  nbgrader={"grade": True, "grade_id": f"q{n}_x", "locked": True, "points": 1,
                            "schema_version": 3, "solution": False, "task": False},
                  curriculum={"objective": "9.1" if n > 1 else "9.2", "applied": n == 1}),
        ]
    cells.append(_cell("markdown", "### Question 7 · 2 points (written)\n\n### BEGIN MARK SCHEME\nx\n"
                                   "### END MARK SCHEME",
                       nbgrader={"grade": False, "grade_id": "q7_written", "locked": True, "points": 2,
                                 "schema_version": 3, "solution": False, "task": True}))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["curriculum"] = {"objectives": {"9.1": "Do it", "9.2": "Do the other thing"}}
    return nb


@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
def test_the_rule_catches_a_module_that_breaks_it(rule):
    assert rule(_weak_module()), f"{rule.__name__} found nothing wrong in a module written to break it"


def test_the_source_notebooks_are_found():
    assert [p.parent.name for p in SOURCES] == sorted(p.name for p in (ROOT / "source").iterdir()
                                                      if p.is_dir() and not p.name.startswith("."))
