"""One registry of fictional people: a name means one person across the course.

The registry (widgets/content/clients.yaml) is checked on load. These tests then scan the course for the people
it names: vignettes (the client's name, and ages such as "Grace, 41" or a summary starting "46, ..."), practice
items, and the notebooks in source/ and notebooks/ (read only). A name the registry does not know, or an age
that disagrees with it, fails with the file and the words that named them.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from widgets.clients import ClientRegistryError, load, parse, registry
from widgets.practice import practice_files
from widgets.vignette import vignette_files
from widgets.yaml_loading import load_content

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("source/*/*.ipynb")) + sorted(ROOT.glob("notebooks/*.ipynb"))

# --- finding people in text -------------------------------------------------------------------------

_NAME = r"(?P<name>[A-Z][a-z]+)"
_AGE = r"(?P<age>\d{1,2})\b(?![.,]\d|%)"  # "52." ends a sentence; "52.5" and "52%" are not ages
PATTERNS = [
    # "Rosa, 15", "Marcus (fictional), 46", "Andre, a fictional client aged 38"
    re.compile(rf"\b{_NAME}(?: \(fictional\))?, (?:a fictional client )?(?:aged )?{_AGE}"),
    # "Nia is 15"
    re.compile(rf"\b{_NAME} is {_AGE}"),
    # "Kim, a fictional client", "Marcus, also fictional", "Tanya (fictional)", "Alex is a fictional client"
    re.compile(rf"\b{_NAME}(?: \(fictional\)|, (?:a|also|another) fictional\b| is a fictional (?:client|person)\b)"),
    # a caseload charted with the quadrant tools: ("Mei", "low", "low")
    re.compile(r"\(\s*[\"'](?P<name>[A-Z][a-z]+)[\"']\s*,\s*[\"'](?:low|high)[\"']"),
]
# A practice option that names a client: "Sam, with an opioid use disorder and an anxiety disorder"
OPTION_CLIENT = re.compile(rf"^{_NAME}, with ")
# Capitalised words the patterns can catch that are not people ("Example (fictional)", "It is 3 hours short").
NOT_PEOPLE = {"Example", "Client", "Clients", "House", "Program", "Question", "Module", "Quadrant", "Level",
              "Figure", "Table", "Chapter", "Section", "Step", "Zone", "Item", "Week", "Day", "Dimension",
              "It", "This", "That", "There", "Which", "What", "Who", "Her", "His", "Their", "The", "Total",
              "Score", "Answer", "Age"}


@dataclass(frozen=True)
class Mention:
    name: str
    age: int | None
    place: str  # a vignette id, a module folder or an ungraded notebook's name
    where: str  # the file, and the words that named the person

    def __str__(self) -> str:
        return f"{self.where}: {self.name}" + (f", {self.age}" if self.age is not None else "")


def find_people(text: str, place: str, where: str) -> list[Mention]:
    text = re.sub(r"\*\*|__", "", text)  # "**Dana**, 29" in markdown is "Dana, 29"
    found = []
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            if match["name"] in NOT_PEOPLE:
                continue
            age = match.groupdict().get("age")
            found.append(Mention(match["name"], int(age) if age else None, place,
                                 f"{where}: \"{match.group(0)}\""))
    return found


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def client_names(vignette_data) -> list[str]:
    """The people a vignette's `client.name` lists: "Teresa, Luis and Jamal" is three people."""
    return [n for n in re.split(r",\s*|\s+and\s+", vignette_data["client"]["name"].strip()) if n]


def vignette_mentions(path: Path) -> list[Mention]:
    data = load_content(path.read_text(encoding="utf-8"))
    place, where = data["id"], f"widgets/content/vignettes/{path.name}"
    names = client_names(data)
    lead_age = re.match(r"\s*(\d{1,2}),", data["client"]["summary"])
    found = [Mention(name, int(lead_age[1]) if lead_age and len(names) == 1 else None, place,
                     f"{where}: client.name \"{name}\"") for name in names]
    for text in _strings(data):
        found += find_people(text, place, where)
    return found


