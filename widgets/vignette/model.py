"""Vignettes as data: loading, the load-time rules, and a playthrough that walks one. No ipywidgets here.

Every error names the file, and the node where there is one, so an author can go straight to it.

Authors tend to write the best choice first. So that its position teaches nothing, a loaded vignette holds
each node's choices in display order: shuffled with a seed made from the vignette and node ids, the same on
every visit and every machine (a node marked keep_order, such as Quadrant I to IV, keeps the written order).
Load-time errors still number choices as they are written in the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import jsonschema
import yaml

from widgets import CONTENT
from widgets.sources import all_sources
from widgets.vignette.schema import SCHEMA
from widgets.yaml_loading import load_content

VIGNETTES = CONTENT / "vignettes"


class VignetteError(ValueError):
    """A vignette file breaks a rule. The message names the file and, where it applies, the node."""

    def __init__(self, file: str, message: str, node: str | None = None):
        self.file, self.node = file, node
        where = f"{file}: node '{node}'" if node else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Choice:
    text: str
    target: str
    score: int
    feedback: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Node:
    id: str
    situation: str
    choices: tuple[Choice, ...] = ()
    debrief: str | None = None
    sources: tuple[str, ...] = ()
    keep_order: bool = False

    @property
    def is_end(self) -> bool:
        return not self.choices


@dataclass(frozen=True)
class Vignette:
    id: str
    title: str
    module: str
    fictional_notice: str
    client_name: str
    client_summary: str
    start: str
    nodes: dict[str, Node] = field(repr=False)
    file: str = ""

    @cached_property
    def max_score(self) -> int:
        """The score of the best path from the start (the graph has no cycles)."""
        best: dict[str, int] = {}

        def walk(node_id: str) -> int:
            if node_id not in best:
                node = self.nodes[node_id]
                best[node_id] = max((c.score + walk(c.target) for c in node.choices), default=0)
            return best[node_id]

        return walk(self.start)

    def paths(self) -> list[list[int]]:
        """Every path from the start to an ending, as the choice indices taken."""
        found: list[list[int]] = []

        def walk(node_id: str, taken: list[int]) -> None:
            node = self.nodes[node_id]
            if node.is_end:
                found.append(taken)
            for index, choice in enumerate(node.choices):
                walk(choice.target, [*taken, index])

        walk(self.start, [])
        return found


def stable_order(seed: str, count: int) -> list[int]:
    """The numbers 0 to count - 1 in an order that looks shuffled but depends only on `seed`.

    A hash, not the random module: the order is the same on every run, Python version and machine, so a
    learner who comes back sees the same order and tests stay deterministic.
    """
    return sorted(range(count), key=lambda i: hashlib.sha256(f"{seed}#{i}".encode()).digest())


def in_display_order(vignette: Vignette) -> Vignette:
    """The vignette with each node's choices in the order the player shows them."""
    nodes = {}
    for node_id, node in vignette.nodes.items():
        if node.keep_order or node.is_end:
            nodes[node_id] = node
        else:
            order = stable_order(f"{vignette.id}/{node_id}", len(node.choices))
            nodes[node_id] = replace(node, choices=tuple(node.choices[i] for i in order))
    return replace(vignette, nodes=nodes)


def _node_of(error_path) -> str | None:
    parts = list(error_path)
    return parts[1] if len(parts) > 1 and parts[0] == "nodes" else None


