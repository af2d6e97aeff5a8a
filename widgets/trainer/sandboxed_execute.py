"""nbgrader's Execute preprocessor, with each kernel in the sandbox (sandbox.py), graded as far as possible.

nbgrader_config.py names `SandboxedExecute` in place of nbgrader's Execute in autograde. Besides starting
the kernel in the sandbox it grades as far as possible: a cell that kills its kernel (or takes it down by
running out of memory) costs that cell, and grading goes on from the next cell in a fresh kernel, in
which the cells before it are run again first so that earlier answers still count; a notebook that runs
past its time limit keeps what it did before; a cell that prints without end is stopped at the output
limit. Each error output it writes is named (sandbox.KERNEL_DIED, ...) so grading.py can report it.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

from .sandbox import (
    KERNEL_DIED,
    NOT_RUN,
    OUTPUT_LIMIT,
    SUBMISSION_TIME_LIMIT,
    Limits,
    hand_over,
    require_sandbox,
    sandbox_command,
)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the sandbox and talks to the grader over Unix sockets (a
    kernel with no network cannot reach the grader's TCP ports)."""

    def __init__(self, *, home: Path, sockets: Path, limits: Limits, environment: dict[str, str], **kwargs):
        super().__init__(**kwargs)
        self._home, self._sockets, self._limits, self._environment = home, sockets, limits, environment
        self.transport = "ipc"
        self.ip = str(sockets / "kernel")
        self.connection_file = str(sockets / "connection.json")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        inner = super().format_kernel_cmd(extra_arguments)
        hand_over(self._sockets, self._home)  # its connection file is written by now
        return sandbox_command(inner, home=self._home, sockets=self._sockets, limits=self._limits,
                               environment=self._environment)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw):
        # What the kernel prints outside its cells (start-up notices) is no business of the trainer's screen.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        return await super()._async_launch_kernel(kernel_cmd, **kw)


def _error(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=name, evalue=text,
                        traceback=[f"\x1b[0;31m{name}\x1b[0m: {text}"])


