"""The examples in the widgets package's docstrings run and show what they say.

Every module of the package whose source holds an example (">>>") is found by scanning the package, so a
new module with examples is checked the moment it exists.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import widgets

PACKAGE = Path(widgets.__file__).parent


def modules_with_examples() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>>" not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = modules_with_examples()


def test_the_scan_finds_the_modules_with_examples():
    assert {"widgets.progress", "widgets.quadrant", "widgets.screening"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(module)
    assert attempted, f"{name} has '>>>' but no docstring example doctest can find"
    assert not failed, f"{failed} of {attempted} examples in {name} failed (the report is above)"
