"""A written answer is typed, not destroyed: in the learner's view, whatever a learner does after reading "click
it and type" (double click, click, Enter, then type a sentence), the sentence lands in the answer cell and no
cell of the module is added, changed or deleted. Letters typed outside an editor change no cell either."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from . import content
from .notebook_page import UI_SECONDS, cells, open_notebook, select_cell

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Every single-key command letter a sentence is likely to hold (a, b, d d, m, x, y, z, and Shift+M), and spaces.
SENTENCE = "My plan: add a daily check-in by phone, fix my next steps and book a visit; zero gaps."
SAVE_SECONDS = 30


def written_answer_notebook() -> str:
    """The first released notebook with a written answer cell (release/<module>/<file>)."""
    for notebook in content.released_notebooks():
        if written_answer_index(content.read(content.ROOT / notebook)["cells"]) is not None:
            return notebook
    pytest.skip("no released module has a written answer cell")


def written_answer_index(notebook_cells: list[dict]) -> int | None:
    for index, cell in enumerate(notebook_cells):
        if "written_answer" in cell.get("metadata", {}).get("curriculum", {}):
            return index
    return None


def fetched_copy(learner_lab, name: str) -> str:
    return learner_lab.fetched_copy(written_answer_notebook(), name)


def cell_shapes(path: Path) -> list[tuple[str, str]]:
    return [(cell["cell_type"], content.source_text(cell)) for cell in content.read(path)["cells"]]


def saved_cells(path: Path, answer: int, deadline: float) -> list[tuple[str, str]]:
    """The notebook's cells on disk once the save has landed (the answer cell no longer holds only the stub).

    Jupyter Server writes a notebook in place (it keeps a backup copy, not a temporary file it renames), so a
    read during the save can find the file empty or cut short: that read counts as "not landed yet"."""
    while True:
        try:
            shapes = cell_shapes(path)
        except json.JSONDecodeError:
            shapes = []
        landed = len(shapes) > answer and SENTENCE in shapes[answer][1]
        if landed or time.monotonic() > deadline:
            return shapes
        time.sleep(0.5)


def whole_cells(path: Path, deadline: float) -> list[tuple[str, str]]:
    """The notebook's cells once the file on disk is whole again (a save seen starting may not have finished)."""
    while True:
        try:
            return cell_shapes(path)
        except json.JSONDecodeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def rendered(cell):
    return cell.locator(".jp-MarkdownOutput")


def double_click(cell, page):
    rendered(cell).dblclick()


def click(cell, page):
    rendered(cell).click()


def click_then_enter(cell, page):
    rendered(cell).click()
    page.keyboard.press("Enter")


def double_click_click_then_enter(cell, page):
    rendered(cell).dblclick()
    cell.locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("Enter")


WAYS = {
    "double click, type": double_click,
    "click, type": click,
    "click, Enter, type": click_then_enter,
    "double click, click, Enter, type": double_click_click_then_enter,
}


def test_a_written_answer_typed_after_a_click_or_double_click_lands_in_its_cell_and_nothing_else_changes(
        learner_lab, learner_page, learner_steps, workspace):
    page = learner_page
    failures = []
    for number, (way, start_typing) in enumerate(WAYS.items(), start=1):
        notebook = fetched_copy(learner_lab, f"way{number}")
        on_disk = learner_lab.served_root / notebook
        before = cell_shapes(on_disk)
        answer = written_answer_index(content.read(on_disk)["cells"])
        panel = open_notebook(page, learner_lab, notebook, f"{workspace}-{number}")
        cell = cells(panel).nth(answer)
        rendered(cell).scroll_into_view_if_needed()
        expect(rendered(cell)).to_contain_text("Write your answer here", timeout=UI_SECONDS * 1000)

        start_typing(cell, page)
        page.keyboard.type(SENTENCE)
        learner_steps.shot(f"typed-{way}")
        page.keyboard.press("Control+s")
        after = saved_cells(on_disk, answer, time.monotonic() + SAVE_SECONDS)

        problems = []
        if len(after) != len(before):
            problems.append(f"the notebook went from {len(before)} to {len(after)} cells")
        else:
            changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new and i != answer]
            if changed:
                problems.append(f"cells {changed} changed")
            if after[answer][0] != "markdown":
                problems.append(f"the answer cell became a {after[answer][0]} cell")
            if SENTENCE not in after[answer][1]:
                problems.append(f"the answer cell holds {after[answer][1]!r}")
        if problems:
            failures.append(f"{way}: " + "; ".join(problems))
        page.keyboard.press("Escape")
    assert not failures, "typing a written answer went wrong:\n" + "\n".join(failures)


def test_letters_typed_while_no_editor_is_open_add_change_or_delete_no_cell(
        learner_lab, learner_page, learner_steps, workspace):
    """The second line of defence: in the learner's view the command-mode keys that add, delete, cut, paste,
    merge or change cells are off, and Ctrl+S still saves."""
    page = learner_page
    notebook = fetched_copy(learner_lab, "command-mode")
    on_disk = learner_lab.served_root / notebook
    before = cell_shapes(on_disk)
    answer = written_answer_index(content.read(on_disk)["cells"])
    panel = open_notebook(page, learner_lab, notebook, workspace)
    # A Markdown cell a third of the way down, selected in command mode as a click in its margin does.
    middle = next(i for i, (kind, _) in enumerate(before) if kind == "markdown" and i > len(before) // 3
                  and i != answer)
    target = cells(panel).nth(middle)
    target.scroll_into_view_if_needed()
    select_cell(target)
    expect(panel.locator(".jp-Notebook")).to_have_class(re.compile(r"\bjp-mod-commandMode\b"))
    expect(target).to_be_focused()  # the keys reach the notebook, not some other part of the page

    page.keyboard.type(SENTENCE)
    learner_steps.shot("typed-in-command-mode")
    saved_at = on_disk.stat().st_mtime_ns
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + SAVE_SECONDS
    while on_disk.stat().st_mtime_ns == saved_at and time.monotonic() < deadline:
        time.sleep(0.5)
    assert on_disk.stat().st_mtime_ns != saved_at, "Ctrl+S did not save the notebook"
    after = whole_cells(on_disk, time.monotonic() + SAVE_SECONDS)
    assert len(after) == len(before), f"the notebook went from {len(before)} to {len(after)} cells"
    changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert not changed, f"cells {changed} changed after typing outside an editor"
