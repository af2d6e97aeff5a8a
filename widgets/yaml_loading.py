"""Reading the course's YAML content (vignettes, practice checks, sources).

libyaml's C parser where PyYAML was built with it (it reads the content about ten times faster than the
pure-Python parser, which a learner feels as a module's first cells run), and the pure-Python one otherwise.
Either way a key written twice in one mapping is refused instead of silently keeping the second value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentLoader(_Base):
    """A safe YAML loader that refuses a key written twice in one mapping (a duplicated node id, say)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"'{key}' is defined twice (first on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def load_content(text: str):
    """The data in one YAML document; raises yaml.YAMLError (with its line) when it is not valid."""
    return yaml.load(text, Loader=ContentLoader)  # noqa: S506 - a SafeLoader (C or Python) subclass


def read_content_file(path: str | Path, error: Callable[[str], Exception]):
    """The data in a content file. A file that cannot be read, or is not valid YAML, raises `error(message)`
    with a message that names the file and says what is wrong, so a content author knows what to fix."""
    path = Path(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(f"{path.name}: cannot be read ({problem.strerror or problem})") from None
    try:
        return load_content(text)
    except yaml.YAMLError as problem:
        raise error(f"{path.name}: not valid YAML ({problem})") from None


def schema_problem(data, schema: dict, path: str | Path, *, items: str, label: str, noun: str) -> str | None:
    """The first way `data` breaks the JSON schema, in words that name the file and, inside the list
    `data[items]`, the item by its `label` field (or its number): "x.yaml, statement 'calm': stage: ...".
    None when the data fits the schema."""
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data),
                    key=lambda e: [str(part) for part in e.absolute_path])
    if not errors:
        return None
    first = errors[0]
    location = list(first.absolute_path)
    where = Path(str(path)).name
    if len(location) >= 2 and location[0] == items:
        raw = data[items][location[1]]
        name = raw.get(label) if isinstance(raw, dict) else None
        where += f", {noun} {name!r}" if isinstance(name, str) else f", {noun} number {location[1] + 1}"
        location = location[2:]
    field = "/".join(map(str, location))
    return f"{where}: {field + ': ' if field else ''}{first.message}"
