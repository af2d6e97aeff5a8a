"""The course as the trainer tools see it: its folder, nbgrader configuration, modules and gradebook.

Everything here reads the course; nothing changes it. nbgrader is driven in-process through its own
API (nbgrader.apps.NbGraderAPI) with the course's nbgrader_config.py, exactly as the formgrader does.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import os
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

    @property
    def max_points(self) -> float:
        return sum(item.points for item in self.items)


def read_module(module_dir: Path) -> Module:
    """Read a module's curriculum metadata and graded cells from its source notebooks."""
    notebooks = sorted(p for p in module_dir.glob("*.ipynb") if not p.name.startswith("."))
    title, minutes, number, objectives = module_dir.name, 0, None, {}
    items: list[GradedItem] = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("curriculum", {})
        title = meta.get("title", title)
        minutes = int(meta.get("estimated_minutes", minutes) or 0)
        number = meta.get("module", number)
        objectives.update(meta.get("objectives", {}))
        for cell in nb.cells:
            nbg = cell.metadata.get("nbgrader", {})
            if not (nbg.get("grade") or nbg.get("task")):
                continue
            items.append(GradedItem(
                module=module_dir.name, notebook=path.stem, grade_id=nbg.get("grade_id", ""),
                points=float(nbg.get("points", 0)),
                objective=cell.metadata.get("curriculum", {}).get("objective"),
                manual=bool(nbg.get("task")) or bool(nbg.get("solution")),
            ))
    return Module(id=module_dir.name, number=number, title=title, estimated_minutes=minutes,
                  objectives=dict(objectives), notebooks=notebooks, items=items)


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