def parse(data, file: str) -> Vignette:
    """Check a vignette's data against the schema and the graph rules, and build it."""
    if not isinstance(data, dict):
        raise VignetteError(file, "the file must hold a mapping (schema_version, id, title, ...), not "
                            f"{type(data).__name__}")
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        field_path = "/".join(str(p) for p in first.path) or "(top level)"
        raise VignetteError(file, f"{field_path}: {first.message}", node=_node_of(first.path))

    stem = Path(file).stem
    if stem != data["id"] and not file.startswith("<"):
        raise VignetteError(file, f"id '{data['id']}' must equal the file name '{stem}'")

    known = all_sources()
    nodes: dict[str, Node] = {}
    for node_id, raw in data["nodes"].items():
        for key in raw.get("sources", []) + [k for c in raw.get("choices", []) for k in c["sources"]]:
            if key not in known:
                raise VignetteError(file, f"unknown source key '{key}' (not in the clinical reference)", node_id)
        choices = tuple(Choice(c["text"], c["target"], c["score"], c["feedback"], tuple(c["sources"]))
                        for c in raw.get("choices", []))
        nodes[node_id] = Node(node_id, raw["situation"], choices, raw.get("debrief"), tuple(raw.get("sources", [])),
                              bool(raw.get("keep_order", False)))

    vignette = Vignette(
        id=data["id"], title=data["title"], module=data["module"], fictional_notice=data["fictional_notice"],
        client_name=data["client"]["name"], client_summary=data["client"]["summary"], start=data["start"],
        nodes=nodes, file=file,
    )
    check_graph(vignette)  # on the written order, so "choice 2" in an error is the file's second choice
    return in_display_order(vignette)


def check_graph(v: Vignette) -> None:
    """The rules a schema cannot express, each error naming the node where it breaks."""
    if v.start not in v.nodes:
        raise VignetteError(v.file, f"start node '{v.start}' does not exist")
    for node in v.nodes.values():
        for number, choice in enumerate(node.choices, start=1):
            if choice.target not in v.nodes:
                raise VignetteError(v.file, f"choice {number} leads to '{choice.target}', which does not exist", node.id)

    # No cycles: depth-first search, grey = on the current path.
    state: dict[str, str] = {}

    def visit(node_id: str) -> None:
        state[node_id] = "grey"
        for choice in v.nodes[node_id].choices:
            if state.get(choice.target) == "grey":
                raise VignetteError(v.file, f"a choice leads back to '{choice.target}', making a loop "
                                    "(every path must move forward to an ending)", node_id)
            if choice.target not in state:
                visit(choice.target)
        state[node_id] = "black"

    visit(v.start)
    unreachable = [n for n in v.nodes if n not in state]
    if unreachable:
        raise VignetteError(v.file, "no choice leads here, so no learner can reach it", unreachable[0])
    # With no cycles, every path ends as long as every node either offers choices or is an ending.
    for node in v.nodes.values():
        if node.is_end and not node.debrief:
            raise VignetteError(v.file, "an ending needs a debrief", node.id)


def load(path: str | Path) -> Vignette:
    """Load and check one vignette file."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise VignetteError(name, f"cannot be read ({error.strerror or error})") from None
    try:
        data = load_content(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise VignetteError(name, f"is not valid YAML{where}: {problem}") from None
    return parse(data, name)


def vignette_files() -> list[Path]:
    return sorted(Path(str(VIGNETTES)).glob("*.yaml"))


def load_by_id(vignette_id: str) -> Vignette:
    path = Path(str(VIGNETTES)) / f"{vignette_id}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in vignette_files())
        raise VignetteError(f"{vignette_id}.yaml", f"no vignette with this id (there are: {known})")
    return load(path)


@dataclass(frozen=True)
class Step:
    node: Node
    choice: Choice


class Playthrough:
    """One learner's walk through a vignette: where they are, what they chose, what they have earned."""

    def __init__(self, vignette: Vignette):
        self.vignette = vignette
        self.restart()

    def restart(self) -> None:
        self.current: Node = self.vignette.nodes[self.vignette.start]
        self.steps: list[Step] = []

    @property
    def finished(self) -> bool:
        return self.current.is_end

    @property
    def score(self) -> int:
        return sum(step.choice.score for step in self.steps)

    def choose(self, index: int) -> Step:
        if self.finished:
            raise ValueError("this case has ended; restart it to play again")
        if not 0 <= index < len(self.current.choices):
            raise ValueError(f"there is no choice {index + 1} here (there are {len(self.current.choices)})")
        step = Step(self.current, self.current.choices[index])
        self.steps.append(step)
        self.current = self.vignette.nodes[step.choice.target]
        return step
