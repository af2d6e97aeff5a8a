"""Driving JupyterLab in the browser as a learner does: open a notebook, run its cells, read what shows.

Every wait is bounded; every step can leave a screenshot in test-artifacts/<test name>/.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import JSHandle, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CELL_SECONDS = 120  # nbgrader_config.py allows a cell two minutes; so do we
UI_SECONDS = 30
POLL_MS = 50  # how often a wait looks at the page: a cell that takes a tenth of a second is seen to have run within a twentieth more

# The one error output a learner is meant to see: an unanswered knowledge check (widgets.checks).
UNANSWERED = re.compile(r"^\u2717 Question \d+ has no answer yet\b")  # as Validate reports it
NOT_YET_ANSWERED = re.compile(r"^\u25cb Question \d+ has no answer yet\b")  # as the learner's own run shows it
WIDGET_FAILED = "Error displaying widget"


@dataclass
class Steps:
    """Numbered screenshots of one test, so a failure can be seen."""

    page: Page
    folder: Path
    count: int = 0

    def shot(self, name: str) -> Path:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.count:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
        try:
            self.page.screenshot(path=str(path), full_page=False, timeout=10_000)
        except Exception as error:  # a screenshot must never hide the real failure
            path.with_suffix(".txt").write_text(f"no screenshot: {error}\n")
        return path


@dataclass
class Console:
    """Browser-console errors and uncaught page errors, as text."""

    messages: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            self.messages.append(f"{message.text} [{location.get('url', '')}]")


def show(locator: Locator) -> None:
    """Scroll something into view for a screenshot; a widget re-drawing meanwhile is no failure."""
    try:
        locator.scroll_into_view_if_needed(timeout=5_000)
    except Exception:  # noqa: BLE001 - only the screenshot is affected
        pass


def accept_kernel_selection(page: Page) -> None:
    """Answer JupyterLab's "Select Kernel" dialog with its preselected kernel whenever it appears.

    On a busy machine JupyterLab sometimes asks which kernel to start for a notebook opened straight from
    its address, even though the notebook names its kernel (and sometimes after starting it). The dialog
    offers the notebook's own kernel, Python 3; a learner presses Select, and so does every test. Without
    this, the dialog covers the page and the next click times out.
    """
    dialog = page.locator(".jp-Dialog").filter(has=page.locator(".jp-Dialog-header", has_text="Select Kernel"))

    def select(found: Locator) -> None:
        found.get_by_role("button", name="Select Kernel").click()

    page.add_locator_handler(dialog, select)


def wait_for_lab(page: Page) -> None:
    expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=90_000)
    # JupyterLab shows a splash screen until the shell is restored.
    expect(page.locator("#jupyterlab-splash")).to_have_count(0, timeout=90_000)


# The notebook is open: JupyterLab's shell is restored, the notebook's panel shows all its cells and its
# kernel is idle. Checked in the page every POLL_MS, so a test goes on the moment it is true.
OPENED = """expected => {
  const shown = e => !!e && e.getBoundingClientRect().width > 0;
  if (!shown(document.querySelector('#jp-main-dock-panel')) || document.querySelector('#jupyterlab-splash')) return false;
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(shown);
  if (!panel || panel.querySelectorAll('.jp-Notebook .jp-Cell').length !== expected) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return !!indicator && indicator.getAttribute('data-status') === 'idle';
}"""
IDLE = "indicator => indicator.getAttribute('data-status') === 'idle'"


def open_notebook(page: Page, lab, notebook: str, workspace: str) -> Locator:
    """Open a notebook of the served course; wait until all its cells are on the page and its kernel is
    idle. Returns the notebook panel."""
    expected = len(json.loads((lab.served_root / notebook).read_text(encoding="utf-8"))["cells"])
    page.goto(lab.lab_url(notebook, workspace), timeout=90_000)
    panel = page.locator(".jp-NotebookPanel:visible").first
    try:
        page.wait_for_function(OPENED, arg=expected, polling=POLL_MS, timeout=150_000)
    except PlaywrightTimeoutError:  # say which part never came
        wait_for_lab(page)
        expect(cells(panel)).to_have_count(expected, timeout=1_000)
        wait_for_idle_kernel(panel, timeout=1)
    return panel


def wait_for_idle_kernel(panel: Locator, timeout: float = CELL_SECONDS) -> None:
    indicator = panel.locator(".jp-Notebook-ExecutionIndicator")
    try:
        panel.page.wait_for_function(IDLE, arg=indicator.element_handle(timeout=timeout * 1000), polling=POLL_MS,
                                     timeout=timeout * 1000)
    except PlaywrightTimeoutError:
        expect(indicator).to_have_attribute("data-status", "idle", timeout=1_000)


def cells(panel: Locator) -> Locator:
    return panel.locator(".jp-Notebook .jp-Cell")


def is_code(cell: Locator) -> bool:
    return "jp-CodeCell" in (cell.get_attribute("class") or "")


def cell_source(cell: Locator) -> str:
    return cell.locator(".jp-InputArea-editor .cm-content").inner_text()


ACTIVE = re.compile(r"\bjp-mod-active\b")
# JupyterLab shows "[*]" as soon as it takes a run, before the kernel starts on it. A prompt still empty
# after DROPPED_SECONDS means the press was dropped: when a notebook has just opened, JupyterLab sometimes
# answers the first run by asking which kernel to use (accept_kernel_selection answers), and runs nothing.
PRESS_ATTEMPTS = 5
DROPPED_SECONDS = 3
# Run All chosen twice would queue the whole notebook twice on a machine already slow: wait longer for it.
RUN_ALL_DROPPED_SECONDS = 10


# A cell's prompt: "[ ]" before it runs, "[*]" while it waits or runs, "[7]" once it has run.
PROMPT_LEFT_EMPTY = "cell => !/\\[\\s*\\]/.test(cell.querySelector('.jp-InputPrompt').innerText)"
PROMPT_HAS_COUNT = "cell => /\\[\\d+\\]/.test(cell.querySelector('.jp-InputPrompt').innerText)"


def run_cell(panel: Locator, index: int, code: bool | None = None) -> None:
    """Press Shift+Enter on a cell and wait until it has run (`code`: whether it is a code cell with code
    in it, when the caller already knows).

    Shift+Enter moves the selection to the next cell, so running cells in order needs a click only when
    the cell is not already the selected one. A press can reach JupyterLab before the notebook's kernel is
    connected and be dropped: the cell's prompt stays empty ("[ ]"), nothing ran, and pressing again is
    safe (a learner presses again too).
    """
    cell = cells(panel).nth(index)
    if code is None:
        code = is_code(cell) and bool(cell_source(cell).strip())
    page = cell.page
    handle = cell.element_handle() if code else None
    for attempt in range(1, PRESS_ATTEMPTS + 1):
        if not ACTIVE.search(cell.get_attribute("class") or ""):
            select_cell(cell)
        page.keyboard.press("Shift+Enter")
        if not code:
            return
        try:
            page.wait_for_function(PROMPT_LEFT_EMPTY, arg=handle, polling=POLL_MS, timeout=DROPPED_SECONDS * 1000)
            break
        except PlaywrightTimeoutError:
            if attempt == PRESS_ATTEMPTS:
                raise AssertionError(f"cell {index} did not start after {PRESS_ATTEMPTS} presses of Shift+Enter") from None
    page.wait_for_function(PROMPT_HAS_COUNT, arg=handle, polling=POLL_MS, timeout=CELL_SECONDS * 1000)


def run_all_from_menu(page: Page, panel: Locator) -> None:
    """Choose Run > Run All Cells from the menu bar, as Start Here tells a learner to, and wait until the
    cells are queued.

    Run All queues every code cell at once, so the first code cell's prompt leaves "[ ]" at once. On a busy
    machine the command can reach JupyterLab before the kernel connection is ready and be dropped: nothing
    is queued, every prompt stays "[ ]", and choosing it again is safe.
    """
    first_code = next(i for i in range(cells(panel).count()) if is_code(cells(panel).nth(i)))
    prompt = cells(panel).nth(first_code).locator(".jp-InputPrompt")
    for attempt in range(1, PRESS_ATTEMPTS + 1):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
        try:
            expect(prompt).not_to_have_text(re.compile(r"\[\s*\]"), timeout=RUN_ALL_DROPPED_SECONDS * 1000)
            return
        except AssertionError:
            if attempt == PRESS_ATTEMPTS:
                raise
            page.keyboard.press("Escape")  # close the menu if it is still open


def select_cell(cell: Locator) -> None:
    """Make a cell the active one in command mode, as a click in its margin does."""
    cell.locator(".jp-InputPrompt").first.click()
    expect(cell).to_have_class(ACTIVE, timeout=UI_SECONDS * 1000)


def run_all_cells_one_by_one(panel: Locator) -> int:
    """Run every cell top to bottom with Shift+Enter.

    This is how Start Here teaches a learner to work through a notebook (Shift+Enter); Run All from the
    menu has a test of its own.
    """
    total = cells(panel).count()
    run_cells_through(panel, total - 1)
    wait_for_idle_kernel(panel)
    return total


# Per cell: is it a code cell with code in it (null: a code cell whose editor is not drawn yet, so run_cell
# looks again when it gets there).
CODE_CELLS = """(panel) => [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => {
  if (!cell.classList.contains('jp-CodeCell')) return false;
  const editor = cell.querySelector('.jp-InputArea-editor .cm-content');
  return editor ? editor.innerText.trim() !== '' : null;
})"""


def run_cells_through(panel: Locator, last: int) -> None:
    """Shift+Enter on each cell from the first to `last`, each code cell waited for before the next press,
    as a learner works down a notebook reading what each cell shows."""
    for index, code in enumerate(panel.evaluate(CODE_CELLS)[:last + 1]):
        run_cell(panel, index, code)


# Per cell, every output: its MIME type and the text a learner reads.
OUTPUTS = """(panel) => [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell =>
  [...cell.querySelectorAll('.jp-OutputArea-output')].map(output => ({
    mime: output.getAttribute('data-mime-type'), text: output.innerText})))"""


@dataclass
class ErrorOutput:
    cell: int
    text: str


def error_outputs(panel: Locator) -> list[ErrorOutput]:
    """Every output a learner would read as a failure: error and stderr outputs, broken widgets."""
    found = []
    for index, outputs in enumerate(panel.evaluate(OUTPUTS)):
        for output in outputs:
            text = output["text"].strip()
            if output["mime"] == "application/vnd.jupyter.stderr" or WIDGET_FAILED in text:
                found.append(ErrorOutput(index, text))
    return found


def plain_outputs(panel: Locator) -> list[ErrorOutput]:
    """Every ordinary (stdout) output line a learner reads, with its cell."""
    return [ErrorOutput(index, line.strip())
            for index, outputs in enumerate(panel.evaluate(OUTPUTS))
            for output in outputs if output["mime"] == "application/vnd.jupyter.stdout"
            for line in output["text"].splitlines() if line.strip()]


def replace_cell_text(cell: Locator, text: str) -> None:
    """Type into a code cell as a learner does: click in it, select everything, type."""
    editor = cell.locator(".jp-InputArea-editor .cm-content")
    editor.click()
    page = cell.page
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for number, line in enumerate(text.splitlines()):
        if number:
            page.keyboard.press("Enter")
            # The editor indents a new line after a colon; a solution line carries its own indentation.
            page.keyboard.press("Shift+Home")
            page.keyboard.press("Delete")
        page.keyboard.insert_text(line)
    page.keyboard.press("Escape")


# -- the vignette player (widgets/vignette/player.py) ---------------------------------------------------

MAX_DECISIONS = 40  # far beyond any case; a player that never ends fails instead of looping


def players(panel: Locator) -> Locator:
    return panel.locator(".vignette-player")


def debrief(player: Locator) -> Locator:
    return player.locator("h4", has_text="Debrief")


def wait_until_replaced(page: Page, pressed: JSHandle) -> None:
    """Wait until the player has drawn the next decision in place of the choice just pressed.

    The feedback arrives before the new buttons, so the old ones stay on screen for a moment; reading them
    then would make the next decision on a screen that is already gone.
    """
    page.wait_for_function("button => !button.isConnected", arg=pressed, timeout=UI_SECONDS * 1000)


def play_to_the_end(player: Locator, press, steps: Steps | None = None) -> list[str]:
    """Make choices until the debrief shows; `press(button)` is how a choice is made (click or keyboard).

    Returns the texts of the choices made. After each choice the feedback must name it.
    """
    chosen = []
    for decision in range(MAX_DECISIONS):
        if debrief(player).count():
            return chosen
        choices = player.locator("button.vignette-choice")
        expect(choices.first).to_be_visible(timeout=UI_SECONDS * 1000)
        # Alternate between first and last choice, so both good and weaker paths are walked. A handle, not
        # a locator: the button read is the button pressed, even if the page changes in between.
        button = (choices.first if decision % 2 == 0 else choices.last).element_handle()
        text = button.inner_text().strip()
        press(button)
        expect(player.locator(".vignette-feedback")).to_contain_text(text[:60], timeout=UI_SECONDS * 1000)
        wait_until_replaced(player.page, button)
        # Exactly one decision was made, however the button was pressed (a double click is one choice).
        made = decision + 1
        expect(player.locator(".vignette-progress")).to_have_text(
            re.compile(rf"^(Decision {made + 1} ·|Case complete after {made} decisions)"))
        chosen.append(text)
        if steps:
            steps.shot(f"vignette-choice-{decision + 1}")
    raise AssertionError(f"no debrief after {MAX_DECISIONS} decisions")


# -- accessibility: axe-core and figures --------------------------------------------------------------

# Our content in a notebook: rendered Markdown cells and every cell's outputs (widgets included).
# Everything else on the page (menus, side bars, tool bars, prompts, editors) is JupyterLab's.
OUR_CONTENT = [".jp-Notebook .jp-Cell .jp-MarkdownOutput", ".jp-Notebook .jp-Cell .jp-OutputArea-output"]
SERIOUS = ("serious", "critical")

AXE_RUN = """async ([include, exclude]) => {
  const context = include ? {include: include.map(s => [s])} : {exclude: exclude.map(s => [s])};
  const result = await axe.run(context, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300), impact: n.impact,
                              summary: (n.failureSummary || '').slice(0, 400)}))
  }));
}"""

FIGURES = """(selectors) => {
  const outputs = document.querySelectorAll(selectors.join(','));
  const figures = [], bareImages = [];
  outputs.forEach(output => {
    output.querySelectorAll('figure.course-figure').forEach(f => {
      const img = f.querySelector('img'), caption = f.querySelector('figcaption');
      figures.push({alt: img ? img.getAttribute('alt') : null, caption: caption ? caption.innerText.trim() : null,
                    // the picture itself was decoded and drawn (a stripped or broken source draws nothing)
                    drawn: !!(img && img.complete && img.naturalWidth > 100 && img.naturalHeight > 100),
                    source: img ? img.getAttribute('src').slice(0, 30) : null});
    });
    output.querySelectorAll('img').forEach(img => {
      if (!img.closest('figure.course-figure')) bareImages.push({alt: img.getAttribute('alt'), src: img.src.slice(0, 60)});
    });
  });
  return {figures, bareImages};
}"""


def run_axe(page: Page, axe_source: str, *, ours: bool | None) -> list[dict]:
    """axe-core's violations inside our content (ours=True), in the rest of the page (ours=False), or in the
    whole page (ours=None: a page that is all the course's, such as the feedback page)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    parts = {True: [OUR_CONTENT, None], False: [None, OUR_CONTENT], None: [None, []]}[ours]
    return page.evaluate(AXE_RUN, parts)


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} - {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", " ")[:300])
    return "\n".join(lines)


def figures_on_page(page: Page) -> dict:
    return page.evaluate(FIGURES, OUR_CONTENT[1:])
