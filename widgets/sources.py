"""Source keys from the clinical reference, resolved to citations.

The clinical reference (shared/clinical-reference.md) is the only source of clinical facts; its Sources
table is copied here as content/sources.yaml so the package carries it. `python -m widgets.sources sync
PATH` rewrites that file from the reference, and a test keeps the two equal whenever the reference is
present.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from widgets import CONTENT
from widgets.yaml_loading import load_content

NOT_CITABLE = "not citable"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    note: str  # the official URL, or the reference's note on where the official copy is

    @property
    def citable(self) -> bool:
        return NOT_CITABLE not in self.note

    @property
    def url(self) -> str | None:
        return self.note if self.note.startswith("http") else None

    def citation(self) -> str:
        """The reference as a learner reads it: title and year, with the official URL where there is one."""
        return f"{self.title}. {self.url}" if self.url else f"{self.title}."


_ROW = re.compile(r"^\|\s*(?P<key>[A-Z0-9][A-Z0-9./ -]*?)\s*\|\s*(?P<title>.+?)\s*\|\s*(?P<note>.*?)\s*\|\s*$")


def parse_reference_table(markdown: str) -> list[Source]:
    """The rows of the reference's Sources table. A row naming two keys ("A / B") gives one Source each."""
    _, _, table = markdown.partition("## Sources")
    found: list[Source] = []
    for line in table.splitlines():
        match = _ROW.match(line)
        if not match or match["key"] == "Key" or set(match["title"]) <= {"-"}:
            continue
        for key in (k.strip() for k in match["key"].split(" / ")):
            found.append(Source(key=key, title=match["title"], note=match["note"]))
    return found


@cache
def all_sources() -> dict[str, Source]:
    rows = load_content((CONTENT / "sources.yaml").read_text(encoding="utf-8"))
    return {row["key"]: Source(**row) for row in rows}


def lookup(key: str) -> Source:
    try:
        return all_sources()[key]
    except KeyError:
        raise KeyError(f"unknown source key {key!r}: it is not in the clinical reference's Sources table") from None


def unknown_keys(keys) -> str | None:
    """What is wrong with a content file's source keys, in words ("unknown source key(s) X, Y; use keys from
    the clinical reference's Sources table"), or None when every key is known."""
    unknown = [key for key in keys if key not in all_sources()]
    if not unknown:
        return None
    return (f"unknown source key(s) {', '.join(unknown)}; use keys from the clinical reference's Sources "
            "table")


SECONDARY = "a secondary source (reported, not confirmed in a primary document)"


def source_line(keys) -> str:
    """What a learner reads under feedback: citable sources by title, and the rest only as "a secondary
    source" - rows the reference marks not citable are never cited, but a reported fact still says so."""
    sources = [lookup(key) for key in keys]
    cited = [s.citation() for s in sources if s.citable]
    if any(not s.citable for s in sources):
        cited.append(SECONDARY)
    return "; ".join(dict.fromkeys(cited))


def write_sources_yaml(sources: list[Source], path: Path) -> None:
    header = "# Generated from shared/clinical-reference.md by `python -m widgets.sources sync`. Do not edit.\n"
    rows = [{"key": s.key, "title": s.title, "note": s.note} for s in sources]
    path.write_text(header + yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "sync":
        print("usage: python -m widgets.sources sync PATH/TO/clinical-reference.md", file=sys.stderr)
        return 2
    sources = parse_reference_table(Path(argv[1]).read_text(encoding="utf-8"))
    target = Path(str(CONTENT / "sources.yaml"))
    write_sources_yaml(sources, target)
    print(f"wrote {len(sources)} sources to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
