"""A learner in real JupyterLab: every notebook runs cleanly, every vignette plays to its debrief, the
knowledge checks validate, and each module goes through the exchange from fetch to submit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import content
from .known_messages import unexpected_console_messages
from .notebook_page import (
    UI_SECONDS,
    cells,
    debrief,
    open_notebook,
    play_to_the_end,
    players,
    replace_cell_text,
    run_all_cells_one_by_one,
    run_cells_through,
    show,
    unexpected_errors,
)

pytestmark = pytest.mark.browser

VIGNETTE_CELLS = [(notebook, index) for notebook in content.all_notebooks()
                  for index in content.cells_calling(content.ROOT / notebook, "play(")]
ANSWERED_MODULES = [n for n in content.released_notebooks() if content.answer_cells(content.ROOT / n)]


def assert_console_clean(console) -> None:
    unexpected = unexpected_console_messages(console.messages)
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)


@pytest.mark.parametrize("notebook", content.all_notebooks())
def test_every_cell_of_a_notebook_runs_without_an_error_the_learner_did_not_cause(
        notebook, lab, page, steps, console, workspace):
    panel = open_notebook(page, lab.lab_url(notebook, workspace))
    steps.shot("opened")
    count = run_all_cells_one_by_one(panel)
    steps.shot("all-cells-run")
    assert count > 0
    problems = unexpected_errors(panel)
    assert not problems, "error outputs a learner would see:\n" + "\n".join(
        f"  cell {p.cell}: {p.text[:500]}" for p in problems)
    assert_console_clean(console)


@pytest.mark.parametrize(("notebook", "cell"), VIGNETTE_CELLS)
def test_a_vignette_plays_to_its_debrief_by_clicking_choices_and_starts_again(
        notebook, cell, lab, page, steps, console, workspace):
    panel = open_notebook(page, lab.lab_url(notebook, workspace))
    run_cells_through(panel, cell)
    player = players(cells(panel).nth(cell))
    expect(player).to_be_visible(timeout=UI_SECONDS * 1000)
    show(player)
    steps.shot("vignette-shown")

    chosen = play_to_the_end(player, lambda button: button.click(), steps)

    assert chosen, "the case ended before any choice"
    expect(player.locator(".vignette-feedback")).to_be_visible()
    expect(debrief(player)).to_be_visible()
    for text in chosen:  # the debrief retraces the learner's path
        expect(player.locator("ol")).to_contain_text(text[:60])
    steps.shot("debrief")

    player.get_by_role("button", name="Play this case again").click()
    expect(debrief(player)).to_have_count(0)
    expect(player.locator("button.vignette-choice").first).to_be_visible()
    steps.shot("started-again")
    assert_console_clean(console)


@pytest.mark.parametrize("notebook", ANSWERED_MODULES)
def test_a_module_with_every_knowledge_check_answered_passes_validate(
        notebook, lab, page, steps, console, workspace):
    panel = open_notebook(page, lab.lab_url(notebook, workspace))
    for index, _grade_id, solution in content.answer_cells(lab.course_root / notebook, lab.course_root):
        cell = cells(panel).nth(index)
        replace_cell_text(cell, solution)
        expect(cell.locator(".cm-content")).to_contain_text(solution.splitlines()[0].strip())
    steps.shot("answers-typed")

    page.locator("jp-button.validate-button, .validate-button").first.click()
    dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog")
    expect(dialog).to_be_visible(timeout=180_000)
    steps.shot("validate-result")
    assert "nbgrader-SuccessDialog" in (dialog.get_attribute("class") or ""), dialog.inner_text()
    dialog.locator("button.jp-Dialog-button").first.click()
    expect(dialog).to_have_count(0)
    assert_console_clean(console)


def test_a_learner_fetches_and_submits_every_module_from_the_assignments_panel(lab, page, steps, console, workspace):
    modules = content.released_modules(lab.course_root)
    assert modules, "no module in release/"
    open_notebook(page, lab.lab_url(content.course.START_NOTEBOOK, workspace))
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-assignment-list"]').click()
    expect(page.locator("#released_assignments_list")).to_be_visible()
    steps.shot("assignments-panel")

    for module in modules:
        released = page.locator("#released_assignments_list > .list_item", has_text=module)
        expect(released).to_have_count(1, timeout=UI_SECONDS * 1000)
        released.locator(".item_status button").click()
        fetched = page.locator("#fetched_assignments_list > .list_item", has_text=module)
        expect(fetched).to_have_count(1, timeout=UI_SECONDS * 1000)
        steps.shot(f"fetched-{module}")
        assert (lab.course_root / "my-work" / module).is_dir()

        fetched.locator('.item_status button:text("Submit")').click()
        submitted = page.locator("#submitted_assignments_list > .list_item", has_text=module)
        expect(submitted).to_have_count(1, timeout=UI_SECONDS * 1000)
        steps.shot(f"submitted-{module}")
        inbound = lab.course_root / ".exchange" / "cod-iop" / "inbound"
        assert any(p.name.split("+")[1] == module for p in inbound.iterdir()), sorted(inbound.iterdir())
    assert_console_clean(console)

