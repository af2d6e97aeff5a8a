"""Coming back another day: the course's Jupyter server saves each tool in a notebook as a plain prompt to run
its cell (the tool's widget model dies with the kernel), opens a notebook with the language details its kernel
reports (so it does not open marked modified), and a notebook saved that way grades exactly as before.

A module is run in a real kernel (its tools leave widget outputs, as in JupyterLab), saved through the contents
manager named in course.py's JupyterLab command, and graded with nbgrader's own commands on a throwaway copy.
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from jupyter_core.utils import run_sync  # works whether or not an event loop is already running
from jupyter_server.utils import import_item
from nbclient import NotebookClient
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from tests.browser.lab import course as course_script
from tests.conftest import ROOT, copy_generated, source_modules
from tests.test_roundtrip import nbgrader, submit
from widgets.questions import answered, questions
from widgets.saving import COURSE_KERNEL, RUN_AGAIN, WIDGET_VIEW

# Its module-wide fixture is built once: every test of this file runs on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("saving")

MODULE = source_modules()[0]
CONTENTS_MANAGER_OPTION = "--ServerApp.contents_manager_class="


def contents_manager_class(view: str):
    """The contents manager JupyterLab runs with in a view, as course.py starts it."""
    named = [a.removeprefix(CONTENTS_MANAGER_OPTION) for a in course_script.lab_command(ROOT, view=view)
             if a.startswith(CONTENTS_MANAGER_OPTION)]
    assert named, f"course.py starts the {view}'s JupyterLab with Jupyter's default contents manager"
    return import_item(named[-1])


def save(folder, name: str, nb):
    """Save a notebook as JupyterLab does (PUT /api/contents), through the learner's view's contents manager.

    Returns the notebook as the page sent it, and as it is on disk afterwards."""
    manager = contents_manager_class("learner")(root_dir=str(folder))
    sent = nbformat.writes(nb)
    run_sync(manager.save)({"type": "notebook", "format": "json", "content": json.loads(sent)}, name)
    return nbformat.reads(sent, as_version=4), nbformat.read(folder / name, as_version=4)


def has_tool(output: dict) -> bool:
    return WIDGET_VIEW in output.get("data", {})


def is_prompt(output: dict) -> bool:
    return output.get("output_type") == "display_data" and output.get("data", {}).get("text/plain") == RUN_AGAIN


@pytest.fixture(scope="module")
def module_run(generated_course, tmp_path_factory):
    """A throwaway course with MODULE generated, and MODULE answered (first question wrong) and run in a kernel."""
    course = copy_generated(generated_course, tmp_path_factory.mktemp("saving") / "course")
    source = nbformat.read(course / "source" / MODULE / f"{MODULE}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    short = [q for q in questions(source) if not q.manual]
    nb = answered(release, {q.grade_id: q.wrong_answer() if q is short[0] else q.correct_answer() for q in short})
    folder = course / "release" / MODULE
    NotebookClient(nb, timeout=120, kernel_name=COURSE_KERNEL, allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return course, source, nb


@pytest.mark.parametrize("view", course_script.VIEWS)
def test_both_views_run_jupyterlab_with_the_course_contents_manager(view):
    from widgets.saving import CourseContentsManager

    assert issubclass(contents_manager_class(view), CourseContentsManager)


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_a_saved_notebook_shows_a_prompt_to_run_the_cell_in_place_of_each_tool_and_keeps_other_outputs(
        module_run, tmp_path):
    _course, _source, run = module_run
    sent, on_disk = save(tmp_path, "module.ipynb", run)
    nbformat.validate(on_disk)

    tool_cells = [i for i, cell in enumerate(sent["cells"]) if any(map(has_tool, cell.get("outputs", [])))]
    assert tool_cells, "the module showed no tool when run, so nothing was tested"
    assert len(on_disk["cells"]) == len(sent["cells"])
    for index, (page, disk) in enumerate(zip(sent["cells"], on_disk["cells"], strict=True)):
        assert disk["source"] == page["source"] and disk["metadata"] == page["metadata"]
        if page["cell_type"] != "code":
            continue
        assert not any(map(has_tool, disk["outputs"])), f"cell {index} still holds a widget view"
        kept = [o for o in page["outputs"] if not has_tool(o)]
        if index in tool_cells:
            assert [o for o in disk["outputs"] if not is_prompt(o)] == kept, f"cell {index} lost an output"
            assert sum(map(is_prompt, disk["outputs"])) == 1, f"cell {index}: one prompt to run the cell"
        else:
            assert disk["outputs"] == page["outputs"], f"cell {index} changed although it showed no tool"


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_saving_a_notebook_again_after_coming_back_changes_nothing(module_run, tmp_path):
    _course, _source, run = module_run
    _sent, came_back = save(tmp_path, "first.ipynb", run)
    _sent, saved_again = save(tmp_path, "second.ipynb", came_back)
    assert saved_again.cells == came_back.cells


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_a_committed_notebook_opens_with_the_language_details_its_kernel_reports(tmp_path):
    """JupyterLab writes the kernel's kernel_info language details into the notebook when the kernel starts;
    a notebook opened with exactly those details is not marked modified."""
    manager_class = contents_manager_class("learner")
    kernel, client = start_new_kernel(kernel_name=COURSE_KERNEL)
    try:
        reported = client.kernel_info(reply=True, timeout=60)["content"]["language_info"]
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)
    notebooks = [ROOT / "notebooks" / "00-start-here.ipynb", ROOT / "release" / MODULE / f"{MODULE}.ipynb"]
    for notebook in notebooks:
        shutil.copyfile(notebook, tmp_path / notebook.name)
        opened = run_sync(manager_class(root_dir=str(tmp_path)).get)(notebook.name)
        assert opened["content"]["metadata"]["language_info"] == reported, notebook.name


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_a_notebook_saved_with_prompts_grades_exactly_as_the_notebook_as_run(module_run, tmp_path):
    course, source, run = module_run
    submit(course, "as-run", MODULE, run)
    _sent, saved = save(tmp_path, "came-back.ipynb", run)
    assert not any(has_tool(o) for c in saved.cells if c.cell_type == "code" for o in c.outputs)
    submit(course, "came-back", MODULE, saved)
    nbgrader("autograde", MODULE, cwd=course)

    with Gradebook(f"sqlite:///{course}/gradebook.db", "cod-iop") as gradebook:
        scores = {student: {g.name: g.auto_score for g in gradebook.find_submission_notebook(
                      MODULE, MODULE, student).grades if g.cell_type == "code"}
                  for student in ("as-run", "came-back")}
    short = [q for q in questions(source) if not q.manual]
    wrong = short[0]
    assert scores["came-back"] == scores["as-run"]
    assert scores["came-back"][wrong.grade_id] == 0
    assert sum(scores["came-back"].values()) == sum(q.points for q in short) - wrong.points


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_nbgraders_validator_finds_the_same_in_a_saved_notebook_as_in_the_notebook_as_run(module_run, tmp_path):
    _course, _source, run = module_run
    nbformat.write(run, tmp_path / "as-run.ipynb")
    save(tmp_path, "came-back.ipynb", run)
    as_run, came_back = (Validator().validate(str(tmp_path / name)) for name in ("as-run.ipynb", "came-back.ipynb"))
    assert came_back == as_run
    assert not came_back.get("changed") and not came_back.get("type_changed"), came_back
