"""Every notebook: committed clean, one kernelspec, valid nbgrader metadata, readable unique grade ids,
and every module complete in the way the curriculum asks (objectives, points in headers, rubric, 988)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator, ValidationError

from tests.conftest import ROOT
from tests.course_notebooks import learner_notebooks, source_notebooks
from widgets.questions import is_answer_cell, is_task_cell, nbgrader_meta, questions
from widgets.questions import is_check_cell as is_test_cell

ALL_NOTEBOOKS = sorted(
    Path(p) for p in subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.split()
)
ALL_NOTEBOOKS = [ROOT / p for p in ALL_NOTEBOOKS] or learner_notebooks() + source_notebooks()
GRADE_ID = re.compile(r"^q\d+_[a-z0-9_]+$")
POINTS_IN_HEADER = re.compile(r"^#{2,4} .*?(\d+(?:\.\d+)?) points?\b", re.M)
RISK_WORDS = re.compile(r"suicid|self-harm|crisis|hopeless|safety plan|C-SSRS", re.I)


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def read(path):
    return nbformat.read(path, as_version=4)


def test_the_course_has_notebooks_and_modules():
    assert learner_notebooks(), "notebooks/ holds no notebook"
    assert source_notebooks(), "source/ holds no module"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_notebook_is_committed_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"a cell has outputs:\n{cell.source[:200]}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_notebook_uses_the_one_python3_kernelspec(path):
    spec = read(path).metadata.get("kernelspec", {})
    assert spec.get("name") == "python3" and spec.get("language") == "python"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_notebook_is_valid_nbformat(path):
    nbformat.validate(read(path))


SOURCES = source_notebooks()


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_module_notebook_is_named_after_its_folder(path):
    assert path.stem == path.parent.name, "source/NN-slug/NN-slug.ipynb keeps one name per module"


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_module_has_valid_nbgrader_metadata_and_readable_unique_grade_ids(path):
    nb = read(path)
    try:
        MetadataValidator().validate_nb(nb)  # nbgrader's own check: fields, types, duplicate ids
    except ValidationError as error:
        pytest.fail(str(error))
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") or meta.get("solution") or meta.get("task"):
            grade_id = meta["grade_id"]
            assert GRADE_ID.match(grade_id.removesuffix("_answer")), f"grade id {grade_id!r} is not readable"


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_written_answer_task_cells_are_not_also_grade_cells(path):
    # A task cell that is also a grade cell is saved twice in the gradebook and counts its points twice.
    for cell in read(path).cells:
        if is_task_cell(cell):
            assert nbgrader_meta(cell)["grade"] is False, nbgrader_meta(cell)["grade_id"]
            assert nbgrader_meta(cell)["locked"] is True and cell.cell_type == "markdown"


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_module_metadata_states_title_time_and_objectives(path):
    meta = read(path).metadata.get("curriculum")
    assert meta, "notebook metadata has no 'curriculum' block"
    assert meta["title"] and isinstance(meta["module"], int)
    assert 30 <= meta["estimated_minutes"] <= 60
    assert 3 <= len(meta["objectives"]) <= 5


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_every_graded_cell_assesses_a_stated_objective_and_every_objective_is_assessed(path):
    nb = read(path)
    objectives = set(nb.metadata["curriculum"]["objectives"])
    assessed = set()
    for cell in nb.cells:
        if is_test_cell(cell) or is_task_cell(cell):
            objective = cell.metadata.get("curriculum", {}).get("objective")
            assert objective in objectives, f"{nbgrader_meta(cell)['grade_id']} names objective {objective!r}"
            assessed.add(objective)
    assert assessed == objectives, f"objectives never assessed: {sorted(objectives - assessed)}"


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_knowledge_check_has_six_autograded_items_and_a_written_answer_with_rubric(path):
    nb = read(path)
    tests = [c for c in nb.cells if is_test_cell(c)]
    tasks = [c for c in nb.cells if is_task_cell(c)]
    assert len(tests) >= 6
    assert len(tasks) >= 1
    for task in tasks:
        assert nbgrader_meta(task)["points"] > 0
        assert "BEGIN MARK SCHEME" in task.source and "END MARK SCHEME" in task.source
    # Each question's answer key parses, and every test cell has its answer cell.
    answer_variables = {re.match(r"\s*(q\d+_answer)", c.source).group(1) for c in nb.cells if is_answer_cell(c)}
    for question in questions(nb):
        assert question.manual or question.variable in answer_variables


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_every_question_shows_its_points_in_its_header(path):
    nb = read(path)
    header_points = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = POINTS_IN_HEADER.search(cell.source)
            if found:
                header_points = float(found.group(1))
        if is_test_cell(cell) or is_task_cell(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            if is_task_cell(cell):
                found = POINTS_IN_HEADER.search(cell.source)
                header_points = float(found.group(1)) if found else header_points
            assert header_points == nbgrader_meta(cell)["points"], f"{grade_id}: header says {header_points} points"
            header_points = None


@pytest.mark.parametrize("path", SOURCES + learner_notebooks(), ids=ids(SOURCES + learner_notebooks()))
def test_notebook_that_touches_risk_says_where_help_is(path):
    text = "\n".join(c.source for c in read(path).cells)
    if RISK_WORDS.search(text) or path.name.startswith("00-"):
        assert "988 Suicide & Crisis Lifeline" in text


@pytest.mark.parametrize("path", SOURCES + learner_notebooks(), ids=ids(SOURCES + learner_notebooks()))
def test_every_vignette_a_notebook_plays_exists(path):
    from widgets.vignette import load_by_id

    for cell in read(path).cells:
        for vignette_id in re.findall(r"play\(\s*[\"']([a-z0-9-]+)[\"']", cell.source):
            load_by_id(vignette_id)


# JupyterLab writes the kernel's spec and language details into a notebook as soon as its kernel starts; a
# notebook whose details differ opens marked modified before the learner has touched it. The committed
# notebooks carry every detail that is the same on every machine; the Python version, which is not, is
# filled in by the course's server when it opens a notebook (widgets/saving.py).
OPENED_BY_LEARNERS = learner_notebooks() + source_notebooks() + sorted((ROOT / "release").glob("*/*.ipynb"))


def kernel_reports() -> tuple[dict, dict]:
    """The kernelspec and language details JupyterLab writes for the course's kernel, from the kernel's own
    spec and from ipykernel (what its kernel_info reply carries)."""
    from jupyter_client.kernelspec import KernelSpecManager

    from widgets.saving import COURSE_KERNEL, kernel_language_info

    spec = KernelSpecManager().get_kernel_spec(COURSE_KERNEL)
    kernelspec = {"name": COURSE_KERNEL, "display_name": spec.display_name, "language": spec.language}
    return kernelspec, {k: v for k, v in kernel_language_info().items() if k != "version"}


@pytest.mark.parametrize("path", OPENED_BY_LEARNERS, ids=ids(OPENED_BY_LEARNERS))
def test_notebook_carries_the_kernel_details_jupyterlab_would_write_so_it_opens_unmodified(path):
    kernelspec, language_info = kernel_reports()
    metadata = read(path).metadata
    assert metadata.get("kernelspec") == kernelspec
    carried = {k: v for k, v in metadata.get("language_info", {}).items() if k != "version"}
    assert carried == language_info, (
        f"language_info is {carried}; JupyterLab writes {language_info} (and the version), so the notebook "
        "would open marked modified")
