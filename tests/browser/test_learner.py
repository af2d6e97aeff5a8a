"""A learner in real JupyterLab: every notebook runs cleanly, every vignette plays to its debrief, the
knowledge checks validate, and each module goes through the exchange from fetch to submit."""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from . import content
from .known_messages import unexpected_console_messages
from .notebook_page import (
    NOT_YET_ANSWERED,
    UI_SECONDS,
    cells,
    error_outputs,
    is_code,
    open_notebook,
    plain_outputs,
    replace_cell_text,
    run_all_from_menu,
    wait_for_idle_kernel,
)

# One JupyterLab server: `--dist loadgroup` keeps the group on one worker (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VIGNETTE_NOTEBOOKS = [n for n in content.all_notebooks() if content.cells_calling(content.ROOT / n, "play(")]
# Validate runs the whole module on the server: one module shows the button works (every module's checks
# are validated headlessly by the grading tests).
ANSWERED_MODULES = [n for n in content.released_notebooks() if content.answer_cells(content.ROOT / n)][:1]


def assert_console_clean(console) -> None:
    unexpected = unexpected_console_messages(console.messages)
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)


@pytest.mark.parametrize("notebook", content.each_notebook(content.all_notebooks()))
def test_every_cell_of_a_notebook_runs_without_an_error_the_learner_did_not_cause(notebook, renderings):
    rendering = renderings.get(notebook)
    assert rendering.cell_count == len(content.read(content.ROOT / notebook)["cells"]) > 0
    questions = content.answer_cells(content.ROOT / notebook)
    if questions:
        # An unanswered question says so in one friendly line and the run goes on past it, so every tool
        # below it appears (Run All must not stop at the first open question).
        unanswered = [line for line in rendering.lines if NOT_YET_ANSWERED.match(line.text)]
        assert len(unanswered) == len(questions), rendering.lines
    problems = rendering.errors
    assert not problems, f"error outputs a learner would see (screenshots in {rendering.folder}):\n" + "\n".join(
        f"  cell {p.cell}: {p.text[:500]}" for p in problems)
    unexpected = unexpected_console_messages(rendering.console)
    assert not unexpected, "browser console errors:\n" + "\n".join(unexpected)


@pytest.mark.parametrize("notebook", content.each_notebook(VIGNETTE_NOTEBOOKS))
def test_every_vignette_plays_to_its_debrief_by_clicking_choices_and_starts_again(notebook, renderings):
    rendering = renderings.get(notebook)
    assert [v["cell"] for v in rendering.vignettes] == content.cells_calling(content.ROOT / notebook, "play(")
    for vignette in rendering.vignettes:
        where = f"{notebook}, cell {vignette['cell']} (screenshots in {rendering.folder})"
        assert vignette["problem"] is None, f"{where}: {vignette['problem']}"
        assert vignette["chosen"], f"{where}: the case ended before any choice"
        assert vignette["feedback"], f"{where}: no feedback after the last choice"
        assert vignette["debrief"], f"{where}: no debrief at the end"
        assert vignette["path_in_debrief"], f"{where}: the debrief does not retrace the choices {vignette['chosen']}"
        assert vignette["started_again"], f"{where}: 'Play this case again' did not restart the case"


VALIDATE_SECONDS = 180  # Validate runs the whole module on the server


def learner_copy(lab, notebook: str, name: str) -> str:
    """A copy of a released notebook beside it, so what one test types does not reach another test."""
    source = lab.course_root / notebook
    copy = source.with_name(f"{source.stem}-{name}.ipynb")
    shutil.copyfile(source, copy)
    return copy.relative_to(lab.course_root).as_posix()


def press_validate(page, steps):
    """Press the course's Validate button on the notebook's toolbar (the learner's view has no other) and
    return the dialog it opens."""
    button = page.locator(".jp-NotebookPanel:visible .course-validate-button").get_by_role("button", name="Validate")
    expect(button).to_be_visible(timeout=UI_SECONDS * 1000)
    button.click()
    dialog = page.locator(".jp-Dialog").filter(has=page.locator(".jp-Dialog-header", has_text="Validate"))
    expect(dialog).to_be_visible(timeout=VALIDATE_SECONDS * 1000)
    steps.shot("validate-result")
    return dialog


