"""Ungraded practice checks: multiple-choice items with immediate feedback that explains why.

Content lives in widgets/content/practice/<module>.yaml, one file per module or notebook, holding named
sets of items. Every option carries its own feedback, so a learner who picks a wrong answer learns why it
is wrong, not just that it is. The model (loading, validation, grading) has no ipywidgets import; the view
at the bottom of this file builds the controls only when a notebook asks for them.

Options are held, and shown, in a shuffled order seeded by the module and the item id: the correct option's
position carries no hint, and a learner who comes back sees the same order. An item marked keep_order (options
that form a scale) keeps the order written.

In a notebook:

    from widgets.practice import practice
    practice("01-co-occurring-disorders", "principles")
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import jsonschema

from widgets import CONTENT
from widgets.choice_controls import ChoiceGroup
from widgets.sources import source_line, unknown_keys
from widgets.vignette.model import stable_order
from widgets.yaml_loading import read_content_file

SCHEMA_VERSION = 1
PRACTICE_DIR = CONTENT / "practice"

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Practice checks for one module",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "module", "sets"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION, "description": "Version of this format."},
        "module": {"type": "string", "description": "The module folder; must equal the file name."},
        "sets": {
            "type": "object",
            "minProperties": 1,
            "description": "Named groups of items; a notebook shows one set at a time.",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "items"],
                "properties": {
                    "title": {"type": "string", "minLength": 1, "description": "Heading shown above the set."},
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["id", "prompt", "options", "sources"],
                            "properties": {
                                "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$",
                                       "description": "Unique within the file; used in error messages."},
                                "prompt": {"type": "string", "minLength": 1, "description": "The question."},
                                "options": {
                                    "type": "array",
                                    "minItems": 2,
                                    "maxItems": 5,
                                    "description": "The choices; exactly one is correct.",
                                    "items": {
                                        "type": "object",
                                        "additionalProperties": False,
                                        "required": ["text", "feedback"],
                                        "properties": {
                                            "text": {"type": "string", "minLength": 1},
                                            "correct": {"type": "boolean", "default": False},
                                            "feedback": {"type": "string", "minLength": 20,
                                                         "description": "Why this option is right or wrong."},
                                        },
                                    },
                                },
                                "sources": {"type": "array", "items": {"type": "string"},
                                            "description": "Source keys from the clinical reference; "
                                                           "an empty list only for items with no clinical "
                                                           "content (how to run a cell)."},
                                "keep_order": {"type": "boolean", "default": False,
                                               "description": "Show the options in the order written, for "
                                                              "options that form a scale. Otherwise they are "
                                                              "shown in a shuffled order that is the same on "
                                                              "every visit."},
                            },
                        },
                    },
                },
            },
        },
    },
}


class PracticeError(ValueError):
    """A practice file that breaks the format; the message names the file and the item."""


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Result:
    correct: bool
    feedback: str
    sources: tuple[str, ...]

    def citation_text(self) -> str:
        return source_line(self.sources)


@dataclass(frozen=True)
class Item:
    id: str
    prompt: str
    options: tuple[Option, ...]
    sources: tuple[str, ...]

    @property
    def answer(self) -> int:
        return next(i for i, option in enumerate(self.options) if option.correct)

    def grade(self, choice: int) -> Result:
        """The result of picking option number `choice` (0-based)."""
        if not isinstance(choice, int) or isinstance(choice, bool) or not 0 <= choice < len(self.options):
            raise ValueError(f"item {self.id!r}: choice must be an option number from 0 to "
                             f"{len(self.options) - 1}, not {choice!r}")
        option = self.options[choice]
        return Result(correct=option.correct, feedback=option.feedback, sources=self.sources)


@dataclass(frozen=True)
class PracticeSet:
    module: str
    name: str
    title: str
    items: tuple[Item, ...]


def _where(path: Path, data, location) -> str:
    """'file.yaml, set "x", item "y"' for an error at `location` (a path into the parsed YAML)."""
    parts = [path.name]
    location = list(location)
    if len(location) >= 2 and location[0] == "sets":
        parts.append(f"set {location[1]!r}")
        if len(location) >= 4 and location[2] == "items":
            index = location[3]
            try:
                item_id = data["sets"][location[1]]["items"][index].get("id")
            except (KeyError, IndexError, TypeError, AttributeError):
                item_id = None
            parts.append(f"item {item_id!r}" if isinstance(item_id, str) else f"item number {index + 1}")
    return ", ".join(parts)


def parse(data, path: Path) -> dict[str, PracticeSet]:
    """Validate parsed YAML from `path` and build its sets. Errors name the file, set and item."""
    path = Path(path)
    if not isinstance(data, dict):
        raise PracticeError(f"{path.name}: expected a mapping with schema_version, module and sets")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(part) for part in e.absolute_path])
    if errors:
        first = errors[0]
        raise PracticeError(f"{_where(path, data, first.absolute_path)}: {first.message}")
    if data["module"] != path.stem:
        raise PracticeError(f"{path.name}: module is {data['module']!r} but the file is named {path.stem!r}; "
                            "name the file after its module")
    seen: set[str] = set()
    sets: dict[str, PracticeSet] = {}
    for set_name, body in data["sets"].items():
        items = []
        for raw in body["items"]:
            where = f"{path.name}, set {set_name!r}, item {raw['id']!r}"
            if raw["id"] in seen:
                raise PracticeError(f"{where}: the id is used twice in this file")
            seen.add(raw["id"])
            written = [Option(o["text"], bool(o.get("correct", False)), o["feedback"]) for o in raw["options"]]
            order = (range(len(written)) if raw.get("keep_order")
                     else stable_order(f"{data['module']}/{raw['id']}", len(written)))
            options = tuple(written[i] for i in order)
            right = sum(o.correct for o in options)
            if right != 1:
                raise PracticeError(f"{where}: exactly one option must be correct, found {right}")
            if len({o.text for o in options}) != len(options):
                raise PracticeError(f"{where}: two options have the same text")
            problem = unknown_keys(raw["sources"])
            if problem:
                raise PracticeError(f"{where}: {problem}")
            items.append(Item(raw["id"], raw["prompt"], options, tuple(raw["sources"])))
        sets[set_name] = PracticeSet(data["module"], set_name, body["title"], tuple(items))
    return sets


def load_file(path: Path) -> dict[str, PracticeSet]:
    path = Path(path)
    data = read_content_file(path, PracticeError)
    return parse(data, path)


def practice_files() -> list[Path]:
    return sorted(Path(str(PRACTICE_DIR)).glob("*.yaml"))


def load(module: str, name: str) -> PracticeSet:
    """The practice set `name` from widgets/content/practice/<module>.yaml."""
    path = Path(str(PRACTICE_DIR)) / f"{module}.yaml"
    if not path.exists():
        raise PracticeError(f"no practice file for module {module!r} (looked for {path.name})")
    sets = load_file(path)
    if name not in sets:
        raise PracticeError(f"{path.name}: no set named {name!r}; the sets are {', '.join(sets)}")
    return sets[name]


# --- View: thin ipywidgets controls over the model --------------------------------------------------

NO_CHOICE = "Choose an answer first, then press Check."


def feedback_html(result: Result) -> str:
    verdict = "\u2713 Correct." if result.correct else "\u2717 Not quite."
    again = "" if result.correct else " Choose another answer and press Check, or press Try again."
    source = f"<br><small>Source: {html.escape(result.citation_text())}</small>" if result.sources else ""
    return f"<div role='status'><strong>{verdict}</strong> {html.escape(result.feedback)}{again}{source}</div>"


class ItemView:
    """One item: the prompt, a labelled radio group, Check and Try again buttons, and the feedback."""

    def __init__(self, item: Item, number: int):
        import ipywidgets as w

        self.item = item
        self.prompt = w.HTML(f"<p><strong>{number}.</strong> {html.escape(item.prompt)}</p>")
        # A native radio group: one Tab stop, the arrow keys move the answer, long options wrap beside their radio.
        self.choices = ChoiceGroup(
            options=[(option.text, i) for i, option in enumerate(item.options)],
            description=f"Answer {number}:",
            label_width="6em",
        )
        self.check_button = w.Button(description="Check", tooltip=f"Check your answer to item {number}",
                                     button_style="primary")
        self.retry_button = w.Button(description="Try again", tooltip=f"Clear item {number} and try again",
                                     layout=w.Layout(display="none"))
        self.feedback = w.HTML("")
        self.check_button.on_click(self._check)
        self.retry_button.on_click(self._retry)
        # Feedback always belongs to the answer on screen: a new pick clears the old verdict.
        self.choices.observe(self._clear_feedback, names="value")
        self.widget = w.VBox([self.prompt, self.choices, w.HBox([self.check_button, self.retry_button]),
                              self.feedback])

    def _check(self, _button=None) -> None:
        if self.choices.value is None:
            self.feedback.value = f"<div role='status'>{NO_CHOICE}</div>"
            return
        result = self.item.grade(self.choices.value)
        self.feedback.value = feedback_html(result)
        self.retry_button.layout.display = "none" if result.correct else None

    def _clear_feedback(self, _change=None) -> None:
        self.feedback.value = ""

    def _retry(self, _button=None) -> None:
        self.choices.value = None
        self.feedback.value = ""
        self.retry_button.layout.display = "none"
        # The pressed button disappears; the keyboard focus goes back to the answers instead of the page.
        self.choices.focus()


class PracticeView:
    """A practice set as a column of items. Displays itself when it is the last line of a cell."""

    def __init__(self, practice_set: PracticeSet):
        import ipywidgets as w

        self.practice_set = practice_set
        self.items = [ItemView(item, n) for n, item in enumerate(practice_set.items, start=1)]
        heading = w.HTML(f"<h3>Practice: {html.escape(practice_set.title)}</h3>"
                         "<p><em>Not graded. Pick an answer and press Check to see why it is or isn't "
                         "right.</em></p>")
        self.widget = w.VBox([heading, *(view.widget for view in self.items)])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def practice(module: str, name: str) -> PracticeView:
    """Show the practice set `name` of `module`: put this call on the last line of a code cell."""
    return PracticeView(load(module, name))
