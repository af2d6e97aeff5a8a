"""Written plans a counselor goes through with a client: the relapse-prevention plan and the safety plan.

Each plan kind is declared as data in widgets/content/plans/<kind>.yaml: its title, the notice printed on the
page, its parts (a list of short entries, or a list of entries each with fields of its own), how many entries
each part needs, the contacts a part must name (988, and 911 for immediate danger) and its source keys. This
module is the pure model: loading and checking the declaration (an error names the file and the node),
checking a learner's plan, and rendering it as one HTML page or a one-page PDF. The widget is in
widgets/plans_view.py.

The plan itself is plain data the learner writes in a code cell:

    from widgets.plans import check, render_html
    plan = {"client": "Ana (fictional)",
            "situations": [{"situation": "Friday after work", "warning_signs": ["tense shoulders"],
                            "coping": ["walk home the long way"], "people": ["Sam, sponsor"]}],
            "crisis": ["988 Suicide & Crisis Lifeline: call, text or chat 988", "911 if in immediate danger"]}
    check("relapse-prevention", plan).ok
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from widgets import CONTENT
from widgets.sources import source_line, unknown_keys
from widgets.yaml_loading import read_content_file, schema_problem

SCHEMA_VERSION = 1
PLANS_DIR = CONTENT / "plans"

_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
_TEXT = {"type": "string", "minLength": 1}
_FIELD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["key", "label", "type"],
    "properties": {
        "key": {**_ID, "description": "The field's key in the learner's dict."},
        "label": {**_TEXT, "description": "The field's heading on the page."},
        "type": {"enum": ["text", "list"], "description": "One line of text (required), or a list of lines."},
        "min_items": {"type": "integer", "minimum": 0, "description": "For a list: how many entries it needs."},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "One kind of written plan",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "kind", "title", "notice", "parts", "sources"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "kind": {**_ID, "description": "The plan kind; must equal the file name."},
        "title": {**_TEXT, "description": "The page's heading."},
        "notice": {**_TEXT, "description": "Printed at the top of every page: training material, fictional client."},
        "sources": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string"}},
        "parts": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "label", "help", "min_items"],
                "properties": {
                    "key": {**_ID, "description": "The part's key in the learner's dict; used in error messages."},
                    "label": {**_TEXT, "description": "The part's heading on the page."},
                    "help": {**_TEXT, "description": "What goes in this part, in plain words."},
                    "min_items": {"type": "integer", "minimum": 1},
                    "fields": {"type": "array", "minItems": 1, "items": _FIELD,
                               "description": "When present, each entry is a dict with these fields."},
                    "must_name": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["pattern", "problem"],
                            "properties": {
                                "pattern": {**_TEXT, "description": "A regular expression one entry must match."},
                                "problem": {"type": "string", "minLength": 10,
                                            "description": "Shown when no entry matches."},
                            },
                        },
                    },
                },
            },
        },
    },
}


class PlanContentError(ValueError):
    """A plan declaration that breaks the format; the message names the file and the part."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    text: bool  # one required line of text; otherwise a list of lines
    min_items: int  # for a list: how many entries it needs


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    help: str
    min_items: int
    fields: tuple[Field, ...]  # empty: each entry is one line of text
    must_name: tuple[tuple[re.Pattern, str], ...]


@dataclass(frozen=True)
class PlanKind:
    kind: str
    title: str
    notice: str
    parts: tuple[Part, ...]
    sources: tuple[str, ...]

    def citation_text(self) -> str:
        return source_line(self.sources)


@dataclass(frozen=True)
class PlanCheck:
    ok: bool
    problems: list[str]


def parse(data, path: Path) -> PlanKind:
    """Validate parsed YAML from `path` and build the plan kind. Errors name the file and the part."""
    path = Path(path)
    if not isinstance(data, dict):
        raise PlanContentError(f"{path.name}: expected a mapping with schema_version, kind, title, notice, parts "
                               "and sources")
    problem = schema_problem(data, SCHEMA, path, items="parts", label="key", noun="part")
    if problem:
        raise PlanContentError(problem)
    if data["kind"] != path.stem:
        raise PlanContentError(f"{path.name}: kind is {data['kind']!r} but the file is named {path.stem!r}; "
                               "name the file after its kind")
    problem = unknown_keys(data["sources"])
    if problem:
        raise PlanContentError(f"{path.name}, sources: {problem}")
    parts, seen = [], set()
    for raw in data["parts"]:
        where = f"{path.name}, part {raw['key']!r}"
        if raw["key"] in seen or raw["key"] == "client":
            raise PlanContentError(f"{where}: the key is used twice in this file ('client' is taken by the "
                                   "client's name)")
        seen.add(raw["key"])
        must_name = []
        for rule in raw.get("must_name", []):
            try:
                must_name.append((re.compile(rule["pattern"], re.IGNORECASE), rule["problem"]))
            except re.error as error:
                raise PlanContentError(f"{where}: must_name pattern {rule['pattern']!r} is not a valid regular "
                                       f"expression ({error})") from None
        if must_name and raw.get("fields"):
            raise PlanContentError(f"{where}: must_name works on a part of single-line entries, not one with fields")
        fields = tuple(Field(f["key"], f["label"], f["type"] == "text", f.get("min_items", 0))
                       for f in raw.get("fields", []))
        if len({f.key for f in fields}) != len(fields):
            raise PlanContentError(f"{where}: two fields share a key")
        parts.append(Part(raw["key"], raw["label"], raw["help"].strip(), raw["min_items"], fields, tuple(must_name)))
    return PlanKind(data["kind"], data["title"], data["notice"].strip(), tuple(parts), tuple(data["sources"]))


