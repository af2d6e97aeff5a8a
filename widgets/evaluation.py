"""The learner's evaluation of a module: a short form at the end of every module, never graded.

What is asked: for each of the module's own learning objectives, whether the module met it; how relevant
the module is to the learner's practice; how clear it was; how long it actually took; and a free comment.
The answers are saved as a plain file, evaluation.json, in the module's folder (the learner's working
folder), so nbgrader's Submit carries it with the submission and the trainer finds it in
submitted/<learner>/<module>/evaluation.json.

This module is the model: the questions, and reading, checking and writing the file. The form is
widgets/evaluation_view.py; the cohort report counts the answers per module (widgets/trainer/report.py).
The file is written only when the learner presses Save: running the cell (as grading does) never writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

EVALUATION_FILE = "evaluation.json"
SCHEMA_VERSION = 1
COMMENT_LIMIT = 2000

OBJECTIVE_MET = ("Yes", "Partly", "No")
RELEVANCE = ("Very relevant", "Somewhat relevant", "A little relevant", "Not relevant")
CLARITY = ("Very clear", "Mostly clear", "Sometimes unclear", "Often unclear")
TIME_SPENT = ("Under 30 minutes", "30 to 45 minutes", "45 to 60 minutes", "60 to 90 minutes", "Over 90 minutes")

# The questions after the objectives: (field, question as the learner reads it, answers in order).
SCALES = (
    ("relevance", "How relevant is this module to your work with clients?", RELEVANCE),
    ("clarity", "How clear were the explanations, cases and tools?", CLARITY),
    ("time_spent", "About how long did this module take you?", TIME_SPENT),
)

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema_version", "module", "saved_at", "objectives"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "module": {"type": "string"},
        "saved_at": {"type": "string"},
        "objectives": {"type": "object", "additionalProperties": {"enum": [*OBJECTIVE_MET, None]}},
        "relevance": {"enum": [*RELEVANCE, None]},
        "clarity": {"enum": [*CLARITY, None]},
        "time_spent": {"enum": [*TIME_SPENT, None]},
        "comment": {"type": "string", "maxLength": COMMENT_LIMIT},
    },
}


class EvaluationError(ValueError):
    """An evaluation file that cannot be read; the message says which file and what is wrong."""


@dataclass
class Evaluation:
    module: str
    objectives: dict[str, str | None] = field(default_factory=dict)  # objective key -> one of OBJECTIVE_MET
    relevance: str | None = None
    clarity: str | None = None
    time_spent: str | None = None
    comment: str = ""
    saved_at: str = ""

    @property
    def empty(self) -> bool:
        return (not any(self.objectives.values()) and not self.relevance and not self.clarity
                and not self.time_spent and not self.comment.strip())

    def to_json(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, "module": self.module, "saved_at": self.saved_at,
                "objectives": dict(self.objectives), "relevance": self.relevance, "clarity": self.clarity,
                "time_spent": self.time_spent, "comment": self.comment}


def check(data, path: Path) -> Evaluation:
    """An Evaluation from a file's data, or an EvaluationError naming the file and the field."""
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errors:
        where = "/".join(map(str, errors[0].absolute_path))
        raise EvaluationError(f"{path.name}: {where + ': ' if where else ''}{errors[0].message}")
    return Evaluation(module=data["module"], objectives=dict(data["objectives"]), relevance=data.get("relevance"),
                      clarity=data.get("clarity"), time_spent=data.get("time_spent"),
                      comment=data.get("comment") or "", saved_at=data["saved_at"])


def read_evaluation(folder: str | Path) -> Evaluation | None:
    """The evaluation saved in a module folder; None when there is none; EvaluationError when it is damaged."""
    path = Path(folder) / EVALUATION_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise EvaluationError(f"{path.name}: not a readable evaluation ({problem})") from None
    return check(data, path)


def save_evaluation(folder: str | Path, evaluation: Evaluation, now: dt.datetime | None = None) -> Path:
    """Write evaluation.json in the folder (whole or not at all: a new file renamed into place)."""
    if len(evaluation.comment) > COMMENT_LIMIT:
        raise EvaluationError(f"The comment is {len(evaluation.comment)} characters long; please keep it to "
                              f"{COMMENT_LIMIT}.")
    evaluation.saved_at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    folder = Path(folder)
    target = folder / EVALUATION_FILE
    handle, temporary = tempfile.mkstemp(prefix=".evaluation-", suffix=".json", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(evaluation.to_json(), out, indent=2, ensure_ascii=False)
    os.replace(temporary, target)
    return target


def counts(evaluations: list[Evaluation], objectives: dict[str, str]) -> list[dict]:
    """Per question, how many learners gave each answer (every answer listed, zeros included), in form order:
    [{"question": ..., "answers": [(answer, count), ...], "no_answer": n}]."""
    rows = []
    for key, text in objectives.items():
        given = [e.objectives.get(key) for e in evaluations]
        rows.append({"field": f"objective {key}", "question": f"Objective {key} met? {text}",
                     "answers": [(a, given.count(a)) for a in OBJECTIVE_MET],
                     "no_answer": sum(1 for g in given if g not in OBJECTIVE_MET)})
    for name, question, answers in SCALES:
        given = [getattr(e, name) for e in evaluations]
        rows.append({"field": name, "question": question, "answers": [(a, given.count(a)) for a in answers],
                     "no_answer": sum(1 for g in given if g not in answers)})
    return rows