def practice_mentions(path: Path) -> list[Mention]:
    data = load_content(path.read_text(encoding="utf-8"))
    where = f"widgets/content/practice/{path.name}"
    found = []
    for practice_set in data["sets"].values():
        for item in practice_set["items"]:
            found += find_people(item["prompt"], path.stem, f"{where}, item {item['id']!r}")
            for option in item["options"]:
                found += find_people(option["text"] + "\n" + option["feedback"], path.stem,
                                     f"{where}, item {item['id']!r}")
                match = OPTION_CLIENT.match(option["text"])
                if match and match["name"] not in NOT_PEOPLE:
                    found.append(Mention(match["name"], None, path.stem,
                                         f"{where}, item {item['id']!r}: \"{match.group(0)}\""))
    return found


def notebook_place(path: Path) -> str:
    return path.parent.name if path.parent.parent.name == "source" else path.stem


def notebook_mentions(path: Path) -> list[Mention]:
    found = []
    for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        found += find_people(source, notebook_place(path), f"{path.relative_to(ROOT)}, cell {number}")
    return found


def problems(mentions: list[Mention]) -> list[str]:
    """What disagrees with the registry: unknown names, other ages, places the entry does not list."""
    people, found = registry(), []
    for mention in mentions:
        person = people.get(mention.name)
        if person is None:
            found.append(f"{mention}: {mention.name!r} is not in widgets/content/clients.yaml (add them, or use a "
                         "registered name for the same person)")
        elif mention.age is not None and mention.age != person.age:
            found.append(f"{mention}: the registry's {mention.name} is "
                         f"{person.age if person.age is not None else 'of no stated age'} ({person.history}); "
                         "a different person needs a different name")
        elif mention.place not in person.appears_in:
            found.append(f"{mention}: {mention.place!r} is not in {mention.name}'s appears_in")
    return sorted(set(found))


CONTENT_MENTIONS = ([m for path in vignette_files() for m in vignette_mentions(path)]
                    + [m for path in practice_files() for m in practice_mentions(path)])


# --- the finder itself ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Rosa, 15, is starting IOP", [("Rosa", 15)]),
    ("Marcus (fictional), 46, is a bus mechanic", [("Marcus", 46), ("Marcus", None)]),
    ("First, Teresa, 52. Her assessment", [("Teresa", 52)]),
    ("Nia is 15 (fictional).", [("Nia", 15)]),
    ("Andre, a fictional client aged 38, fills in", [("Andre", 38), ("Andre", None)]),
    ("- **Dana**, 29: severe, unstable depression", [("Dana", 29)]),
    ("Kim, a fictional client, has", [("Kim", None)]),
    ('quadrant_view([("Mei", "low", "low")])', [("Mei", None)]),
    ("On July 16, 2022, the US switched to 988", []),
    ("Quadrant IV, with 52.5%", []),
    ("Example (fictional). Avery's totals", []),
    ("Harbor House, a fictional substance use program", []),
    ("on Tuesday, 1.5 hours of family psychoeducation", []),
    ("It is 3 hours short of the minimum", []),
])
def test_the_finder_reads_names_and_ages_the_way_the_course_writes_them(text, expected):
    assert sorted(((m.name, m.age) for m in find_people(text, "x", "x")), key=str) == sorted(expected, key=str)


def test_a_vignette_client_list_is_read_as_separate_people():
    assert client_names({"client": {"name": "Teresa, Luis and Jamal"}}) == ["Teresa", "Luis", "Jamal"]


# --- the registry file ------------------------------------------------------------------------------

def test_the_course_registry_loads_and_knows_the_people_named_in_the_brief():
    people = registry()
    assert people["Marcus"].age == 46 and "sister" in people["Marcus"].history
    assert people["Rosa"].age == 46
    assert people["Nia"].age == 15, "the adolescent in Module 4 is Nia, 15, not Rosa"
    assert set(people["Marcus"].vignettes) == {"m1-other-door", "m2-follow-up-cssrs", "m4-leaving-inpatient"}


