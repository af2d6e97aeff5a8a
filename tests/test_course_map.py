"""Every module in source/ is on the course map a learner and an agency read: Start Here's list of modules
and the README's course table, in course order, under the title its notebook gives it."""

from __future__ import annotations

import re

import nbformat

from tests.conftest import ROOT
from widgets.questions import read_module


def modules():
    found = [read_module(folder) for folder in sorted((ROOT / "source").iterdir())
             if folder.is_dir() and any(folder.glob("*.ipynb"))]
    assert found
    return sorted(found, key=lambda m: m.number)


def test_start_here_lists_every_module_in_order():
    text = nbformat.read(ROOT / "notebooks" / "00-start-here.ipynb", as_version=4).cells[0].source
    listed = re.findall(r"^\d+\. (.+)$", text.split("**The modules**", 1)[1], re.M)
    assert listed[:len(modules())] == [m.title for m in modules()]


def test_the_readme_course_table_lists_every_module_in_order():
    rows = re.findall(r"^\| (\d+) · ([^|]+?) \|", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert [(int(n), title) for n, title in rows] == [(m.number, m.title) for m in modules()]
