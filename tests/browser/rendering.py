"""Each notebook opened and run once per test session; the learner and accessibility tests read the result.

Running a notebook cell by cell is the slow part of the browser tests, so what several tests need from a
fully run notebook (its error outputs, console messages, axe results, figures) is collected in one pass.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import expect

from . import content
from .lab import ARTIFACTS, LabServer
from .notebook_page import (
    UI_SECONDS,
    Console,
    ErrorOutput,
    Steps,
    accept_kernel_selection,
    cells,
    debrief,
    error_outputs,
    figures_on_page,
    open_notebook,
    plain_outputs,
    play_to_the_end,
    players,
    run_all_cells_one_by_one,
    run_axe,
    show,
)

VIEWPORT = {"width": 1400, "height": 900}


@dataclass
class Rendering:
    notebook: str
    cell_count: int = 0
    errors: list[ErrorOutput] = field(default_factory=list)
    lines: list[ErrorOutput] = field(default_factory=list)  # ordinary output lines
    console: list[str] = field(default_factory=list)
    axe_ours: list[dict] | None = None  # None: axe-core not available
    axe_chrome: list[dict] | None = None
    figures: dict = field(default_factory=dict)
    vignettes: list[dict] = field(default_factory=list)
    folder: Path | None = None


def folder_for(notebook: str) -> Path:
    return ARTIFACTS / ("rendered-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", notebook))


class Renderings:
    """Renders a notebook on first request and remembers the result (or the failure) for the session."""

    def __init__(self, browser, lab: LabServer, axe_source: str | None):
        self.browser, self.lab, self.axe_source = browser, lab, axe_source
        self._done: dict[str, Rendering | BaseException] = {}

    def get(self, notebook: str) -> Rendering:
        if notebook not in self._done:
            try:
                self._done[notebook] = self._render(notebook)
            except Exception as error:  # every test of this notebook reports the same failure
                self._done[notebook] = error
        result = self._done[notebook]
        if isinstance(result, BaseException):
            raise AssertionError(f"{notebook} could not be run in JupyterLab (see {folder_for(notebook)})") from result
        return result

    def _render(self, notebook: str) -> Rendering:
        rendering = Rendering(notebook, folder=folder_for(notebook))
        shutil.rmtree(rendering.folder, ignore_errors=True)
        context = self.browser.new_context(viewport=VIEWPORT, base_url=self.lab.url)
        page = context.new_page()
        page.set_default_timeout(30_000)
        accept_kernel_selection(page)
        console = Console()
        console.attach(page)
        steps = Steps(page, rendering.folder)
        try:
            panel = open_notebook(page, self.lab, notebook, "render-" + secrets.token_hex(6))
            steps.shot("opened")
            rendering.cell_count = run_all_cells_one_by_one(panel)
            steps.shot("all-cells-run")
            rendering.errors = error_outputs(panel)
            rendering.lines = plain_outputs(panel)
            rendering.figures = figures_on_page(page)
            if self.axe_source:
                rendering.axe_ours = run_axe(page, self.axe_source, ours=True)
                if notebook == content.course.START_NOTEBOOK:  # JupyterLab's interface is the same on every page
                    rendering.axe_chrome = run_axe(page, self.axe_source, ours=False)
            # Last, because playing changes what the page shows: every vignette played by clicking.
            for index in content.cells_calling(self.lab.course_root / notebook, "play("):
                rendering.vignettes.append(play_by_clicking(cells(panel).nth(index), index, steps))
            rendering.console = list(console.messages)
            record = {"cells": rendering.cell_count, "errors": [e.__dict__ for e in rendering.errors],
                      "lines": [e.__dict__ for e in rendering.lines],
                      "console": rendering.console, "axe_ours": rendering.axe_ours,
                      "axe_jupyterlab": rendering.axe_chrome, "figures": rendering.figures,
                      "vignettes": rendering.vignettes}
            (rendering.folder / "results.json").write_text(json.dumps(record, indent=1))
            return rendering
        except Exception:
            steps.shot("failed")
            rendering.folder.mkdir(parents=True, exist_ok=True)
            (rendering.folder / "failure.txt").write_text(traceback.format_exc())
            raise
        finally:
            context.close()
            self.lab.shutdown_kernels()


def play_by_clicking(cell, index: int, steps: Steps) -> dict:
    """Play the vignette shown by a cell to its debrief with the mouse, then start it again.

    Returns what was seen; a failure is recorded as text so the notebook's other checks still report.
    """
    seen = {"cell": index, "chosen": [], "feedback": False, "debrief": False, "path_in_debrief": False,
            "started_again": False, "problem": None}
    try:
        player = players(cell)
        expect(player).to_be_visible(timeout=UI_SECONDS * 1000)
        show(player)
        steps.shot(f"cell-{index}-vignette")
        # Learners new to computers often double-click; every other choice is made that way.
        presses = itertools.count()
        seen["chosen"] = play_to_the_end(
            player, lambda button: button.dblclick() if next(presses) % 2 == 0 else button.click(), steps)
        seen["feedback"] = player.locator(".vignette-feedback").is_visible()
        seen["debrief"] = debrief(player).is_visible()
        path = player.locator("ol").inner_text() if player.locator("ol").count() else ""
        seen["path_in_debrief"] = all(text[:60] in path for text in seen["chosen"])
        show(debrief(player))
        steps.shot(f"cell-{index}-debrief")
        player.get_by_role("button", name="Play this case again").click()
        expect(debrief(player)).to_have_count(0, timeout=UI_SECONDS * 1000)
        expect(player.locator("button.vignette-choice").first).to_be_visible()
        seen["started_again"] = True
        steps.shot(f"cell-{index}-started-again")
    except Exception as error:  # noqa: BLE001 - reported by the test that reads it
        seen["problem"] = f"{type(error).__name__}: {str(error)[:1500]}"
    return seen
