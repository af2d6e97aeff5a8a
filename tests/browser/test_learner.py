"""A learner in real JupyterLab: every notebook runs cleanly, a vignette plays to its debrief, a knowledge
check validates, and a module goes through the exchange from fetch to submit."""

from __future__ import annotations

import pytest

from . import content
from .known_messages import unexpected_console_messages
from .notebook_page import open_notebook, run_all_cells_one_by_one, unexpected_errors

pytestmark = pytest.mark.browser


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
    assert not unexpected_console_messages(console.messages), console.messages