def close(dialog) -> None:
    dialog.locator("button.jp-Dialog-button").first.click()
    expect(dialog).to_have_count(0)


def notebook_status(lab, notebook: str) -> dict:
    """What the course's server says about a notebook (the text Validate must show)."""
    return lab.api("GET", "/course-api/notebook-status?" + urlencode({"path": notebook}))


def assert_shows_the_servers_account(dialog, status: dict) -> None:
    text = dialog.inner_text()
    assert status["title"] and status["title"].split(" · ")[0] in dialog.locator(".jp-Dialog-header").inner_text()
    for line in filter(None, (line.strip() for line in status["message"].splitlines())):
        assert line in text, f"{line!r} is not in the dialog:\n{text}"
    for nbgrader_wording in ("Success", "passes all the tests", "Traceback", "most recent call", "Error"):
        assert nbgrader_wording not in text, text


@pytest.mark.parametrize("notebook", ANSWERED_MODULES)
def test_a_module_with_every_knowledge_check_answered_validates_in_plain_words(
        notebook, learner_lab, learner_page, learner_steps, console, workspace):
    page, steps = learner_page, learner_steps
    answers = content.answer_cells(learner_lab.course_root / notebook, learner_lab.course_root)
    copy = learner_lab.fetched_copy(notebook, "answered")
    panel = open_notebook(page, learner_lab, copy, workspace)
    for index, _grade_id, solution in answers:
        cell = cells(panel).nth(index)
        replace_cell_text(cell, solution)
        expect(cell.locator(".cm-content")).to_contain_text(solution.splitlines()[0].strip())
    steps.shot("answers-typed")

    dialog = press_validate(page, steps)
    # Validate saved the notebook first, so the server read the answers just typed.
    status = notebook_status(learner_lab, copy)
    assert status["module"] and status["ok"] and not status["unanswered"], status
    assert_shows_the_servers_account(dialog, status)
    close(dialog)
    assert_console_clean(console)


@pytest.mark.parametrize("notebook", ANSWERED_MODULES)
def test_validate_on_an_unanswered_module_names_each_open_question_without_a_traceback(
        notebook, learner_lab, learner_page, learner_steps, console, workspace):
    page, steps = learner_page, learner_steps
    questions = len(content.answer_cells(learner_lab.course_root / notebook, learner_lab.course_root))
    copy = learner_lab.fetched_copy(notebook, "unanswered")
    open_notebook(page, learner_lab, copy, workspace)

    dialog = press_validate(page, steps)
    status = notebook_status(learner_lab, copy)
    assert len(status["unanswered"]) >= questions, status
    assert_shows_the_servers_account(dialog, status)
    text = dialog.inner_text()
    for number in status["unanswered"]:
        assert re.search(rf"\b{number}\b", text), f"question {number} is not named:\n{text}"
    close(dialog)
    assert_console_clean(console)


def open_from_the_panel(page, fetched, module: str, lab, steps) -> None:
    """Open a fetched module's notebook from the panel (the README's step 2), then go back to the panel."""
    fetched.locator("a.assignment-notebooks-link").click()
    for notebook in sorted((lab.course_root / "my-work" / module).glob("*.ipynb")):
        fetched.locator(f"[id^='nbgrader-'] a:text-is('{notebook.stem}')").click()
        tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=notebook.name)
        expect(tab).to_be_visible(timeout=UI_SECONDS * 1000)
        expect(page.locator(".jp-NotebookPanel:visible .jp-Cell").first).to_be_visible(timeout=UI_SECONDS * 1000)
        steps.shot(f"opened-{notebook.stem}")
    page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Assignments").click()
    expect(page.locator("#fetched_assignments_list")).to_be_visible()


