"""Check vignette files, or print the JSON Schema for editors.

    python -m widgets.vignette check FILE [FILE ...]
    python -m widgets.vignette check --all
    python -m widgets.vignette schema > vignette.schema.json
"""

from __future__ import annotations

import argparse
import json
import sys

from widgets.vignette.model import VignetteError, load, vignette_files
from widgets.vignette.schema import SCHEMA


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m widgets.vignette", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate vignette files; exit 1 if any breaks a rule")
    check.add_argument("files", nargs="*", help="vignette YAML files")
    check.add_argument("--all", action="store_true", help="check every vignette in the package")
    sub.add_parser("schema", help="print the JSON Schema of the vignette format")
    args = parser.parse_args(argv)

    if args.command == "schema":
        print(json.dumps(SCHEMA, indent=2))
        return 0

    files = [str(p) for p in vignette_files()] if args.all else args.files
    if not files:
        parser.error("name at least one file, or use --all")
    failures = 0
    for name in files:
        try:
            vignette = load(name)
        except VignetteError as error:
            failures += 1
            print(f"error: {error}", file=sys.stderr)
        else:
            print(f"ok: {name} ({len(vignette.nodes)} nodes, {len(vignette.paths())} paths, "
                  f"best score {vignette.max_score})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