VALID = {"schema_version": 1, "people": [
    {"name": "Testa", "age": 30, "role": "client", "history": "A client made up for this test file.",
     "appears_in": ["m1-first-call", "01-co-occurring-disorders"]},
    {"name": "Testo", "age": None, "role": "staff", "history": "A program manager made up for this test.",
     "appears_in": ["04-levels-of-care-and-iop"], "pronouns": "he/him"},
]}
HERE = Path("clients.yaml")


def _broken(change):
    data = copy.deepcopy(VALID)
    change(data)
    return data


def test_a_valid_registry_parses_keyed_by_name():
    people = parse(copy.deepcopy(VALID), HERE, {"m1-first-call"})
    assert list(people) == ["Testa", "Testo"]
    assert people["Testa"].vignettes == ("m1-first-call",) and people["Testo"].age is None


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["people"][1].update(name="Testa"), "entry 2 ('Testa'): the name 'Testa' is already used"),
    (lambda d: d["people"][1].update(age="forty"), "entry 2 ('Testo'): age"),
    (lambda d: d["people"][0].update(age=3), "entry 1 ('Testa'): age"),
    (lambda d: d["people"][0].pop("history"), "entry 1 ('Testa'): (entry): 'history' is a required"),
    (lambda d: d["people"][0].update(colour="red"), "entry 1 ('Testa')"),
    (lambda d: d["people"][0].update(appears_in=["m9-nowhere"]), "entry 1 ('Testa'): no vignette with the id"),
    (lambda d: d["people"][1].update(name="testo"), "entry 2 ('testo'): name"),
    (lambda d: d.update(schema_version=2), "clients.yaml: schema_version"),
], ids=["name reused", "age not a number", "age out of range", "no history", "unknown field", "unknown vignette",
        "name not capitalised", "schema version"])
def test_a_broken_registry_is_rejected_naming_the_file_and_the_entry(change, words):
    with pytest.raises(ClientRegistryError) as raised:
        parse(_broken(change), HERE, {"m1-first-call"})
    assert str(raised.value).startswith("clients.yaml") and words in str(raised.value)


def test_a_registry_file_that_is_not_yaml_is_rejected_with_its_name(tmp_path):
    path = tmp_path / "clients.yaml"
    path.write_text("people: [unclosed", encoding="utf-8")
    with pytest.raises(ClientRegistryError, match="clients.yaml: not valid YAML"):
        load(path)


def test_a_registry_file_on_disk_loads(tmp_path):
    path = tmp_path / "clients.yaml"
    path.write_text(yaml.safe_dump(VALID), encoding="utf-8")
    assert load(path)["Testa"].age == 30


# --- the course's cases and practice items agree with the registry -----------------------------------

def test_the_scan_finds_the_people_of_every_case():
    named = {m.name for m in CONTENT_MENTIONS}
    assert {"Dana", "Marcus", "Rosa", "Grace", "Teresa", "Luis", "Jamal", "Nia"} <= named


def test_every_person_named_in_a_case_or_practice_item_is_in_the_registry_with_the_same_age():
    found = problems(CONTENT_MENTIONS)
    assert not found, "names that disagree with the registry:\n" + "\n".join(found)


def test_each_vignette_client_is_listed_in_the_registry_for_that_vignette_and_no_other():
    listed = {(name, vignette_id) for name, person in registry().items() for vignette_id in person.vignettes}
    in_files = set()
    for path in vignette_files():
        data = load_content(path.read_text(encoding="utf-8"))
        in_files |= {(name, data["id"]) for name in client_names(data)}
    assert listed == in_files, (f"in the vignettes but not the registry: {sorted(in_files - listed)}; "
                                f"in the registry but not the vignettes: {sorted(listed - in_files)}")


def test_the_adolescent_in_module_4_practice_is_nia_not_rosa():
    module_4 = [m for m in CONTENT_MENTIONS if m.place == "04-levels-of-care-and-iop"]
    assert ("Nia", 15) in {(m.name, m.age) for m in module_4}
    assert "Rosa" not in {m.name for m in module_4}


# --- the notebooks agree with the registry (read only: the notebooks belong to their own authors) ------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_every_person_a_notebook_names_is_in_the_registry_with_the_same_age(path):
    found = problems(notebook_mentions(path))
    assert not found, "names that disagree with the registry:\n" + "\n".join(found)
