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
from tests.course_notebooks import source_notebooks
from widgets import checks
from widgets.questions import QUESTION_HEADING, Question, is_task_cell, nbgrader_meta, questions
from widgets.questions import is_check_cell as is_test_cell
from widgets.sources import lookup, source_line

# Its module-wide fixture is built once: every test of this file runs on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("knowledge-checks")

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


def knowledge_check_items(nb) -> list[Question]:
    """The autograded questions of a notebook."""
    return [q for q in questions(nb) if not q.manual]


def lettered(items: list[Question]) -> list[Question]:
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
            problems.append(f"{item.grade_id} is marked applied but names no client")
        for client in item.clients:
            if client not in item.text:
                problems.append(f"{item.grade_id}: client {client!r} is not in the question")
    return problems


def keys_that_are_the_longest_option(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    longest = [item.grade_id for item in items
               if len(item.options[item.key]) >= max(len(t) for t in item.options.values())]
    if items and len(longest) > MAX_KEY_IS_LONGEST * len(items):
        return [f"the key is the longest option in {len(longest)} of {len(items)} items: {longest}"]
    return []


def keys_that_are_the_shortest_option(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    shortest = [item.grade_id for item in items
                if len(item.options[item.key]) <= min(len(t) for t in item.options.values())]
    if items and len(shortest) > MAX_KEY_IS_SHORTEST * len(items):
        return [f"the key is the shortest option in {len(shortest)} of {len(items)} items: {shortest}"]
    return []


def key_letters_bunched(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    letters = Counter(item.key for item in items)
    problems = [f"{letter!r} is the key of {n} of {len(items)} items" for letter, n in letters.items()
                if n > MAX_SAME_KEY_LETTER * len(items)]
    if items and len(letters) < MIN_KEY_LETTERS:
        problems.append(f"only {sorted(letters)} are ever the key")
    return problems


def keys_that_echo_the_stem(nb) -> list[str]:
    items = lettered(knowledge_check_items(nb))
    echoing = []
    for item in items:
        stem = words(item.stem)
        overlap = {letter: len(words(text) & stem) for letter, text in item.options.items()}
        best = max(overlap.values())
        if best and [letter for letter, n in overlap.items() if n == best] == [item.key]:
            echoing.append(item.grade_id)
    if items and len(echoing) > MAX_KEY_ECHOES_STEM * len(items):
        return [f"the key alone shares most words with the stem in {len(echoing)} of {len(items)} items: {echoing}"]
    return []


def options_that_disagree_with_the_check(nb) -> list[str]:
    problems = []
    for item in knowledge_check_items(nb):
        if item.kind in ("choice", "choices") and item.options:
            if list(item.options) != list(item.allowed):
                problems.append(f"{item.grade_id}: the question lists {list(item.options)}, "
                                f"the check accepts {item.allowed}")
        if item.variable != f"q{item.number}_answer":
            problems.append(f"{item.grade_id} answers into {item.variable} under Question "
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
        if QUESTION_HEADING.match(text):
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
    if any(item.points != each for item in items):
        problems.append(f"header says {each} point each; points are {[i.points for i in items]}")
    if written and written_points != written[0]:
        problems.append(f"header says the written answer is {written_points} points; it is {written[0]}")
    if total != sum(i.points for i in items) + sum(written):
        problems.append(f"header says {total} points in all; the cells add up to "
                        f"{sum(i.points for i in items) + sum(written)}")
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


# ---- every marking check explains its answer, with its source, only where learners cannot read it early ----

WHY_LENGTH = (40, 400)        # characters: one or two plain sentences
ATTRIBUTION = re.compile(r"\breported\b|\bet al\.")  # a secondary source is only ever taught with attribution
HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def marking_checks(nb) -> list[Question]:
    """Every autograded question, with what its marking check (`expect` in the hidden tests) explains."""
    found = []
    for question in questions(nb):
        if question.manual:
            continue
        hidden = "\n".join(HIDDEN_TESTS.findall(nb.cells[question.cells["graded"]].source))
        count = hidden.count("expect(")
        assert count == 1, f"{question.grade_id}: {count} expect(...) in its hidden tests"
        found.append(question)
    return found


def explanation_problems(nb) -> list[str]:
    problems = []
    for question in marking_checks(nb):
        grade_id, why, source = question.grade_id, question.why, question.source
        if not isinstance(why, str) or not WHY_LENGTH[0] <= len(why.strip()) <= WHY_LENGTH[1]:
            problems.append(f"{grade_id}: why must be {WHY_LENGTH[0]}-{WHY_LENGTH[1]} characters, is {why!r}")
            continue
        if not isinstance(source, str) or not checks.source_keys(source):
            problems.append(f"{grade_id}: no source keys")
            continue
        try:
            line = checks.source_text(source)
        except KeyError as error:
            problems.append(f"{grade_id}: {error}")
            continue
        secondary = [k for k in checks.source_keys(source) if not lookup(k).citable]
        if secondary and not ATTRIBUTION.search(why):
            problems.append(f"{grade_id}: {secondary} may be named only with attribution in the explanation")
        if not line.startswith("Source: ") or len(line) <= len("Source: "):
            problems.append(f"{grade_id}: empty source line")
    return problems


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_every_marking_check_explains_its_answer_and_cites_sources_that_resolve(path):
    nb = read(path)
    assert marking_checks(nb), "no graded test cells found"
    assert explanation_problems(nb) == []


def test_the_explanation_rule_catches_a_missing_short_or_unsourced_explanation():
    nb = _weak_module(3)
    tests = [c for c in nb.cells if is_test_cell(c)]
    tests[1].source = tests[1].source.replace(', "A")', ', "A", why="A.", source="T42-05-FIG21")')
    tests[2].source = tests[2].source.replace(
        ', "A")', ', "A", why="Quadrant IV is high severity on both sides, as Figure 2-1 shows.", source="NOPE")')
    problems = explanation_problems(nb)
    assert [p.split(":")[0] for p in problems] == ["q1_x", "q2_x", "q3_x"], problems
    assert "NOPE" in problems[2]


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_explanations_live_only_in_hidden_tests_and_never_reach_release(path):
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    from tests.course_notebooks import release_notebook_for

    nb = read(path)
    whys = [question.why for question in marking_checks(nb)]
    assert whys and all(whys), "every marking check needs an explanation"
    outside = "\n".join(HIDDEN_TESTS.sub("", c.source) for c in nb.cells)
    fresh = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
    fresh, _ = ClearSolutions().preprocess(fresh, {})
    fresh, _ = ClearHiddenTests().preprocess(fresh, {})
    released = nbformat.writes(fresh)
    committed = release_notebook_for(path).read_text(encoding="utf-8")
    for why in whys:
        fragment = why[:60]
        assert fragment not in outside, f"explanation outside the hidden tests: {fragment!r}"
        assert fragment not in released, f"nbgrader's release step keeps: {fragment!r}"
        assert fragment not in committed, f"release/ shows: {fragment!r}"


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_safety_critical_objectives_are_listed_and_exist(path):
    curriculum = read(path).metadata["curriculum"]
    assert isinstance(curriculum.get("safety_critical"), list), "curriculum.safety_critical is missing"
    assert set(curriculum["safety_critical"]) <= set(curriculum["objectives"])


def test_every_safety_objective_of_the_course_is_marked_safety_critical():
    """An objective about acting on risk (suicide, withdrawal, overdose) is flagged wherever it is taught."""
    risk = re.compile(r"suicid|withdrawal|overdose|988|911|safe next step", re.I)
    for path in SOURCES:
        curriculum = read(path).metadata["curriculum"]
        about_risk = {key for key, text in curriculum["objectives"].items() if risk.search(text)}
        assert about_risk <= set(curriculum.get("safety_critical", [])), path.parent.name
    assert any(read(p).metadata["curriculum"].get("safety_critical") for p in SOURCES)


# ---- under grading the marking check reports the answer, right or not, the explanation and its source ----

def _graded_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if is_test_cell(c)}


@pytest.fixture(scope="module")
def graded_run():
    """Module 1's own test cells for a letter, several letters and a number, each run once with the right
    answer and once with a wrong one, in a real kernel with NBGRADER_EXECUTION set as nbgrader's autograder
    sets it."""
    import os

    from nbclient import NotebookClient

    source = SOURCES[0]
    tests = _graded_cells(read(source))
    runs = [("q1_definition", "q1_answer", "A", "B"), ("q4_conditions", "q4_answer", ["C", "A", "B"], ["A", "D"]),
            ("q10_neither", "q10_answer", 52.5, 38.4)]
    cells, expected = [], []
    for grade_id, variable, right, wrong in runs:
        for value, is_right in ((right, True), (wrong, False)):
            cells += [nbformat.v4.new_code_cell(f"{variable} = {value!r}"),
                      nbformat.v4.new_code_cell(tests[grade_id].source)]
            expected.append((grade_id, value, is_right))
    cells.append(nbformat.v4.new_code_cell('expect("q1_answer", None, "A", why=' + repr("x" * 45)
                                           + ', source="A1")'))
    nb = nbformat.v4.new_notebook(cells=cells)
    before = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(source.parent)}}).execute()
    finally:
        if before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = before
    return tests, nb.cells[1:-1:2], expected, nb.cells[-1]


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_under_grading_each_marking_check_displays_one_answer_record(graded_run):
    tests, test_cells, expected, _ = graded_run
    for cell, (grade_id, value, is_right) in zip(test_cells, expected, strict=True):
        records = [o for o in cell.outputs if checks.ANSWER_MIME in o.get("data", {})]
        assert len(records) == 1, (grade_id, cell.outputs)
        record = records[0]["data"][checks.ANSWER_MIME]
        marking = marking_checks(nbformat.v4.new_notebook(cells=[tests[grade_id]]))[0]
        why, source = marking.why, marking.source
        assert set(record) == {"question", "answer", "right", "why", "source"}
        assert record["question"] == int(grade_id[1:].split("_")[0])
        assert record["answer"] == (", ".join(value) if isinstance(value, list) else f"{value:g}"
                                    if isinstance(value, float) else value)
        assert record["right"] is is_right
        assert record["why"] == why
        assert record["source"] == "Source: " + source_line(checks.source_keys(source))
        plain = records[0]["data"]["text/plain"]
        assert plain.startswith(("\u2713" if is_right else "\u2717") + f" Question {record['question']}: ")
        assert why in plain and record["source"] in plain


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_under_grading_a_wrong_answer_still_fails_its_cell_without_promising_what_it_cannot(graded_run):
    _, test_cells, expected, _ = graded_run
    for cell, (grade_id, _, is_right) in zip(test_cells, expected, strict=True):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert len(errors) == (0 if is_right else 1), (grade_id, cell.outputs)
        if errors:
            assert errors[0].ename == "AnswerProblem"
            assert "trainer's feedback explains" not in errors[0].evalue


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_under_grading_the_format_check_prints_no_recorded_line(graded_run):
    _, test_cells, expected, _ = graded_run
    for cell, (grade_id, _, _) in zip(test_cells, expected, strict=True):
        shown = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert "recorded" not in shown, (grade_id, shown)


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_under_grading_no_answer_is_recorded_as_null(graded_run):
    *_, unanswered = graded_run
    record = next(o for o in unanswered.outputs if checks.ANSWER_MIME in o.get("data", {}))["data"]
    assert record[checks.ANSWER_MIME]["answer"] is None and record[checks.ANSWER_MIME]["right"] is False


def test_the_learners_own_run_still_shows_the_recorded_answer_and_no_answer_record(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    checks.check_choice("q3_answer", "b", ["A", "B", "C", "D"])
    checks.check_choices("q4_answer", ["c", "A"], ["A", "B", "C", "D"])
    checks.check_number("q10_answer", 52.5, 0, 100)
    checks.expect("q3_answer", "b", "B", why="x" * 45, source="A1")
    assert capsys.readouterr().out.splitlines() == [
        "\u2713 Question 3: answer recorded (B).", "\u2713 Question 4: answers recorded (A, C).",
        "\u2713 Question 10: answer recorded (52.5)."]


def test_an_unknown_source_fails_when_a_module_is_written_but_never_a_learners_grading():
    with pytest.raises(KeyError, match="NOT-A-KEY"):
        checks.source_text("T42-05-FIG21 NOT-A-KEY")
    record = checks.answer_record("q2_answer", "B", True, "An explanation of at least a few words.", "NOT-A-KEY")
    assert record == {"question": 2, "answer": "B", "right": True, "why": "An explanation of at least a few words.",
                      "source": ""}
