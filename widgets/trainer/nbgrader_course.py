"""The course as the trainer tools see it: its folder, nbgrader configuration, modules and gradebook.

Everything here reads the course; nothing changes it. nbgrader is driven in-process through its own
API (nbgrader.apps.NbGraderAPI) with the course's nbgrader_config.py, exactly as the formgrader does.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import os
import re
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


def project_root() -> Path:
    """The project folder (the course every command uses unless told otherwise)."""
    return Path(__file__).resolve().parents[2]


def find_course_root(start: str | os.PathLike | None = None) -> Path | None:
    """The course folder holding `start` (default: the current folder): the nearest folder, from `start`
    upward, that holds nbgrader_config.py, as nbgrader itself looks for its config. None if there is none."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def ensure_tools_on_path() -> None:
    """nbgrader runs `alembic` as a subprocess when it creates a gradebook: keep this Python's bin/ on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


class CourseError(ValueError):
    """The folder is not a usable course; the message says what to do."""


@dataclass
class GradedItem:
    """One graded cell of a module: an autograded test cell or a manually graded task."""

    module: str
    notebook: str
    grade_id: str
    points: float
    objective: str | None
    manual: bool
    number: int | None = None  # the question's number in its module ("Question 3")
    question: str = ""  # the first words of the question's stem, as the learner reads them

    @property
    def label(self) -> str:
        """How the trainer sees the question: "Q3 · What is Andre's PHQ-9 total?" (the grade id if unknown)."""
        if self.number is None:
            return self.question or self.grade_id
        return f"Q{self.number} · {self.question}" if self.question else f"Q{self.number}"


@dataclass
class Module:
    """One module (nbgrader assignment) as written in source/: its metadata and graded cells."""

    id: str
    number: int | None
    title: str
    estimated_minutes: int
    objectives: dict[str, str]
    notebooks: list[Path]
    items: list[GradedItem] = field(default_factory=list)
    safety_critical: list[str] = field(default_factory=list)  # objective keys, from curriculum.safety_critical

    @property
    def max_points(self) -> float:
        return sum(item.points for item in self.items)


QUESTION_HEADING = re.compile(r"^\s*#+\s*Question\s+(\d+)\b[^\n]*\n?", re.I)
OPTION_LINE = re.compile(r"^\s*(?:[-*]\s*)?[A-H][.)]\s", re.M)
QUESTION_WORDS = 12
QUESTION_MIN_WORDS = 6  # a first sentence shorter than this ("Tanya is an adult.") says too little


def question_text(source: str) -> tuple[int | None, str]:
    """A question cell's number and the first words of its stem, in plain text.

    "### Question 3 · 1 point\n\nWhat is Andre's PHQ-9 **total**? Answer with a whole number." gives
    (3, "What is Andre's PHQ-9 total?"): the stem up to its first question mark, or its first sentence
    (if that is not too short to say anything) when short enough, otherwise its first
    QUESTION_WORDS words and an ellipsis. Options (lines starting "- A.") are left out.
    """
    match = QUESTION_HEADING.match(source)
    if not match:
        return None, ""
    stem = source[match.end():]
    option = OPTION_LINE.search(stem)
    stem = stem[: option.start()] if option else stem
    stem = re.sub(r"[*_`#>]", "", stem)
    stem = re.sub(r"\s+", " ", stem).strip()
    words = stem.split(" ")
    for end, word in enumerate(words[:QUESTION_WORDS + 2], start=1):
        if word.endswith("?") or (end >= QUESTION_MIN_WORDS and word.endswith(".")):
            return int(match.group(1)), " ".join(words[:end])
    if len(words) <= QUESTION_WORDS:
        return int(match.group(1)), stem
    return int(match.group(1)), " ".join(words[:QUESTION_WORDS]).rstrip(",;:") + "\u2026"


def read_module(module_dir: Path) -> Module:
    """Read a module's curriculum metadata and graded cells from its source notebooks.

    Each graded cell takes its question's number and first words from the nearest question cell above
    it (a markdown cell headed "Question N" that is not itself graded, so a written task's own
    "Question N · how your trainer marks it" cell does not count).
    """
    notebooks = sorted(p for p in module_dir.glob("*.ipynb") if not p.name.startswith("."))
    title, minutes, number, objectives = module_dir.name, 0, None, {}
    safety: list[str] = []
    items: list[GradedItem] = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("curriculum", {})
        title = meta.get("title", title)
        minutes = int(meta.get("estimated_minutes", minutes) or 0)
        number = meta.get("module", number)
        objectives.update(meta.get("objectives", {}))
        safety += [key for key in meta.get("safety_critical", []) if key not in safety]
        question: tuple[int | None, str] = (None, "")
        for cell in nb.cells:
            nbg = cell.metadata.get("nbgrader", {})
            graded = nbg.get("grade") or nbg.get("task")
            if cell.cell_type == "markdown" and not graded and QUESTION_HEADING.match(cell.source):
                question = question_text(cell.source)
            if not graded:
                continue
            items.append(GradedItem(
                module=module_dir.name, notebook=path.stem, grade_id=nbg.get("grade_id", ""),
                points=float(nbg.get("points", 0)),
                objective=cell.metadata.get("curriculum", {}).get("objective"),
                manual=bool(nbg.get("task")) or bool(nbg.get("solution")),
                number=question[0], question=question[1],
            ))
    return Module(id=module_dir.name, number=number, title=title, estimated_minutes=minutes,
                  objectives=dict(objectives), notebooks=notebooks, items=items, safety_critical=safety)


@dataclass
class Course:
    root: Path
    config: Config

    @classmethod
    def open(cls, root: str | os.PathLike | None = None) -> Course:
        root = Path(root or project_root()).resolve()
        if not (root / CONFIG_FILE).exists():
            raise CourseError(f"{root} is not a course folder: it has no {CONFIG_FILE}.")
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        # The course's paths are relative to its own config file; say so explicitly in case it does not.
        config.CourseDirectory.root = str(root)
        return cls(root=root, config=config)

    @classmethod
    def here(cls, start: str | os.PathLike | None = None) -> Course:
        """The course the current folder belongs to (see find_course_root), or a CourseError saying so."""
        root = find_course_root(start)
        if root is None:
            here = Path(start or Path.cwd()).resolve()
            raise CourseError(f"{here} is not inside a course folder (none of its folders holds {CONFIG_FILE}): "
                              "go to the course folder with cd, or name it with --course.")
        return cls.open(root)

    @property
    def course_id(self) -> str:
        return self.config.CourseDirectory.get("course_id", "cod-iop")

    @property
    def db_url(self) -> str:
        return self.config.CourseDirectory.get("db_url", "sqlite:///" + str(self.root / "gradebook.db"))

    @property
    def gradebook_path(self) -> Path:
        return Path(self.db_url.removeprefix("sqlite:///"))

    @property
    def exchange_root(self) -> Path:
        return Path(self.config.Exchange.get("root", self.root / ".exchange"))

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def config_copy(self) -> Config:
        return Config(copy.deepcopy(dict(self.config)))

    def module_ids(self) -> list[str]:
        """Modules written in source/ (folders holding a notebook), in course order."""
        source = self.root / "source"
        if not source.is_dir():
            return []
        return sorted(p.name for p in source.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))

    def modules(self) -> dict[str, Module]:
        return {m: read_module(self.root / "source" / m) for m in self.module_ids()}

    def api(self):
        """nbgrader's own high-level API, configured for this course."""
        ensure_tools_on_path()
        from nbgrader.apps.api import NbGraderAPI

        config = self.config_copy()
        # Keep the grading kernel's own start-up notices off the trainer's screen (cell output is unaffected).
        extra = list(config.Execute.get("extra_arguments", []))
        config.Execute.extra_arguments = [*extra, "--IPKernelApp.log_level=ERROR"]
        api = NbGraderAPI(config=config)
        api.log_level = "WARN"
        return api

    def gradebook(self):
        """nbgrader's Gradebook for this course (use as a context manager)."""
        ensure_tools_on_path()
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, self.course_id)

    def released_modules(self) -> list[str]:
        """Modules the gradebook knows (generate_assignment put them there), in course order."""
        if not self.gradebook_path.exists():
            return []
        # A read-only look at nbgrader's assignment table: importing nbgrader's API takes about a second
        # (it brings the server extensions along), which the trainer guide's first cell would pay for a list.
        with contextlib.closing(sqlite3.connect(f"file:{self.gradebook_path}?mode=ro", uri=True)) as db:
            names = {name for (name,) in db.execute("SELECT name FROM assignment")}
        return [m for m in self.module_ids() if m in names] + sorted(names - set(self.module_ids()))


