"""The course's choice controls in real JupyterLab: how they are laid out, reached and read.

Each test writes a small notebook into the throwaway course with the course's own calls (a practice set with
the longest options, a screening form, a case, a tool), runs it with Shift+Enter and measures the page:
bounding boxes for layout, computed styles for contrast and outlines, the focused element for the keyboard.
Long options must wrap beside their own radio at the notebook's normal width and at 200% zoom (the page
reflowed into half the width); each answer group must be one Tab stop of native radios sharing a name, so the
arrow keys move the answer; the checked answer must be announced as checked and stand out by at least 3:1;
focus outlines must be whole, with no scrollbar; after a case choice the focus must be on the next decision.
"""

from __future__ import annotations

import json
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect

from .notebook_page import (
    UI_SECONDS,
    cells,
    debrief,
    describe,
    open_notebook,
    players,
    run_axe,
    run_cells_through,
    serious,
    show,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ZOOM_200 = {"width": 700, "height": 450}  # 200% zoom of the tests' 1400 x 900 window: the same CSS layout
MIN_CONTRAST = 3.0
MAX_TABS = 12


def longest_practice_set() -> tuple[str, str]:
    """(module, set) of the practice set whose longest option is the longest in the course."""
    from widgets.practice import load_file, practice_files

    found = [(max(len(o.text) for item in s.items for o in item.options), s.module, name)
             for path in practice_files() for name, s in load_file(path).items()]
    _, module, name = max(found)
    return module, name


def first_vignette() -> str:
    from widgets.vignette import vignette_files
    from widgets.vignette.model import load

    return load(vignette_files()[0]).id


def open_cells(page: Page, lab, *sources: str) -> Locator:
    """A notebook of the given code cells in the served course, opened and run cell by cell."""
    name = f"keyboard-{secrets.token_hex(4)}.ipynb"
    notebook = {"nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                           "outputs": [], "source": source} for i, source in enumerate(sources)]}
    (lab.course_root / name).write_text(json.dumps(notebook), encoding="utf-8")
    panel = open_notebook(page, lab, name, "test-" + secrets.token_hex(6))
    for index, source in enumerate(sources):
        # run_cell treats a cell whose editor is not drawn yet as empty and does not wait for it to run.
        expect(cells(panel).nth(index).locator(".jp-InputArea-editor .cm-content")).to_contain_text(
            source.splitlines()[0], timeout=UI_SECONDS * 1000)
    run_cells_through(panel, len(sources) - 1)
    for index in range(len(sources)):
        expect(output(panel, index)).to_be_attached(timeout=UI_SECONDS * 1000)
    return panel


def output(panel: Locator, index: int) -> Locator:
    return cells(panel).nth(index).locator(".jp-OutputArea-output").first


# Every radio of an output, measured: its own option's text (as drawn, line by line) and where the radio is.
OPTION_BOXES = """(root) => {
  const boxes = [];
  root.querySelectorAll('input[type=radio]').forEach((radio) => {
    const label = radio.closest('label');
    const range = document.createRange();
    range.selectNodeContents(label);
    const lines = Array.from(range.getClientRects()).filter(r => r.width > 1 && r.height > 1)
      .filter(r => !(r.left >= radio.getBoundingClientRect().left - 1 && r.right <= radio.getBoundingClientRect().right + 1));
    const text = lines.reduce((a, r) => a ? {left: Math.min(a.left, r.left), top: Math.min(a.top, r.top),
      right: Math.max(a.right, r.right), bottom: Math.max(a.bottom, r.bottom)} : {left: r.left, top: r.top,
      right: r.right, bottom: r.bottom}, null);
    const r = radio.getBoundingClientRect();
    boxes.push({text: label.innerText.trim().slice(0, 50), radio: {left: r.left, top: r.top, right: r.right,
                bottom: r.bottom}, words: text, clipped: label.scrollHeight > label.clientHeight + 1});
  });
  return boxes;
}"""


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 and \
        b["top"] < a["bottom"] - 1


def layout_problems(boxes: list[dict]) -> list[str]:
    problems = []
    for n, box in enumerate(boxes):
        words, radio = box["words"], box["radio"]
        if words is None:
            problems.append(f"{box['text']!r}: no text drawn")
            continue
        if box["clipped"]:
            problems.append(f"{box['text']!r}: its text is cut off by its own box")
        if not (radio["right"] <= words["left"] + 1 and words["left"] - radio["right"] < 24):
            problems.append(f"{box['text']!r}: the radio is not just left of its text ({radio} vs {words})")
        if not (radio["top"] < words["bottom"] and words["top"] < radio["bottom"]):
            problems.append(f"{box['text']!r}: the radio is not beside its text ({radio} vs {words})")
        for other in boxes[n + 1:]:
            if other["words"] and overlap(words, other["words"]):
                problems.append(f"{box['text']!r} and {other['text']!r}: the texts overlap")
            if overlap(radio, other["radio"]):
                problems.append(f"{box['text']!r} and {other['text']!r}: the radios overlap")
    return problems


@pytest.mark.parametrize("window", [None, ZOOM_200], ids=["normal-width", "zoom-200"])
def test_long_practice_options_wrap_beside_their_own_radio_without_overlapping(lab, page, steps, window):
    module, name = longest_practice_set()
    panel = open_cells(page, lab, f'from widgets.practice import practice\npractice("{module}", "{name}")')
    practice = output(panel, 0)
    expect(practice.locator("input[type=radio]").first).to_be_attached(timeout=UI_SECONDS * 1000)
    if window:  # zoomed in once the notebook runs: JupyterLab folds its toolbar, kernel status included
        page.set_viewport_size(window)
        page.wait_for_function("width => document.querySelector('.jp-NotebookPanel').offsetWidth < width",
                               arg=window["width"], timeout=UI_SECONDS * 1000)
    show(practice)
    steps.shot("practice")
    boxes = practice.evaluate(OPTION_BOXES)
    assert boxes, "no radio buttons in the practice set"
    assert any(b["words"] and b["words"]["bottom"] - b["words"]["top"] > 30 for b in boxes), \
        "no option wraps onto a second line: the test does not show long options"
    problems = layout_problems(boxes)
    assert not problems, "practice options:\n" + "\n".join(problems[:20])


FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, type: e.type || null, name: e.name || null, text: (e.innerText || '').trim().slice(0, 80),
          choice: e.classList.contains('vignette-choice'), group: e.closest('[role=radiogroup]') ?
          (document.getElementById(e.closest('[role=radiogroup]').getAttribute('aria-labelledby')) || {}).textContent
          : null};
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def test_each_screening_item_is_one_tab_stop_of_native_radios_that_share_a_name(lab, page, steps):
    panel = open_cells(page, lab, 'from widgets.screening_view import screening_form\nscreening_form("phq9")')
    form = output(panel, 0)
    groups = form.get_by_role("radiogroup")
    expect(groups).to_have_count(9, timeout=UI_SECONDS * 1000)
    for n in range(9):
        radios = groups.nth(n).locator("input[type=radio]")
        names = {radios.nth(i).get_attribute("name") for i in range(radios.count())}
        assert radios.count() == 4 and len(names) == 1 and None not in names and "" not in names, \
            f"item {n + 1}: its radios must share one name, so the arrow keys move between them ({names})"
    # Tab from the first item's answer reaches the second item's, and so on: one stop per item.
    groups.nth(0).locator("input[type=radio]").first.focus()
    for n in range(2, 6):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["type"] == "radio" and now["group"] and now["group"].startswith(f"{n}. "), \
            f"one Tab press should go from item {n - 1} to item {n}; focus is on {now}"
    steps.shot("tabbed-through-items")


# The contrast of two CSS colours (WCAG 2), and the colour behind an element.
CHECKED_STYLE = """(option) => {
  const luminance = (c) => {
    const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
                               return (x + 0.05) / (y + 0.05); };
  const opaque = (c) => !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent';
  const behind = (e) => { for (let n = e.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor; if (opaque(c)) return c; } return 'rgb(255, 255, 255)'; };
  const style = getComputedStyle(option);
  const unchecked = Array.from(option.parentElement.children).find(o => o !== option);
  const other = getComputedStyle(unchecked);
  const page = behind(option);
  const edge = opaque(style.borderTopColor) && parseFloat(style.borderTopWidth) >= 1 ? style.borderTopColor : null;
  return {edge, page, edgeVsPage: edge ? contrast(edge, page) : 0,
          edgeVsNeighbour: edge ? contrast(edge, opaque(other.borderTopColor) ? other.borderTopColor : behind(unchecked)) : 0,
          neighbourEdge: opaque(other.borderTopColor) && parseFloat(other.borderTopWidth) >= 1};
}"""


def test_the_checked_answer_is_announced_as_checked_and_stands_out_by_3_to_1(lab, page, steps):
    panel = open_cells(page, lab, 'from widgets.screening_view import screening_form\nscreening_form("gad7")')
    form = output(panel, 0)
    item = form.get_by_role("radiogroup").first
    expect(item).to_be_visible(timeout=UI_SECONDS * 1000)
    answer = item.get_by_role("radio").nth(2)
    answer.click()
    expect(item.get_by_role("radio", checked=True)).to_have_count(1)
    expect(answer).to_be_checked()
    # The kernel has the answer: item 1 is no longer listed as still to answer.
    expect(form).to_contain_text("Still to answer: 2, 3", timeout=UI_SECONDS * 1000)
    show(item)
    steps.shot("answer-checked")
    style = answer.locator("xpath=ancestor::label[1]").evaluate(CHECKED_STYLE)
    assert style["edgeVsPage"] >= MIN_CONTRAST, f"the checked answer's outline against the page: {style}"
    assert style["edgeVsNeighbour"] >= MIN_CONTRAST, f"the checked answer's outline against its neighbour: {style}"
    # A box drawn around the checked answer only (besides the radio's dot): not a change of colour alone.
    assert not style["neighbourEdge"], f"the unchecked answers have the same box: {style}"


# Does any box between the focused element and its output clip the outline or show a scrollbar?
OUTLINE = """(root) => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const grow = (parseFloat(style.outlineWidth) || 0) + Math.max(0, parseFloat(style.outlineOffset) || 0);
  const r = e.getBoundingClientRect();
  const ring = {left: r.left - grow, top: r.top - grow, right: r.right + grow, bottom: r.bottom + grow};
  const clipped = [], scrollbars = [];
  for (let n = e.parentElement; n && n !== root.parentElement; n = n.parentElement) {
    const s = getComputedStyle(n);
    const b = n.getBoundingClientRect();
    const name = n.tagName + '.' + Array.from(n.classList).join('.');
    if (s.overflowX !== 'visible' && (ring.left < b.left - 0.5 || ring.right > b.right + 0.5)) clipped.push(name);
    if (s.overflowY !== 'visible' && (ring.top < b.top - 0.5 || ring.bottom > b.bottom + 0.5)) clipped.push(name);
  }
  root.querySelectorAll('*').forEach((n) => {
    const s = getComputedStyle(n);
    const x = ['auto', 'scroll'].includes(s.overflowX) && n.scrollWidth > n.clientWidth + 1;
    const y = ['auto', 'scroll'].includes(s.overflowY) && n.scrollHeight > n.clientHeight + 1;
    if (x || y) scrollbars.push(n.tagName + '.' + Array.from(n.classList).join('.'));
  });
  return {tag: e.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0,
          focusVisible: e.matches(':focus-visible'), clipped, scrollbars};
}"""


def keyboard_focus(page: Page, target: Locator) -> None:
    """Put the focus on `target` as the keyboard does (so :focus-visible applies): focus it, Shift+Tab, Tab.

    JupyterLab moves the focus to the next cell a moment after Shift+Enter; if that lands in between, the
    same three steps are taken again (a bounded number of times).
    """
    for _ in range(3):
        target.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Shift+Tab then Tab does not come back to {target}; the focus is on {focused(page)}")


def test_a_focused_case_choice_shows_its_whole_outline_and_the_case_has_no_scrollbar(lab, page, steps):
    panel = open_cells(page, lab, f'from widgets.vignette import play\nplay("{first_vignette()}")')
    player = players(output(panel, 0))
    first = player.locator("button.vignette-choice").first
    expect(first).to_be_visible(timeout=UI_SECONDS * 1000)
    keyboard_focus(page, first)
    show(player)
    steps.shot("choice-focused")
    ring = output(panel, 0).evaluate(OUTLINE)
    assert ring["focusVisible"] and ring["outline"] != "none" and ring["width"] >= 2, f"no visible outline: {ring}"
    assert not ring["clipped"], f"the focus outline is cut off by {ring['clipped']}"
    assert not ring["scrollbars"], f"scrollbars inside the case: {ring['scrollbars']}"


def test_after_a_case_choice_the_focus_is_on_the_next_decision_and_at_the_end_on_play_again(lab, page, steps):
    panel = open_cells(page, lab, f'from widgets.vignette import play\nplay("{first_vignette()}")')
    player = players(output(panel, 0))
    expect(player.locator("button.vignette-choice").first).to_be_visible(timeout=UI_SECONDS * 1000)
    expect(player.get_by_role("button", name="Play this case again")).to_be_hidden()  # nothing to play again yet
    keyboard_focus(page, player.locator("button.vignette-choice").first)
    for decision in range(40):
        if debrief(player).count():
            break
        now = focused(page)
        assert now["choice"], f"decision {decision + 1}: the focus is not on a choice but on {now}"
        pressed = page.evaluate_handle("document.activeElement")
        page.keyboard.press("Enter")
        expect(player.locator(".vignette-feedback")).to_contain_text(now["text"][:40], timeout=UI_SECONDS * 1000)
        page.wait_for_function("button => !button.isConnected", arg=pressed, timeout=UI_SECONDS * 1000)
        steps.shot(f"after-choice-{decision + 1}")
    expect(debrief(player)).to_be_visible()
    now = focused(page)
    assert now["tag"] == "BUTTON" and now["text"] == "Play this case again", f"at the debrief the focus is on {now}"
    page.keyboard.press("Enter")
    expect(debrief(player)).to_have_count(0, timeout=UI_SECONDS * 1000)
    expect(player.locator("button.vignette-choice").first).to_be_focused()


def test_try_again_puts_the_focus_back_on_the_answers(lab, page, steps):
    from widgets.practice import load

    module, name = longest_practice_set()
    item = load(module, name).items[0]
    wrong = next(n for n, option in enumerate(item.options) if not option.correct)
    panel = open_cells(page, lab, f'from widgets.practice import practice\npractice("{module}", "{name}")')
    practice = output(panel, 0)
    radios = practice.get_by_role("radio")  # the first item's come first
    expect(radios.first).to_be_visible(timeout=UI_SECONDS * 1000)
    radios.nth(wrong).click()
    practice.get_by_role("button", name="Check").first.click()
    retry = practice.get_by_role("button", name="Try again").first
    expect(retry).to_be_visible(timeout=UI_SECONDS * 1000)
    keyboard_focus(page, retry)
    page.keyboard.press("Enter")
    expect(retry).to_be_hidden(timeout=UI_SECONDS * 1000)
    expect(radios.first).to_be_focused(timeout=UI_SECONDS * 1000)
    steps.shot("focus-back-on-answers")


def test_the_choice_controls_have_no_serious_accessibility_violations(lab, page, axe_source, steps):
    module, name = longest_practice_set()
    panel = open_cells(
        page, lab,
        f'from widgets.practice import practice\npractice("{module}", "{name}")',
        'from widgets.screening_view import screening_form\nscreening_form("cssrs")',
        f'from widgets.vignette import play\nplay("{first_vignette()}")',
        "from widgets.tool_views import iop_week_builder\niop_week_builder()",
    )
    # Every question of the practice set, the form and the tool is a radio group; one answer is checked.
    from widgets.practice import load

    shown_first = {"C-SSRS": 3, "IOP week builder": 3}  # C-SSRS asks 1, 2 and 6 before any answer
    questions = len(load(module, name).items) + sum(shown_first.values())
    expect(panel.get_by_role("radiogroup")).to_have_count(questions, timeout=UI_SECONDS * 1000)
    panel.get_by_role("radio").first.click()
    expect(panel.get_by_role("radio", checked=True).first).to_be_visible()
    steps.shot("controls")
    problems = serious(run_axe(page, axe_source, ours=True))
    assert not problems, "axe-core inside the controls:\n" + describe(problems)
