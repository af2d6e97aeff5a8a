"""The stage-matching exercise: sort what a client says by stage of change and pair it with an approach.

Content lives in widgets/content/stage_matching/<module>.yaml: the stages and approaches the learner chooses
from, and client statements, each with its stage, the approach that fits it, why (shown when both choices are
right), a hint (shown when one is not, without giving the answer away) and source keys. This module is the
pure model: loading and checking the file (an error names the file and the statement), and checking a
learner's sort. The widget is in widgets/stage_matching_view.py.

    from widgets.stage_matching import load
    exercise = load("05-integrated-treatment-in-iop")
    exercise.check("not-my-problem", stage="precontemplation", approach="build-trust").correct
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from widgets import CONTENT
from widgets.sources import source_line, unknown_keys
from widgets.yaml_loading import read_content_file, schema_problem

SCHEMA_VERSION = 1
STAGE_MATCHING_DIR = CONTENT / "stage_matching"

_KEYS = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string"},
         "description": "Source keys from the clinical reference's Sources table."}
_LABELS = {"type": "object", "minProperties": 2,
           "propertyNames": {"pattern": "^[a-z0-9][a-z0-9-]*$"},
           "additionalProperties": {"type": "string", "minLength": 1}}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Stage-matching exercise for one module",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "module", "title", "stages", "approaches", "statements"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION, "description": "Version of this format."},
        "module": {"type": "string", "description": "The module folder; must equal the file name."},
        "title": {"type": "string", "minLength": 1, "description": "Heading shown above the exercise."},
        "stages": {**_LABELS, "description": "Stage id -> label, in the order the learner sees them."},
        "approaches": {**_LABELS, "description": "Approach id -> label, in the order the learner sees them."},
        "statements": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "statement", "stage", "approach", "why", "hint", "sources"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$",
                           "description": "Unique within the file; used in error messages."},
                    "statement": {"type": "string", "minLength": 10, "description": "What the client says."},
                    "stage": {"type": "string", "description": "Id of the stage this statement shows."},
                    "approach": {"type": "string", "description": "Id of the approach that fits it."},
                    "why": {"type": "string", "minLength": 20,
                            "description": "Shown when stage and approach are both right: why they fit."},
                    "hint": {"type": "string", "minLength": 20,
                             "description": "Shown when either is wrong: what to listen for, without the answer."},
                    "sources": _KEYS,
                },
            },
        },
    },
}


class StageMatchingError(ValueError):
    """A stage-matching file that breaks the format; the message names the file and the statement."""


@dataclass(frozen=True)
class Verdict:
    stage_right: bool
    approach_right: bool
    feedback: str
    sources: tuple[str, ...]

    @property
    def correct(self) -> bool:
        return self.stage_right and self.approach_right

    def citation_text(self) -> str:
        return source_line(self.sources)


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    stage: str
    approach: str
    why: str
    hint: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    module: str
    title: str
    stages: dict[str, str]
    approaches: dict[str, str]
    statements: tuple[Statement, ...]

    def statement(self, statement_id: str) -> Statement:
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(f"no statement {statement_id!r}; the statements are "
                       f"{', '.join(s.id for s in self.statements)}")

    def check(self, statement_id: str, stage: str | None, approach: str | None) -> Verdict:
        """The verdict on sorting `statement_id` into `stage` and pairing it with `approach` (ids)."""
        statement = self.statement(statement_id)
        for value, known, kind in ((stage, self.stages, "stage"), (approach, self.approaches, "approach")):
            if value is not None and value not in known:
                raise ValueError(f"statement {statement_id!r}: {value!r} is not a {kind}; "
                                 f"choose one of {', '.join(known)}")
        stage_right, approach_right = stage == statement.stage, approach == statement.approach
        if stage_right and approach_right:
            text = f"Stage and approach both fit. {statement.why}"
        else:
            parts = [_part("stage", stage, self.stages, stage_right),
                     _part("approach", approach, self.approaches, approach_right)]
            text = f"{' '.join(parts)} {statement.hint}"
        return Verdict(stage_right, approach_right, text, statement.sources)


def _part(kind: str, value: str | None, labels: dict[str, str], right: bool) -> str:
    if value is None:
        return f"Choose {'an' if kind[0] in 'aeiou' else 'a'} {kind} too."
    if right:
        return f"The {kind} is right ({labels[value]})."
    return f"The {kind} \"{labels[value]}\" does not fit this statement."


def parse(data, path: Path) -> Exercise:
    """Validate parsed YAML from `path` and build the exercise. Errors name the file and the statement."""
    path = Path(path)
    if not isinstance(data, dict):
        raise StageMatchingError(f"{path.name}: expected a mapping with schema_version, module, title, stages, "
                                 "approaches and statements")
    problem = schema_problem(data, SCHEMA, path, items="statements", label="id", noun="statement")
    if problem:
        raise StageMatchingError(problem)
    if data["module"] != path.stem:
        raise StageMatchingError(f"{path.name}: module is {data['module']!r} but the file is named {path.stem!r}; "
                                 "name the file after its module")
    seen: set[str] = set()
    statements = []
    for raw in data["statements"]:
        where = f"{path.name}, statement {raw['id']!r}"
        if raw["id"] in seen:
            raise StageMatchingError(f"{where}: the id is used twice in this file")
        seen.add(raw["id"])
        if raw["stage"] not in data["stages"]:
            raise StageMatchingError(f"{where}: stage {raw['stage']!r} is not one of the stages "
                                     f"({', '.join(data['stages'])})")
        if raw["approach"] not in data["approaches"]:
            raise StageMatchingError(f"{where}: approach {raw['approach']!r} is not one of the approaches "
                                     f"({', '.join(data['approaches'])})")
        problem = unknown_keys(raw["sources"])
        if problem:
            raise StageMatchingError(f"{where}: {problem}")
        statements.append(Statement(raw["id"], raw["statement"].strip(), raw["stage"], raw["approach"],
                                    raw["why"].strip(), raw["hint"].strip(), tuple(raw["sources"])))
    return Exercise(data["module"], data["title"], dict(data["stages"]), dict(data["approaches"]),
                    tuple(statements))


def load_file(path: str | Path) -> Exercise:
    path = Path(str(path))
    data = read_content_file(path, StageMatchingError)
    return parse(data, path)


def stage_matching_files() -> list[Path]:
    return sorted(Path(str(STAGE_MATCHING_DIR)).glob("*.yaml"))


def load(module: str) -> Exercise:
    """The exercise in widgets/content/stage_matching/<module>.yaml."""
    path = Path(str(STAGE_MATCHING_DIR)) / f"{module}.yaml"
    if not path.exists():
        raise StageMatchingError(f"no stage-matching file for module {module!r} (looked for {path.name})")
    return load_file(path)


def stage_matching(module: str):
    """Show the module's stage-matching exercise: put this call on the last line of a code cell."""
    from widgets.stage_matching_view import StageMatchingView

    return StageMatchingView(load(module))