class SandboxedExecute(Execute):
    """nbgrader's Execute, run in the sandbox and graded as far as possible.

    * A cell that kills its kernel gets an error output naming what happened; a fresh kernel runs the
      earlier cells again (their outputs are kept from the first run) and grading goes on from the next cell.
    * The whole submission has a time limit; cells after it are marked as not run.
    * A cell that prints more than the output limit is stopped, and keeps what it printed up to the limit.
    """

    sandbox = Bool(True, help="Run each submission's kernel in the bubblewrap sandbox. Turn off only "
                              "knowing that learners' code then runs with the grader's permissions.").tag(config=True)
    submission_timeout = Integer(Limits.submission_seconds, help="Seconds one notebook may run in all.").tag(config=True)
    memory_limit = Integer(Limits.memory_bytes, help="Bytes of memory (address space) for the kernel.").tag(config=True)
    process_limit = Integer(Limits.processes, help="Processes and threads the kernel may run.").tag(config=True)
    output_limit = Integer(Limits.output_chars, help="Characters one cell may print.").tag(config=True)
    kernel_restarts = Integer(3, help="Fresh kernels one notebook may need before the rest is not run.").tag(config=True)

    def _limits(self) -> Limits:
        return Limits(submission_seconds=self.submission_timeout, memory_bytes=self.memory_limit,
                      processes=self.process_limit, output_chars=self.output_limit)

    def preprocess(self, nb, resources=None, km=None):
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.shutdown_kernel = "immediate"  # the kernel and its sandbox are thrown away; no need to wait
        if self.sandbox:
            require_sandbox()
        with tempfile.TemporaryDirectory(prefix="cod-grading-") as scratch:
            self._prepare_scratch(Path(scratch), resources)
            self._run_all(nb, resources)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _prepare_scratch(self, scratch: Path, resources) -> None:
        home, sockets = scratch / "home", scratch / "s"
        home.mkdir()
        sockets.mkdir(mode=0o700)
        # The kernel's own copy of the submission's other files (data files, an evaluation form): the
        # notebooks themselves, with their restored tests, stay with the grader.
        here = Path((resources or {}).get("metadata", {}).get("path") or ".")
        for path in here.iterdir() if here.is_dir() else []:
            if path.is_file() and path.suffix != ".ipynb":
                shutil.copy2(path, home / path.name)
        _copy_font_cache(home / ".matplotlib")
        self._scratch = scratch

    def create_kernel_manager(self):
        if not self.sandbox:
            return super().create_kernel_manager()
        if not self.kernel_name:
            self.kernel_name = self.nb.metadata.get("kernelspec", {}).get("name") or "python3"
        environment = {name: os.environ[name] for name in ("NBGRADER_EXECUTION",) if name in os.environ}
        self.km = SandboxedKernelManager(home=self._scratch / "home", sockets=self._scratch / "s",
                                         limits=self._limits(), environment=environment,
                                         kernel_name=self.kernel_name, config=self.config)
        return self.km

    def _run_all(self, nb, resources) -> None:
        self._deadline = time.monotonic() + self.submission_timeout
        cells, dead, start, restarts = nb.cells, set(), 0, 0
        while start < len(cells):
            with self.setup_kernel():
                assert self.kc
                info = self.wait_for_reply(self.kc.kernel_info())
                if info:
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                try:
                    self._replay(cells[:start], dead, resources)
                    for index in range(start, len(cells)):
                        start = index + 1
                        if time.monotonic() >= self._deadline:
                            self._not_run(cells, index, SUBMISSION_TIME_LIMIT,
                                          f"the notebook's time limit ({self.submission_timeout} s) was reached "
                                          "before this cell; it was not run.")
                            return
                        self._run_cell(cells[index], resources, index, dead)
                        if index in dead:
                            break
                except DeadKernelError:  # a cell run again to rebuild the fresh kernel took it down too
                    pass
            if dead and start < len(cells):
                restarts += 1
                if restarts > self.kernel_restarts:
                    self._not_run(cells, start, NOT_RUN, f"the notebook's code stopped Python {restarts} times; "
                                  "this cell was not run.")
                    return
                self._cleanup_after_death()

    def _run_cell(self, cell, resources, index: int, dead: set[int]) -> None:
        try:
            self.preprocess_cell(cell, resources, index)
        except DeadKernelError:
            dead.add(index)
            cell.outputs = [*cell.get("outputs", []), _error(
                KERNEL_DIED, "this cell stopped Python itself (the kernel died, for example by running out of "
                "its memory allowance); grading went on from the next cell in a fresh kernel.")]

    def _replay(self, cells, dead: set[int], resources) -> None:
        """Run the cells before a fresh start again, so earlier answers are defined; keep their first outputs."""
        for index, cell in enumerate(cells):
            if cell.cell_type != "code" or index in dead:
                continue
            kept = copy.deepcopy(cell.get("outputs", [])), cell.get("execution_count")
            try:
                self.execute_cell(cell, index, store_history=True)
            finally:
                cell.outputs, cell.execution_count = kept

    def _not_run(self, cells, first: int, name: str, text: str) -> None:
        for cell in cells[first:]:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error(name, text)]

    def _cleanup_after_death(self) -> None:
        self.km = None
        self.kc = None

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._deadline - time.monotonic())) if hasattr(self, "_deadline") else None
        if left is None:
            return timeout
        return left if timeout is None else min(timeout, left)

    def output(self, outs, msg, display_id, cell_index):
        printed = getattr(self, "_printed", None)
        if printed is None or printed[0] != (cell_index, msg["parent_header"].get("msg_id")):
            printed = self._printed = [(cell_index, msg["parent_header"].get("msg_id")), 0, False]
        if printed[2]:
            return None  # already over the limit: the rest is dropped
        size = len(str(msg.get("content", {}).get("text", ""))) + len(str(msg.get("content", {}).get("data", "")))
        printed[1] += size
        if printed[1] > self.output_limit:
            printed[2] = True
            outs.append(_error(OUTPUT_LIMIT, f"this cell printed more than {self.output_limit:,} characters and "
                                             "was stopped; what it printed before the limit is kept above."))
            if self.km is not None:
                asyncio.ensure_future(self.km.interrupt_kernel())
            return None
        return super().output(outs, msg, display_id, cell_index)


@functools.cache
def _host_font_cache() -> Path | None:
    """matplotlib's font list, built once on the grader's side so no sandbox spends seconds building it."""
    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401 - importing it builds the cache

        folder = Path(matplotlib.get_cachedir())
    except Exception:  # noqa: BLE001 - without it the kernel builds its own
        return None
    return folder if any(folder.glob("fontlist-*.json")) else None


def _copy_font_cache(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    source = _host_font_cache()
    for path in source.glob("fontlist-*.json") if source else []:
        shutil.copy2(path, target / path.name)
