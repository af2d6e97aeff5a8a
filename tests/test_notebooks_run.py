"""Every notebook in notebooks/ runs top to bottom in a real kernel without an error, and an unanswered module
runs to its last cell as a learner's Run All does. (source/ runs once, in nbgrader's Validator: test_release.py.)"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT
from tests.course_notebooks import learner_notebooks

NOTEBOOKS = learner_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_notebook_runs_top_to_bottom_in_a_fresh_kernel(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (
                f"cell {index} raised {output.ename}: {output.evalue}\n{cell.source[:300]}")
            if output.output_type == "stream" and output.name == "stderr":
                pytest.fail(f"cell {index} wrote to stderr: {output.text[:300]}")


RELEASED = sorted((ROOT / "release").glob("*/*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", RELEASED, ids=[str(p.relative_to(ROOT)) for p in RELEASED])
def test_an_unanswered_released_module_runs_to_its_last_cell_and_names_each_open_question(path):
    """What Run All does for a learner who has answered nothing yet: no cell stops the run."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [(i, o.ename) for i, c in enumerate(nb.cells) for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream")
    questions = sum(1 for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")
                    and c.cell_type == "code")
    assert printed.count("has no answer yet") == questions > 0
