"""The registry of the course's fictional people: one name, one person, across every module.

widgets/content/clients.yaml lists each fictional client (and the few fictional staff) the course names: age,
pronouns where the text uses them, a one-line history, and where they appear. A case, practice item or
notebook that names someone must agree with this file; tests/test_clients.py scans the course for names and
ages and checks them here. Errors name the file and the entry, so an author can go straight to it.

    from widgets.clients import registry
    registry()["Marcus"].age   # 46
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema

from widgets import CONTENT
from widgets.yaml_loading import read_content_file

SCHEMA_VERSION = 1
CLIENTS_FILE = CONTENT / "clients.yaml"

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Registry of the course's fictional people",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "people"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION, "description": "Version of this format."},
        "people": {
            "type": "array",
            "minItems": 1,
            "description": "One entry per fictional person; a name is used for one person only.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "age", "role", "history", "appears_in"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[A-Z][a-z]+$",
                             "description": "First name as the course writes it, e.g. Marcus."},
                    "age": {"type": ["integer", "null"], "minimum": 10, "maximum": 99,
                            "description": "Age in years wherever the course states one; null if it never does."},
                    "pronouns": {"type": "string", "enum": ["she/her", "he/him", "they/them"],
                                 "description": "The pronouns the course uses for this person, if it uses any."},
                    "role": {"type": "string", "enum": ["client", "staff"],
                             "description": "A client, or a fictional member of staff (e.g. a program manager)."},
                    "history": {"type": "string", "minLength": 20,
                                "description": "One line: who they are and what the course says about them."},
                    "appears_in": {
                        "type": "array", "minItems": 1, "uniqueItems": True,
                        "description": "Vignette ids (m1-first-call), module folders (01-co-occurring-disorders: "
                                       "the module's notebook and practice file) and ungraded notebooks "
                                       "(tools-gallery) that name this person.",
                        "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    },
                },
            },
        },
    },
}


class ClientRegistryError(ValueError):
    """The registry breaks a rule; the message names the file and the entry."""


@dataclass(frozen=True)
class Person:
    name: str
    age: int | None
    role: str
    history: str
    appears_in: tuple[str, ...]
    pronouns: str | None = None

    @property
    def vignettes(self) -> tuple[str, ...]:
        return tuple(place for place in self.appears_in if _is_vignette_id(place))


def _is_vignette_id(place: str) -> bool:
    return len(place) > 2 and place[0] == "m" and place[1].isdigit() and place[2] == "-"


def _entry(path: Path, data, index) -> str:
    try:
        name = data["people"][index].get("name")
    except (KeyError, IndexError, TypeError, AttributeError):
        name = None
    label = f"entry {index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")
    return f"{path.name}, {label}"


def parse(data, path: Path, vignette_ids: set[str] | None = None) -> dict[str, Person]:
    """Check the registry's data and build it, keyed by name. `vignette_ids`: the vignettes that exist."""
    path = Path(path)
    if not isinstance(data, dict):
        raise ClientRegistryError(f"{path.name}: expected a mapping with schema_version and people")
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data),
                    key=lambda e: [str(part) for part in e.absolute_path])
    if errors:
        first = errors[0]
        location = list(first.absolute_path)
        if len(location) >= 2 and location[0] == "people":
            where, field = _entry(path, data, location[1]), "/".join(map(str, location[2:])) or "(entry)"
        else:
            where, field = path.name, "/".join(map(str, location)) or "(top level)"
        raise ClientRegistryError(f"{where}: {field}: {first.message}")
    people: dict[str, Person] = {}
    for index, raw in enumerate(data["people"]):
        where = _entry(path, data, index)
        if raw["name"] in people:
            raise ClientRegistryError(f"{where}: the name {raw['name']!r} is already used for another person; "
                                      "give this person another name")
        if vignette_ids is not None:
            unknown = [p for p in raw["appears_in"] if _is_vignette_id(p) and p not in vignette_ids]
            if unknown:
                raise ClientRegistryError(f"{where}: no vignette with the id {', '.join(map(repr, unknown))}")
        people[raw["name"]] = Person(raw["name"], raw["age"], raw["role"], raw["history"],
                                     tuple(raw["appears_in"]), raw.get("pronouns"))
    return people


def load(path: str | Path = CLIENTS_FILE) -> dict[str, Person]:
    """Load and check a registry file (the course's own by default)."""
    from widgets.vignette.model import vignette_files

    path = Path(str(path))
    data = read_content_file(path, ClientRegistryError)
    return parse(data, path, {p.stem for p in vignette_files()})


@cache
def registry() -> dict[str, Person]:
    """The course's registry, keyed by name."""
    return load()
