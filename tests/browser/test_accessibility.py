"""Accessibility in real JupyterLab: axe-core over every rendered notebook, a vignette played with the
keyboard alone, and every figure's text alternative on the page."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from . import content
from .known_messages import KNOWN_CHROME_RULES, unexpected_console_messages
from .lab import ARTIFACTS
from .notebook_page import (
    UI_SECONDS,
    cells,
    debrief,
    describe,
    open_notebook,
    players,
    run_cells_through,
    serious,
    show,
    wait_until_replaced,
)

# One JupyterLab server: `--dist loadgroup` keeps the group on one worker (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Every vignette uses the same player, so one case played with the keyboard shows the player works
# without a mouse (every case is played with the mouse in test_learner).
FIRST_VIGNETTE = [(notebook, index) for notebook in content.all_notebooks()
                  for index in content.cells_calling(content.ROOT / notebook, "play(")][:1]
MAX_TABS = 30  # more Tab presses than this between two choices is itself a barrier


@pytest.mark.parametrize("notebook", content.each_notebook(content.all_notebooks()))
def test_our_cells_and_outputs_have_no_serious_or_critical_accessibility_violations(
        notebook, axe_source, renderings):
    rendering = renderings.get(notebook)
    assert rendering.axe_ours is not None
    problems = serious(rendering.axe_ours)
    assert not problems, f"axe-core, inside {notebook}'s cells (details in {rendering.folder}):\n" + describe(problems)


@pytest.mark.xdist_group(f"browser-{content.course.START_NOTEBOOK}")  # reads Start Here's rendering
def test_jupyterlab_interface_issues_are_listed_and_each_is_explained(axe_source, renderings):
    """JupyterLab's own interface is not ours to fix, but what axe finds there is written down and each
    rule is explained in known_messages.KNOWN_CHROME_RULES; a new serious one fails until it is."""
    rendering = renderings.get(content.course.START_NOTEBOOK)
    assert rendering.axe_chrome is not None
    found = serious(rendering.axe_chrome)
    report = ARTIFACTS / "axe-jupyterlab-interface.json"
    report.write_text(json.dumps([{**v, "explanation": KNOWN_CHROME_RULES.get(v["id"], "NOT EXPLAINED")}
                                  for v in found], indent=1))
    unexplained = [v for v in found if v["id"] not in KNOWN_CHROME_RULES]
    assert not unexplained, ("serious accessibility issues in JupyterLab's interface with no explanation in "
                             f"known_messages.KNOWN_CHROME_RULES (all listed in {report}):\n" + describe(unexplained))


@pytest.mark.parametrize("notebook", content.each_notebook(content.all_notebooks()))
def test_every_picture_is_a_course_figure_with_its_text_alternative_on_the_page(notebook, renderings):
    rendering = renderings.get(notebook)
    figures, bare = rendering.figures["figures"], rendering.figures["bareImages"]
    assert not bare, f"images without the course figure's text alternative in {notebook}: {bare}"
    for figure in figures:
        assert figure["alt"] and figure["alt"].strip(), f"a figure in {notebook} has an empty alt: {figure}"
        assert figure["caption"] and len(figure["caption"]) > 20, f"a figure in {notebook} has no text description: {figure}"
        assert figure["drawn"], f"a figure in {notebook} shows no picture (its source: {figure['source']}...)"


def focused(page) -> dict:
    return page.evaluate("""() => {
      const e = document.activeElement;
      return {tag: e ? e.tagName : null, text: e ? (e.innerText || '').trim().slice(0, 80) : '',
              choice: !!(e && e.classList.contains('vignette-choice')),
              restart: !!(e && e.closest('.vignette-player') && e.tagName === 'BUTTON'
                          && !e.classList.contains('vignette-choice')),
              outline: e ? getComputedStyle(e).outlineStyle : 'none'};
    }""")


def tab_to_a_choice(page) -> dict:
    """Press Tab until a choice button has the focus; the presses are bounded."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["choice"]:
            return now
    raise AssertionError(f"no choice reached with {MAX_TABS} presses of Tab; focus is on {focused(page)}")


@pytest.mark.parametrize(("notebook", "cell"), FIRST_VIGNETTE)
def test_a_vignette_plays_to_its_debrief_with_the_keyboard_alone(
        notebook, cell, lab, page, steps, console, workspace):
    panel = open_notebook(page, lab, notebook, workspace)
    run_cells_through(panel, cell)  # Shift+Enter on each cell, as a learner does
    player = players(cells(panel).nth(cell))
    expect(player.locator("button.vignette-choice").first).to_be_visible(timeout=UI_SECONDS * 1000)
    # Shift+Enter left the next cell selected; a keyboard user goes back up into the case with Shift+Tab.
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab")
        if focused(page)["choice"]:
            break
    else:
        raise AssertionError(f"Shift+Tab from the next cell never reached a choice; focus is on {focused(page)}")
    show(player)
    steps.shot("keyboard-focus-on-a-choice")

    keys = ["Enter", "Space"]
    for decision in range(40):
        if debrief(player).count():
            break
        now = focused(page)
        if not now["choice"]:
            now = tab_to_a_choice(page)
        assert now["outline"] != "none", f"the focused choice shows no focus outline: {now}"
        pressed = page.evaluate_handle("document.activeElement")
        page.keyboard.press(keys[decision % 2])
        feedback = player.locator(".vignette-feedback")
        expect(feedback).to_contain_text(now["text"][:40], timeout=UI_SECONDS * 1000)
        wait_until_replaced(page, pressed)
        # A screen reader announces the feedback without the learner moving there.
        expect(feedback).to_have_attribute("aria-live", "polite")
        steps.shot(f"keyboard-choice-{decision + 1}")
    expect(debrief(player)).to_be_visible()
    steps.shot("keyboard-debrief")

    for _ in range(MAX_TABS):  # the only button left is "Play this case again"
        if focused(page)["restart"]:
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached 'Play this case again'; focus is on {focused(page)}")
    page.keyboard.press("Enter")
    expect(debrief(player)).to_have_count(0, timeout=UI_SECONDS * 1000)
    expect(player.locator("button.vignette-choice").first).to_be_visible()
    steps.shot("keyboard-started-again")
    unexpected = unexpected_console_messages(console.messages)
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)