def answer_key(module: Module) -> dict[str, dict]:
    """Each autograded item's answer variable, correct value and allowed options, read from source/.

    From the answer cells' solution region (`q3_answer = "B"`) and the test cells' calls:
    `check_choice(name, var, [options])`, `check_choices(...)`, `check_number(name, var, lo, hi)` and the
    hidden `expect(name, var, correct)`. Returns {grade_id: {"variable", "correct", "kind", "options",
    "range"}} for test cells whose marking check could be read.
    """
    solutions: dict[str, object] = {}
    key: dict[str, dict] = {}
    for path in module.notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            nbg = cell.metadata.get("nbgrader", {})
            if nbg.get("solution") and not nbg.get("grade"):
                solutions.update(_solution_values(cell.source))
            elif nbg.get("grade"):
                entry = _test_calls(cell.source)
                if entry:
                    key[nbg["grade_id"]] = entry
    for entry in key.values():
        if entry["correct"] is None:
            entry["correct"] = solutions.get(entry["variable"])
    return key


def _solution_values(source: str) -> dict[str, object]:
    inside, values = False, {}
    for line in source.splitlines():
        if "### BEGIN SOLUTION" in line:
            inside = True
        elif "### END SOLUTION" in line:
            inside = False
        elif inside:
            try:
                node = ast.parse(line.strip())
            except SyntaxError:
                continue
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    try:
                        values[stmt.targets[0].id] = ast.literal_eval(stmt.value)
                    except ValueError:
                        pass
    return values


def _test_calls(source: str) -> dict | None:
    clean = "\n".join(line for line in source.splitlines() if not line.strip().startswith("###"))
    try:
        tree = ast.parse(clean)
    except SyntaxError:
        return None
    entry: dict = {"variable": None, "correct": None, "kind": "value", "options": None, "range": None}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) >= 3):
            continue
        name = node.func.id
        try:
            variable = ast.literal_eval(node.args[0])
        except ValueError:
            continue
        if name == "expect":
            entry["variable"] = variable
            try:
                entry["correct"] = ast.literal_eval(node.args[2])
            except ValueError:
                pass
        elif name in ("check_choice", "check_choices"):
            entry["kind"] = "choice" if name == "check_choice" else "choices"
            entry["options"] = list(ast.literal_eval(node.args[2]))
            entry["variable"] = entry["variable"] or variable
        elif name == "check_number" and len(node.args) >= 4:
            entry["kind"] = "number"
            entry["range"] = (ast.literal_eval(node.args[2]), ast.literal_eval(node.args[3]))
            entry["variable"] = entry["variable"] or variable
    return entry if entry["variable"] else None
