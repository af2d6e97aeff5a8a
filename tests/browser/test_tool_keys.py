"""Arrow keys act inside the course's tools: with the keyboard focus in a practice question's answers, the
arrow keys move the answer and the notebook's selected cell stays where it is (JupyterLab would otherwise
take the arrow keys and move the cell selection)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import content
from .notebook_page import UI_SECONDS, cells, open_notebook, run_cell

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

START_HERE = content.course.START_NOTEBOOK.split("/")[-1]  # the learner's own copy, in their folder
MAX_TABS = 40  # far more Tab presses than there are controls before the first answer

FOCUS = """() => {
  const focused = document.activeElement;
  const cell = focused && focused.closest('.jp-Cell');
  const cellsOnPage = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell'));
  const radios = focused && focused.type === 'radio' && focused.name
    ? Array.from(document.getElementsByName(focused.name)) : [];
  return {
    radio: Boolean(focused && focused.type === 'radio'),
    cell: cell ? cellsOnPage.indexOf(cell) : -1,
    checked: radios.findIndex(r => r.checked),
    options: radios.length,
    active: cellsOnPage.findIndex(c => c.classList.contains('jp-mod-active')),
  };
}"""


def test_arrow_keys_move_a_practice_answer_and_leave_the_notebook_selection_alone(
        learner_lab, learner_page, learner_steps, workspace):
    page = learner_page
    notebook = START_HERE
    practice_cell = content.cells_calling(learner_lab.served_root / notebook, "practice(")[0]
    panel = open_notebook(page, learner_lab, notebook, workspace)
    run_cell(panel, practice_cell)
    tool = cells(panel).nth(practice_cell)
    expect(tool.locator("input[type=radio]").first).to_be_visible(timeout=UI_SECONDS * 1000)
    tool.locator(".jp-InputPrompt").first.click()  # the cell selected, as a learner's click in its margin does

    state = page.evaluate(FOCUS)
    for _ in range(MAX_TABS):
        if state["radio"]:
            break
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS)
    assert state["radio"] and state["cell"] == practice_cell, f"Tab never reached the answers: {state}"
    learner_steps.shot("answers-focused")
    assert state["options"] >= 2, state

    page.keyboard.press("ArrowDown")
    after = page.evaluate(FOCUS)
    learner_steps.shot("after-arrow-down")
    assert after["radio"] and after["cell"] == practice_cell, f"the focus left the answers: {after}"
    assert after["checked"] not in (-1, state["checked"]), f"ArrowDown did not move the answer: {state} -> {after}"
    assert after["active"] == state["active"], f"ArrowDown moved the notebook's selected cell: {state} -> {after}"

    page.keyboard.press("ArrowUp")
    back = page.evaluate(FOCUS)
    assert back["checked"] != after["checked"] and back["active"] == state["active"], (after, back)


# The stage-matching exercise (Module 5), found on disk so it follows the content.
STAGE_MATCHING = [(notebook, index) for notebook in content.released_notebooks()
                  for index in content.cells_calling(content.ROOT / notebook, "stage_matching(")][:1]


def tab_until(page, focused_js: str, wanted: str, what: str | None = None) -> None:
    """Press Tab until `focused_js` (about the focused element) gives `wanted`, as a keyboard user moves on."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(focused_js) == wanted:
            return
    raise AssertionError(f"Tab never reached {what or wanted}")


def tab_to_radio_group(page, cell: int, after: str | None = None, tabs: int = MAX_TABS) -> dict:
    """Press Tab until the focus is on a radio of this cell whose group is not `after` (the group left)."""
    for _ in range(tabs):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS)
        name = page.evaluate("() => document.activeElement && document.activeElement.name")
        if state["radio"] and state["cell"] == cell and name != after:
            return {**state, "name": name}
    raise AssertionError(f"Tab never reached the next group of answers in cell {cell}")


@pytest.mark.parametrize(("notebook", "index"), STAGE_MATCHING)
def test_a_client_statement_is_sorted_checked_and_explained_with_the_keyboard_alone(
        notebook, index, learner_lab, learner_page, learner_steps, workspace):
    """Tab to the stage, Space and the arrow keys to choose it, the same for the approach, Tab to Check and
    Enter: the verdict says right, why and its source, and the notebook's selected cell never moved."""
    from widgets.stage_matching import load

    exercise = load(notebook.split("/")[-2])
    first = exercise.statements[0]
    stage_at, approach_at = list(exercise.stages).index(first.stage), list(exercise.approaches).index(first.approach)
    page = learner_page
    panel = open_notebook(page, learner_lab, learner_lab.fetched_copy(notebook, "stage-keys"), workspace)
    run_cell(panel, index)
    tool = cells(panel).nth(index)
    expect(tool.locator("input[type=radio]").first).to_be_visible(timeout=UI_SECONDS * 1000)
    tool.locator(".jp-InputPrompt").first.click()
    selected = page.evaluate(FOCUS)["active"]

    group_name = None
    for steps_to_answer in (stage_at, approach_at):
        group_name = tab_to_radio_group(page, index, after=group_name)["name"]
        page.keyboard.press("Space")
        for _ in range(steps_to_answer):
            page.keyboard.press("ArrowDown")
        state = page.evaluate(FOCUS)
        assert state["checked"] == steps_to_answer and state["active"] == selected, state
    learner_steps.shot("sorted-by-keyboard")

    for _ in range(5):  # the Check button follows the approach group
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.innerText") == "Check":
            break
    page.keyboard.press("Enter")
    verdict = tool.locator("[role=status]").filter(has_text="Right.").first
    expect(verdict).to_be_visible(timeout=UI_SECONDS * 1000)
    expect(verdict).to_contain_text("Source:")
    learner_steps.shot("checked-by-keyboard")
    assert page.evaluate(FOCUS)["active"] == selected, "a key reached JupyterLab and moved the selected cell"


# The first plan builder a module shows (Module 7's relapse-prevention plan), found on disk.
PLAN_BUILDERS = [(notebook, index) for notebook in content.released_notebooks()
                 for index in content.cells_calling(content.ROOT / notebook, "plan_builder(")][:1]


@pytest.mark.parametrize(("notebook", "index"), PLAN_BUILDERS)
def test_a_plan_is_checked_and_saved_as_a_pdf_with_the_keyboard_alone(
        notebook, index, learner_lab, learner_page, learner_steps, workspace):
    """Run the plan's cell, Tab to Save as PDF and press Enter: the live region names the file, and the PDF is
    beside the notebook, one page long."""
    page = learner_page
    copy = learner_lab.fetched_copy(notebook, "plan-keys")
    panel = open_notebook(page, learner_lab, copy, workspace)
    run_cell(panel, index)
    tool = cells(panel).nth(index)
    save = tool.get_by_role("button", name="Save as PDF")
    expect(save).to_be_visible(timeout=UI_SECONDS * 1000)
    expect(tool.locator("[role=status]").first).to_contain_text("The plan")  # the check shows before any save
    tool.locator(".jp-InputPrompt").first.click()
    tab_until(page, "() => document.activeElement && document.activeElement.innerText.trim()", "Save as PDF")
    page.keyboard.press("Enter")
    said = tool.locator("[role=status]").filter(has_text="Saved as").first
    expect(said).to_be_visible(timeout=UI_SECONDS * 1000)
    learner_steps.shot("saved-by-keyboard")
    name = said.inner_text().split("Saved as ", 1)[1].split(" in ", 1)[0]
    pdf = (learner_lab.served_root / copy).parent / name
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), pdf
    assert b"/Count 1" in pdf.read_bytes(), "the plan is one page"
