"""How the course's Jupyter server saves and opens notebooks, so that coming back another day works.

A tool in a notebook (a case, a practice set, a screening form) is an ipywidget. Its output in the notebook
is only a pointer to a widget model that lives in the running kernel. Saved as it is, the pointer outlives
the kernel, and the next day JupyterLab shows "Error displaying widget: model not found" in its place. So
a notebook is saved with each such output replaced by a plain prompt to run the cell again; the open page
keeps its live tool, only the file on disk changes.

ipywidgets' own "save widget state" setting was not used: it stores every model's state in the notebook,
and the next day draws tools that look alive but are not connected to any kernel, so a learner presses
buttons that do nothing. A prompt to run the cell is honest and brings the real tool back.

Outputs are not part of nbgrader's cell checksums (nbgrader.utils.compute_checksum) and autograde clears
and re-runs every cell, so a notebook saved this way validates and grades exactly as before.

JupyterLab also writes the kernel's language details into a notebook as soon as its kernel starts, which
marks a notebook "modified" before the learner has touched it whenever the file's details differ. The
committed notebooks carry every detail that is the same on every machine (tests/test_notebook_hygiene.py);
the Python version differs from one machine to the next, so the server fills it in when it opens one.

course.py starts JupyterLab with `--ServerApp.contents_manager_class=widgets.saving.CourseContentsManager`.
"""

from __future__ import annotations

from functools import cache

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_AGAIN = "\u25b6 Run this cell (Shift+Enter) to open the tool again."
COURSE_KERNEL = "python3"


def run_again_output() -> dict:
    """A plain output in place of a tool: shown by JupyterLab, nbconvert and any other reader alike."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/markdown": RUN_AGAIN, "text/plain": RUN_AGAIN}}


def replace_widget_views(notebook: dict) -> int:
    """Replace, in place, each code cell's widget outputs by one prompt to run the cell; other outputs stay.

    Returns how many cells had a tool in their outputs.
    """
    replaced = 0
    for cell in notebook.get("cells", []):
        outputs = cell.get("outputs") or []
        if cell.get("cell_type") != "code" or not any(WIDGET_VIEW in o.get("data", {}) for o in outputs):
            continue
        kept, prompted = [], False
        for output in outputs:
            if WIDGET_VIEW not in output.get("data", {}):
                kept.append(output)
            elif not prompted:
                kept.append(run_again_output())
                prompted = True
        cell["outputs"] = kept
        replaced += 1
    return replaced


def save_without_widget_views(model: dict, **_context) -> None:
    """A Jupyter server pre-save hook: the notebook on disk gets prompts in place of its tools."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        replace_widget_views(model["content"])


@cache
def kernel_language_info() -> dict:
    """The language details the course's kernel (ipykernel, in this environment) reports when it starts."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


def with_kernel_language_info(notebook: dict) -> None:
    """Give a notebook for the course's kernel the language details JupyterLab would write into it."""
    metadata = notebook.setdefault("metadata", {})
    if metadata.get("kernelspec", {}).get("name") == COURSE_KERNEL:
        metadata["language_info"] = kernel_language_info()


class CourseContentsManager(AsyncLargeFileManager):
    """Jupyter server's own file contents manager, with the two course rules above."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.register_pre_save_hook(save_without_widget_views)

    async def get(self, path, content=True, type=None, format=None, **kwargs):  # noqa: A002 - the base's names
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
            with_kernel_language_info(model["content"])
        return model
