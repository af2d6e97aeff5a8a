"""A module's evaluation form filled in with the keyboard alone: Tab to each question, Space to choose its first
answer (the arrow keys to move it), Tab to the comment and type, Tab to Save my evaluation and Enter. The live
region says it is saved, the file is beside the notebook with every answer, and the notebook's selected cell
never moved."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from . import content
from .notebook_page import UI_SECONDS, cells, open_notebook, run_cell
from .test_tool_keys import FOCUS, tab_to_radio_group, tab_until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The first module's evaluation form, found on disk so it follows the content.
EVALUATIONS = [(notebook, index) for notebook in content.released_notebooks()
               for index in content.cells_calling(content.ROOT / notebook, "evaluation_form(")][:1]


@pytest.mark.parametrize(("notebook", "index"), EVALUATIONS)
def test_the_evaluation_form_is_filled_in_and_saved_with_the_keyboard_alone(
        notebook, index, learner_lab, learner_page, learner_steps, workspace):
    from widgets.evaluation import EVALUATION_FILE, OBJECTIVE_MET, RELEVANCE

    page = learner_page
    copy = learner_lab.fetched_copy(notebook, "evaluation-keys")
    saved = (learner_lab.served_root / copy).parent / EVALUATION_FILE
    saved.unlink(missing_ok=True)
    panel = open_notebook(page, learner_lab, copy, workspace)
    run_cell(panel, index)
    form = cells(panel).nth(index)
    expect(form.get_by_role("button", name="Save my evaluation")).to_be_visible(timeout=UI_SECONDS * 1000)
    groups = form.locator("[role=radiogroup]")
    count = groups.count()
    objectives = count - 3  # then relevance, clarity and time spent
    assert objectives >= 3, count
    for i in range(count):  # every question is labelled by its text
        assert groups.nth(i).get_attribute("aria-labelledby")
    form.locator(".jp-InputPrompt").first.click()
    selected = page.evaluate(FOCUS)["active"]

    name = None
    for group in range(count):
        name = tab_to_radio_group(page, index, after=name)["name"]
        page.keyboard.press("Space")
        if group == objectives:  # relevance: move to the second answer with the arrow keys
            page.keyboard.press("ArrowDown")
        state = page.evaluate(FOCUS)
        assert state["checked"] == (1 if group == objectives else 0), (group, state)
        assert state["active"] == selected, f"a key moved the notebook's selected cell: {state}"
    tab_until(page, "() => document.activeElement && document.activeElement.tagName", "TEXTAREA", "the comment box")
    page.keyboard.type("The first call case felt like my own work.")
    tab_until(page, "() => document.activeElement && document.activeElement.innerText.trim()", "Save my evaluation")
    page.keyboard.press("Enter")
    said = form.locator("[role=status]").filter(has_text="Saved.").first
    expect(said).to_be_visible(timeout=UI_SECONDS * 1000)
    expect(said).to_have_attribute("aria-live", "polite")
    learner_steps.shot("evaluation-saved-by-keyboard")
    assert page.evaluate(FOCUS)["active"] == selected, "a key reached JupyterLab and moved the selected cell"

    answers = json.loads(saved.read_text(encoding="utf-8"))
    assert len(answers["objectives"]) == objectives
    assert set(answers["objectives"].values()) == {OBJECTIVE_MET[0]}
    assert answers["relevance"] == RELEVANCE[1]
    assert answers["clarity"] and answers["time_spent"]
    assert answers["comment"] == "The first call case felt like my own work."