def test_a_learner_fetches_and_submits_every_module_from_the_assignments_panel(lab, page, steps, console, workspace):
    modules = content.released_modules(lab.course_root)
    assert modules, "no module in release/"
    open_notebook(page, lab, content.course.START_NOTEBOOK, workspace)
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-assignment-list"]').click()
    expect(page.locator("#released_assignments_list")).to_be_visible()
    expect(page.locator("#released_assignments_list_loading")).to_be_hidden(timeout=UI_SECONDS * 1000)
    steps.shot("assignments-panel")
    problem = page.locator("#released_assignments_list_error")
    assert not problem.is_visible(), (
        "the Assignments panel cannot reach the course's exchange: " + problem.inner_text().strip()
        + "\n(nbgrader's panel reads nbgrader_config.py from the learner's folder, my-work/, too)")

    for module in modules:
        released = page.locator("#released_assignments_list > .list_item", has_text=module)
        expect(released).to_have_count(1, timeout=UI_SECONDS * 1000)
        released.locator(".item_status button").click()
        fetched = page.locator("#fetched_assignments_list > .list_item", has_text=module)
        expect(fetched).to_have_count(1, timeout=UI_SECONDS * 1000)
        steps.shot(f"fetched-{module}")
        assert (lab.course_root / "my-work" / module).is_dir()
        if module == modules[0]:
            open_from_the_panel(page, fetched, module, lab, steps)

        fetched.locator('.item_status button:text("Submit")').click()
        # Every question is still open: the course says so before submitting, and the learner goes ahead.
        page.get_by_role("button", name="Submit anyway").click()
        submitted = page.locator("#submitted_assignments_list > .list_item", has_text=module)
        expect(submitted).to_have_count(1, timeout=UI_SECONDS * 1000)
        # Then it says what happens next.
        page.locator(".jp-Dialog", has=page.locator(".jp-Dialog-header", has_text="Submitted")).get_by_role(
            "button", name="OK").click()
        steps.shot(f"submitted-{module}")
        inbound = lab.course_root / ".exchange" / content.course_id(lab.course_root) / "inbound"
        assert any(p.name.split("+")[1] == module for p in inbound.iterdir()), sorted(inbound.iterdir())
    assert_console_clean(console)



def test_the_console_check_catches_an_error_a_page_reports(page, console):
    page.set_content("<script>console.error('a widget failed to render')</script>")
    page.wait_for_timeout(200)
    reported = [m for m in unexpected_console_messages(console.messages) if "a widget failed to render" in m]
    assert reported, console.messages


RUN_ALL_MODULE = next((n for n in content.released_notebooks() if "screening" in n), None)


@pytest.mark.skipif(RUN_ALL_MODULE is None, reason="no released screening module")
def test_run_all_from_the_menu_runs_every_cell_of_an_unanswered_module(lab, page, steps, console, workspace):
    """Start Here recommends Run All when something seems stuck: it must reach the last cell, so every
    screening form below an open question appears, and each open question says so in one line."""
    panel = open_notebook(page, lab, learner_copy(lab, RUN_ALL_MODULE, "run-all"), workspace)
    run_all_from_menu(page, panel)
    steps.shot("run-all-chosen")
    code_cells = [i for i in range(cells(panel).count()) if is_code(cells(panel).nth(i))]
    last_prompt = cells(panel).nth(code_cells[-1]).locator(".jp-InputPrompt")
    expect(last_prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=VALIDATE_SECONDS * 1000)
    wait_for_idle_kernel(panel)
    steps.shot("after-run-all")
    not_run = [i for i in code_cells
               if not re.search(r"\[\d+\]", cells(panel).nth(i).locator(".jp-InputPrompt").inner_text())]
    assert not not_run, f"Run All stopped before cells {not_run}"
    assert not error_outputs(panel), [e.text for e in error_outputs(panel)]
    unanswered = [line for line in plain_outputs(panel) if NOT_YET_ANSWERED.match(line.text)]
    assert len(unanswered) == len(content.answer_cells(lab.course_root / RUN_ALL_MODULE)), unanswered
    assert_console_clean(console)
