"""What a learner's feedback may show, and when it goes out.

Feedback shows the learner's own answers, whether each is right and why, the points and the trainer's
comments (the page itself: feedback_page.py and templates/feedback/): never the answer key. At autograde nbgrader puts every locked cell back as the gradebook holds it,
hidden tests and mark scheme included, and its feedback shows the graded notebook as it is (nbgrader issue
#917). `HideAnswerKey` runs inside nbgrader's own feedback step (nbgrader_config.py lists it in
`GenerateFeedback.preprocessors`), so `nbgrader generate_feedback`, the Formgrader's button and
`python -m widgets.trainer` all write feedback without the key. `key_leaks` reads the written pages
against source/ and finds anything of the key still in them; the trainer's commands check before they
release.

Feedback is released when the trainer says so, or once the module's due date has passed: never learner
by learner while the rest of the cohort is still working (the first to get it could pass the key on).
"""

from __future__ import annotations

import ast
import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions
from traitlets import Bool

WITHHELD = "(Not shown in feedback: this output quoted the marking code.)\n"
# A line of the key shorter than this is too common to look for in outputs ("1.", "here.").
SHORTEST_QUOTE = 12
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Text without terminal colours, with single spaces."""
    return SPACE.sub(" ", ANSI.sub("", text)).strip()


def plain(text: str, tag: str = " ") -> str:
    """HTML as a reader sees it: no tags or entities, single spaces.

    Tags become `tag`: a space keeps apart words in neighbouring blocks, nothing keeps together code that
    a highlighter split into pieces (`<span>expect</span><span>(</span>`).
    """
    return squeeze(html.unescape(TAG.sub(tag, text)))


def readings(text: str) -> str:
    """Every way of reading text that may or may not be HTML, one after the other, to search them all."""
    return "\n".join((squeeze(text), plain(text), plain(text, tag="")))


def delimiters(config=None) -> list[tuple[str, str]]:
    """The begin and end markers of hidden tests, mark schemes and solutions, as the course configures them
    (nbgrader's defaults unless its Clear* preprocessors are given others)."""
    def setting(cls, name: str) -> str:
        section = config.get(cls.__name__, {}) if config is not None else {}
        return section.get(name, cls.class_traits()[name].default_value)

    return [(setting(ClearHiddenTests, "begin_test_delimeter"), setting(ClearHiddenTests, "end_test_delimeter")),
            (setting(ClearMarkScheme, "begin_mark_scheme_delimeter"),
             setting(ClearMarkScheme, "end_mark_scheme_delimeter")),
            (setting(ClearSolutions, "begin_solution_delimeter"),
             setting(ClearSolutions, "end_solution_delimeter"))]


def split_regions(source: str, markers: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """The source without its marked regions, and the lines removed (markers included).

    Unlike nbgrader's own Clear* preprocessors this never stops: a region with no end runs to the end of
    the cell, nested regions are removed whole, and the cell's nbgrader metadata does not matter (a
    learner may have changed it). Feedback for a tampered notebook is still written, without the key.
    """
    kept: list[str] = []
    removed: list[str] = []
    region: tuple[str, str] | None = None
    depth = 0
    for line in source.split("\n"):
        if region is None:
            opened = next((pair for pair in markers if pair[0] in line), None)
            if opened:
                region, depth = opened, 1
                removed.append(line)
            elif any(end in line for _, end in markers):
                removed.append(line)  # an end marker without its beginning
            else:
                kept.append(line)
            continue
        removed.append(line)
        if region[0] in line:
            depth += 1
        elif region[1] in line:
            depth -= 1
            if depth == 0:
                region = None
    return "\n".join(kept), removed


def explanations(removed: list[str]) -> list[str]:
    """The explanations (`why="..."` of the marking check) in a cell's hidden tests, as plain text.

    The feedback page shows each one on purpose, once the module has closed; a line of a mark scheme that
    only repeats an explanation gives nothing more away.
    """
    code = "\n".join(line for line in removed if not line.lstrip().startswith("###"))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [squeeze(keyword.value.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
            for keyword in node.keywords
            if keyword.arg == "why" and isinstance(keyword.value, ast.Constant)
            and isinstance(keyword.value.value, str)]


def _explained(line: str, explained: list[str]) -> bool:
    return any(line in why for why in explained)


def output_text(output) -> str:
    """Everything an output would show, as plain text."""
    parts = [output.get("text", ""), output.get("ename", ""), output.get("evalue", "")]
    parts.extend(output.get("traceback", []))
    for value in output.get("data", {}).values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(v for v in value if isinstance(v, str))
    return readings("\n".join(p if isinstance(p, str) else "".join(p) for p in parts))


class HideAnswerKey(Preprocessor):
    """Remove hidden tests, mark schemes and solutions from feedback, and any output that quotes them.

    Every cell loses its marked regions whatever its metadata says; the rest of it (the learner's own
    answer, the visible check line and its result, the question's wording) stays. An output that quotes
    a removed line (a traceback showing the hidden test, say) is replaced by one sentence; an error keeps
    its one-line message when that quotes nothing.
    """

    enabled = Bool(True, help="Leave on: without it feedback shows hidden tests and mark schemes.").tag(
        config=True)

    def preprocess(self, nb, resources):
        markers = delimiters(self.config)
        quotes = {squeeze(marker) for pair in markers for marker in pair}
        explained: list[str] = []
        for cell in nb.cells:
            cell.source, removed = split_regions(cell.source, markers)
            quotes.update(q for q in map(squeeze, removed) if len(q) >= SHORTEST_QUOTE)
            explained += explanations(removed)
        quotes = {q for q in quotes if not _explained(q, explained)}
        for cell in nb.cells:
            if cell.get("attachments"):
                cell.attachments = {name: data for name, data in cell.attachments.items()
                                    if name in cell.source}
                if not cell.attachments:
                    del cell["attachments"]
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [self._shown(output, quotes) for output in cell.outputs]
        nb.metadata.pop("celltoolbar", None)
        return nb, resources

    @staticmethod
    def _shown(output, quotes: set[str]):
        if not any(q in output_text(output) for q in quotes):
            return output
        if output.output_type == "error":
            summary = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
            if not any(q in readings(summary) for q in quotes):
                output.traceback = [summary]
                return output
        return nbformat.v4.new_output("stream", name="stdout", text=WITHHELD)


# -- Finding the key in written feedback -----------------------------------------------------------------

MARKDOWN_MARKS = re.compile(r"\*\*|\*|`|^\s*(?:[-+]|\d+[.)])\s+")
MARK_SCHEME_FRAGMENT = 20  # characters: long enough to be the scheme's own words, not a common phrase


@dataclass
class AnswerKey:
    """What of a module's instructor notebooks must never reach a learner, as plain text."""

    markers: set[str] = field(default_factory=set)
    hidden_tests: set[str] = field(default_factory=set)
    mark_schemes: set[str] = field(default_factory=set)
    solutions: set[str] = field(default_factory=set)


def answer_key_text(source_notebooks: list[Path], markers: list[tuple[str, str]] | None = None) -> AnswerKey:
    """The hidden tests, mark schemes and solution lines of instructor notebooks, as they would read."""
    markers = markers or delimiters()
    key = AnswerKey(markers={m for pair in markers for m in pair})
    tests, scheme, solution = markers
    explained: list[str] = []
    for path in source_notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            explained += explanations(split_regions(cell.source, [tests])[1])
            for pair, found in ((tests, key.hidden_tests), (solution, key.solutions)):
                _, removed = split_regions(cell.source, [pair])
                # A call written over several lines (`expect("q3_answer", q3_answer, "D",` then `why=...`)
                # is found without its trailing comma or bracket, so the same call on one line is found too.
                found.update(squeeze(line).rstrip(",([{ ") for line in removed
                             if squeeze(line).rstrip(",([{ ") and not _is_marker(line, pair))
            _, removed = split_regions(cell.source, [scheme])
            for line in removed:
                text = squeeze(MARKDOWN_MARKS.sub("", line))
                if len(text) >= MARK_SCHEME_FRAGMENT and not _is_marker(line, scheme):
                    key.mark_schemes.add(text)
    key.mark_schemes = {line for line in key.mark_schemes if not _explained(line, explained)}
    return key


def without_public_text(key: AnswerKey, public_notebooks: list[Path]) -> AnswerKey:
    """The key less any line learners are shown anyway (a rubric that repeats the question's wording)."""
    public = "\n".join(squeeze(cell.source) for path in public_notebooks
                       for cell in nbformat.read(path, as_version=4).cells)
    return AnswerKey(markers=key.markers, hidden_tests={t for t in key.hidden_tests if t not in public},
                     mark_schemes={s for s in key.mark_schemes if s not in public},
                     solutions={s for s in key.solutions if s not in public})


def _is_marker(line: str, pair: tuple[str, str]) -> bool:
    return pair[0] in line or pair[1] in line


def leaks(page: str, key: AnswerKey, own_answers: str = "") -> list[str]:
    """What of the key a feedback page (HTML) shows. A solution or rubric line the learner typed is their own."""
    text = readings(page)
    own = squeeze(own_answers)
    found = [f"marker {m!r}" for m in sorted(key.markers) if m in text]
    found += [f"hidden test {t!r}" for t in sorted(key.hidden_tests) if t in text]
    # A learner who writes what the rubric asks for (988 and 911, say) quotes no key: their words are theirs.
    found += [f"mark scheme {s[:60]!r}" for s in sorted(key.mark_schemes) if s in text and s not in own]
    for line in sorted(key.solutions):
        if _contains_line(text, line) and not _contains_line(own, line):
            found.append(f"solution {line!r}")
    return found


def _contains_line(text: str, line: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(line)}(?![\w.])", text) is not None


def own_answers(notebook: Path) -> str:
    """The text of a submitted notebook's answer cells (the learner's own work), or '' if unreadable."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # a damaged submission has no answers to show
        return ""
    return "\n".join(cell.source for cell in nb.cells
                     if cell.metadata.get("nbgrader", {}).get("solution"))


def key_leaks(course, module: str) -> dict[Path, list[str]]:
    """Every feedback page of a module in the course's feedback/ folder that shows part of the key."""
    key = answer_key_text(sorted((course.root / "source" / module).glob("*.ipynb")),
                          delimiters(config=course.config))
    key = without_public_text(key, sorted((course.root / "release" / module).glob("*.ipynb")))
    found = {}
    for page in sorted((course.root / "feedback").glob(f"*/{module}/*.html")):
        learner = page.parent.parent.name
        submitted = course.root / "submitted" / learner / module / f"{page.stem}.ipynb"
        problems = leaks(page.read_text(encoding="utf-8"), key, own_answers(submitted))
        if problems:
            found[page] = problems
    return found


# -- When feedback goes out --------------------------------------------------------------------------------


@dataclass
class ReleaseDecision:
    release: bool
    reason: str


def release_decision(due: dt.datetime | None, *, now: dt.datetime | None = None,
                     asked: bool | None = None) -> ReleaseDecision:
    """Whether a module's feedback goes out now.

    `asked` is the trainer's word: True releases, False holds; None leaves it to the due date (nbgrader's,
    in UTC): released once it has passed, held before it or when the module has none.
    """
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if due is not None and due.tzinfo is not None:
        due = due.astimezone(dt.UTC).replace(tzinfo=None)
    if asked is True:
        return ReleaseDecision(True, "you asked to release it now")
    if asked is False:
        return ReleaseDecision(False, "you asked to hold it")
    if due is None:
        return ReleaseDecision(False, "the module has no due date")
    if due <= now:
        return ReleaseDecision(True, f"its due date, {due:%Y-%m-%d %H:%M} UTC, has passed")
    return ReleaseDecision(False, f"its due date, {due:%Y-%m-%d %H:%M} UTC, has not passed yet")


def not_released_sentence(module: str, decision: ReleaseDecision) -> str:
    """What the trainer reads when a module's feedback is held: written, not out, and how to send it."""
    later = (" (or the first `grade` or `feedback` after the due date does it)"
             if "has not passed" in decision.reason else "")
    return (f"{module}: feedback is written in feedback/ for you to review, but not released yet "
            f"({decision.reason}): learners cannot see it. When everyone has submitted, release it with "
            f"`python -m widgets.trainer feedback --release --module {module}`{later}.")