def load_file(path: str | Path) -> PlanKind:
    path = Path(str(path))
    data = read_content_file(path, PlanContentError)
    return parse(data, path)


def plan_files() -> list[Path]:
    return sorted(Path(str(PLANS_DIR)).glob("*.yaml"))


@cache
def load_kind(kind: str) -> PlanKind:
    """The plan kind declared in widgets/content/plans/<kind>.yaml."""
    path = Path(str(PLANS_DIR)) / f"{kind}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in plan_files())
        raise PlanContentError(f"no plan kind {kind!r} (looked for {path.name}; the kinds are {known})")
    return load_file(path)


# --- checking a learner's plan -------------------------------------------------------------------------------

def _lines(value) -> list[str] | None:
    """A list of non-empty strings from a list (or one string); None when the value is not text."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        return None
    return [v.strip() for v in value if v.strip()]


def _count(n: int) -> str:
    return "at least one entry" if n == 1 else f"at least {n} entries"


def _check_entry(part: Part, number: int, entry) -> list[str]:
    name = f"{part.label}, entry {number}"
    if not isinstance(entry, dict):
        keys = ", ".join(repr(f.key) for f in part.fields)
        return [f"{name} should be a dict with the keys {keys}."]
    problems = []
    if isinstance(entry.get(part.fields[0].key), str) and entry[part.fields[0].key].strip():
        name = f"{part.label}, \"{entry[part.fields[0].key].strip()}\""
    for key in entry:
        if key not in {f.key for f in part.fields}:
            problems.append(f"{name}: {key!r} is not one of this part's fields "
                            f"({', '.join(f.key for f in part.fields)}).")
    for field in part.fields:
        value = entry.get(field.key)
        if field.text:
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name}: write the {field.label.lower()} as a line of text under {field.key!r}.")
            continue
        lines = _lines(value)
        if lines is None and value is not None:
            problems.append(f"{name}: {field.key!r} should be a list of short lines of text.")
        elif len(lines or []) < field.min_items:
            problems.append(f"{name}: add {_count(field.min_items)} under {field.key!r} "
                            f"({field.label.lower()}).")
    return problems


def _check_part(part: Part, value) -> list[str]:
    if value is None:
        return [f"{part.label}: this part is missing; add {part.key!r} ({part.help})."]
    if part.fields:
        if not isinstance(value, (list, tuple)):
            return [f"{part.label}: {part.key!r} should be a list of entries, each a dict."]
        problems = [] if len(value) >= part.min_items else [f"{part.label}: add {_count(part.min_items)} ({part.help})."]
        for number, entry in enumerate(value, start=1):
            problems += _check_entry(part, number, entry)
        return problems
    lines = _lines(value)
    if lines is None:
        return [f"{part.label}: {part.key!r} should be a list of short lines of text."]
    if len(lines) < part.min_items and part.must_name:
        return [problem for _, problem in part.must_name]
    if len(lines) < part.min_items:
        return [f"{part.label}: this part is empty; add {_count(part.min_items)} ({part.help})."]
    return [problem for pattern, problem in part.must_name if not any(pattern.search(line) for line in lines)]


def check(kind: str, plan) -> PlanCheck:
    """Every problem with `plan` (a dict) as a plan of `kind`, in plain words, one per problem."""
    spec = load_kind(kind)
    if not isinstance(plan, dict):
        keys = ", ".join(repr(k) for k in ("client", *(p.key for p in spec.parts)))
        return PlanCheck(False, [f"The plan should be a dict with the keys {keys}."])
    problems = []
    client = plan.get("client")
    if not isinstance(client, str) or not client.strip():
        problems.append("Name the client under 'client', for example \"Ana (fictional)\".")
    known = {"client", *(p.key for p in spec.parts)}
    problems += [f"{key!r} is not a part of this plan; the parts are {', '.join(p.key for p in spec.parts)}."
                 for key in plan if key not in known]
    for part in spec.parts:
        problems += _check_part(part, plan.get(part.key))
    return PlanCheck(not problems, problems)


# --- rendering ------------------------------------------------------------------------------------------------

def _client(plan) -> str:
    client = plan.get("client") if isinstance(plan, dict) else None
    return client.strip() if isinstance(client, str) and client.strip() else "(client not named)"


def _blocks(spec: PlanKind, plan) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """The plan as (part label, [(sub-heading, lines)]) blocks: what both the HTML and the PDF show."""
    plan = plan if isinstance(plan, dict) else {}
    blocks = []
    for part in spec.parts:
        value = plan.get(part.key)
        if part.fields:
            entries = value if isinstance(value, (list, tuple)) else []
            rows = []
            for entry in (e for e in entries if isinstance(e, dict)):
                heading = entry.get(part.fields[0].key)
                heading = heading.strip() if isinstance(heading, str) else ""
                lines = [f"{field.label}: {'; '.join(_lines(entry.get(field.key)) or ['(none yet)'])}"
                         for field in part.fields[1:]]
                rows.append((heading or "(not named yet)", lines))
            blocks.append((part.label, rows or [("", ["(none yet)"])]))
        else:
            lines = _lines(value) or []
            # A contact the part must name (988, 911) is shown as still to add, never silently left out.
            lines += [f"Still to add: {problem.partition(': ')[2] or problem}" for pattern, problem in part.must_name
                      if not any(pattern.search(line) for line in lines)]
            blocks.append((part.label, [("", lines or ["(none yet)"])]))
    return blocks


def render_html(kind: str, plan) -> str:
    """The plan as one HTML page a counselor could go through with the client (every value escaped)."""
    spec = load_kind(kind)
    esc = html.escape
    out = [f"<section class='plan plan-{esc(spec.kind)}' aria-label='{esc(spec.title)}'>",
           f"<h3>{esc(spec.title)}: {esc(_client(plan))}</h3>",
           f"<p><strong>{esc(spec.notice)}</strong></p>"]
    for number, (label, rows) in enumerate(_blocks(spec, plan), start=1):
        out.append(f"<h4>{number}. {esc(label)}</h4>")
        for heading, lines in rows:
            if heading:
                out.append(f"<p><strong>{esc(heading)}</strong></p>")
            out.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>")
    out.append(f"<p><small>Source: {esc(spec.citation_text())}</small></p></section>")
    return "\n".join(out)


def _font_file() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _pdf(spec: PlanKind, plan, size: float):
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=14)
    font = _font_file()
    pdf.add_font("DejaVu", "", str(font))
    pdf.add_font("DejaVu", "B", str(font.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_title(f"{spec.title}: {_client(plan)}")
    pdf.add_page()
    width = pdf.epw
    line = size * 0.5

    def write(text: str, style: str = "", scale: float = 1.0, indent: float = 0.0) -> None:
        pdf.set_font("DejaVu", style, size * scale)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, line * scale, text, new_x="LMARGIN", new_y="NEXT")

    write(f"{spec.title}: {_client(plan)}", "B", 1.4)
    write(spec.notice, "B", 0.9)
    for number, (label, rows) in enumerate(_blocks(spec, plan), start=1):
        pdf.ln(line * 0.5)
        write(f"{number}. {label}", "B", 1.1)
        for heading, lines in rows:
            if heading:
                write(heading, "B", 1.0, 3)
            for text in lines:
                write(f"\u2022 {text}", "", 1.0, 6)
    pdf.ln(line * 0.5)
    write(f"Source: {spec.citation_text()}", "", 0.75)
    return pdf


def render_pdf(kind: str, plan, path) -> Path:
    """Write the plan as a one-page PDF at `path` (the text shrinks until it fits one page) and return the path."""
    spec = load_kind(kind)
    size = 11.0
    pdf = _pdf(spec, plan, size)
    while pdf.pages_count > 1 and size > 5:
        size -= 0.5
        pdf = _pdf(spec, plan, size)
    if pdf.pages_count > 1:
        raise ValueError("The plan is too long for one page; shorten its entries.")
    path = Path(path)
    pdf.output(str(path))
    return path


def pdf_name(kind: str, plan) -> str:
    """<client>-<kind>.pdf, the client's first name in lower case: "Ana (fictional)" -> ana-relapse-prevention.pdf"""
    client = re.sub(r"\(.*?\)", "", _client(plan) if isinstance(plan, dict) and plan.get("client") else "client")
    slug = re.sub(r"[^a-z0-9]+", "-", client.lower()).strip("-") or "client"
    return f"{slug}-{kind}.pdf"


def plan_builder(kind: str, plan, folder=None):
    """Show the plan's check, the plan itself and a Save as PDF button: put this call on a cell's last line."""
    from widgets.plans_view import plan_builder as view

    return view(kind, plan, folder)
