"""Coming back another day, in the learner's view: a module's tools, saved yesterday, show a plain prompt to run
their cell (never "Error displaying widget"), running it brings the tool back, and notebooks open unmodified.

The learner's view is started as `python3 course.py start` starts it, on a throwaway copy of the course; the
module is fetched with nbgrader's own command, as the Assignments panel does.
"""

from __future__ import annotations

import re
import secrets
import shutil

import pytest
from playwright.sync_api import expect

from widgets.saving import RUN_AGAIN

from . import content
from .lab import ARTIFACTS, LabServer, course, prepared_copy
from .notebook_page import (
    UI_SECONDS,
    WIDGET_FAILED,
    Console,
    Steps,
    accept_kernel_selection,
    cells,
    error_outputs,
    open_notebook,
    run_cells_through,
    show,
)
from .rendering import VIEWPORT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MODULE = content.released_modules()[0]
FETCHED = f"{MODULE}/{MODULE}.ipynb"
LEARNER_NOTEBOOKS = [*course.LEARNER_NOTEBOOKS, FETCHED]
DIRTY = re.compile(r"\bjp-mod-dirty\b")
# JupyterLab writes the kernel's details into the notebook a moment after the kernel is ready.
SETTLE_MS = 3_000


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory, chromium_path, prepared_course):
    """The learner's view of a fresh copy of the course, with MODULE fetched into the learner's folder."""
    base = tmp_path_factory.mktemp("coming-back")
    root = prepared_copy(prepared_course, base / "course")
    server = LabServer(root, base / "jupyter-state", ARTIFACTS / "jupyterlab-server-learner.log", view="learner")
    server.run("nbgrader", "fetch_assignment", MODULE, "--log-level=WARN")
    assert (server.served_root / FETCHED).exists()
    try:
        server.start()
        yield server
    finally:
        server.stop()


class Visit:
    """One sitting at the computer: a fresh browser context and workspace; leaving shuts the kernels down."""

    def __init__(self, browser, lab: LabServer, steps_folder):
        self.lab = lab
        self.context = browser.new_context(viewport=VIEWPORT, base_url=lab.url)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        accept_kernel_selection(self.page)
        self.console = Console()
        self.console.attach(self.page)
        self.steps = Steps(self.page, steps_folder)
        self.workspace = "test-" + secrets.token_hex(6)
        self.left = False

    def open(self, notebook: str):
        return open_notebook(self.page, self.lab, notebook, self.workspace)

    def tab(self, notebook: str):
        name = notebook.rsplit("/", 1)[-1]
        return self.page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=name)

    def leave(self) -> None:
        if self.left:
            return
        self.steps.shot("leaving")
        self.context.close()
        self.lab.shutdown_kernels()
        self.left = True


@pytest.fixture
def visits(browser, learner_lab, request):
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    opened = []

    def visit(day: str) -> Visit:
        opened.append(Visit(browser, learner_lab, folder / day))
        return opened[-1]

    yield visit
    for v in opened:
        v.leave()


def wait_until_kernel_details_are_written(panel) -> None:
    expect(panel.locator(".jp-Toolbar-kernelName")).to_contain_text("Python 3", timeout=UI_SECONDS * 1000)
    panel.page.wait_for_timeout(SETTLE_MS)


@pytest.mark.parametrize("notebook", LEARNER_NOTEBOOKS)
def test_a_notebook_opens_unmodified_in_the_learners_view(notebook, visits):
    visit = visits("today")
    panel = visit.open(notebook)
    wait_until_kernel_details_are_written(panel)
    visit.steps.shot("opened")
    expect(visit.tab(notebook)).to_be_visible()
    assert not DIRTY.search(visit.tab(notebook).get_attribute("class") or ""), (
        f"{notebook} is marked modified (a dot on its tab) although the learner has not touched it")


def tool_cells(notebook_path) -> list[int]:
    """The cells of a module that show a practice set and a case."""
    return [content.cells_calling(notebook_path, "practice(")[0], content.cells_calling(notebook_path, "play(")[0]]


def tools_in(cell):
    """A tool drawn by ipywidgets in a cell's outputs."""
    return cell.locator(".jp-OutputArea-output > .jupyter-widgets")


def prompts_in(cell):
    return cell.locator(".jp-OutputArea-output[data-mime-type='text/markdown']", has_text=RUN_AGAIN)


def test_a_module_saved_yesterday_shows_a_prompt_to_run_each_tool_and_running_it_brings_the_tool_back(
        learner_lab, visits):
    # A copy beside the fetched module, so the other tests open the module as it was fetched.
    notebook = f"{MODULE}/{MODULE}-came-back.ipynb"
    shutil.copyfile(learner_lab.served_root / FETCHED, learner_lab.served_root / notebook)
    tools = tool_cells(learner_lab.served_root / notebook)

    yesterday = visits("yesterday")
    panel = yesterday.open(notebook)
    run_cells_through(panel, max(tools))
    for index in tools:
        expect(tools_in(cells(panel).nth(index)).first).to_be_visible(timeout=UI_SECONDS * 1000)
    yesterday.steps.shot("tools-shown")
    yesterday.page.keyboard.press("Control+s")
    expect(yesterday.tab(notebook)).not_to_have_class(DIRTY, timeout=UI_SECONDS * 1000)
    # The open page keeps its live tools; only the file changed.
    for index in tools:
        expect(tools_in(cells(panel).nth(index)).first).to_be_visible()
        expect(prompts_in(cells(panel).nth(index))).to_have_count(0)
    yesterday.leave()

    today = visits("today")
    panel = today.open(notebook)
    show(prompts_in(cells(panel).nth(tools[-1])))
    today.steps.shot("came-back")
    broken = [e for e in error_outputs(panel) if WIDGET_FAILED in e.text]
    assert not broken, f"widget errors after coming back: {broken}"
    for index in tools:
        cell = cells(panel).nth(index)
        expect(prompts_in(cell)).to_have_count(1)
        expect(tools_in(cell)).to_have_count(0)
    assert WIDGET_FAILED not in panel.inner_text()

    run_cells_through(panel, max(tools))
    for index in tools:
        cell = cells(panel).nth(index)
        expect(tools_in(cell).first).to_be_visible(timeout=UI_SECONDS * 1000)
        expect(prompts_in(cell)).to_have_count(0)
    player = panel.locator(".vignette-player").first
    expect(player.locator("button.vignette-choice").first).to_be_visible()
    today.steps.shot("tools-back")
    assert WIDGET_FAILED not in panel.inner_text()
