"""A throwaway copy of the course served by JupyterLab on loopback, started the way course.py starts it.

The copy is a complete course of its own (its nbgrader_config.py puts the gradebook, the exchange and
my-work/ inside it), so the learner can fetch and submit and the trainer can collect and grade without
touching the project folder. The project's .venv is reused through course.py's own paths.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# Never copied into the throwaway course: environments and caches, wherever they are, and the project's
# own running course (its gradebook, exchange and learners' folders, at the top of the project), so the copy
# starts as a fresh course. Only the top: widgets/trainer/templates/feedback/ is the course's feedback page.
NOT_COPIED = (
    ".git", ".venv", "node_modules", "test-artifacts", "__pycache__", ".pytest_cache", ".ruff_cache",
    ".ipynb_checkpoints", "*.egg-info",
)
NOT_COPIED_AT_THE_TOP = (
    "build", "gradebook.db", "gradebook.db-journal", ".exchange", "my-work", "submitted", "autograded",
    "feedback", "reports", "trainer-work",
)


def _not_copied(folder: str, names: list[str]) -> set[str]:
    left_out = set(shutil.ignore_patterns(*NOT_COPIED)(folder, names))
    if Path(folder) == ROOT:
        left_out.update(name for name in names if name in NOT_COPIED_AT_THE_TOP)
    return left_out

SERVER_START_SECONDS = 120
SERVER_STOP_SECONDS = 20


def load_course_module():
    """course.py from the project root (it is a script, not an installed package)."""
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = load_course_module()


def copy_course(destination: Path) -> Path:
    shutil.copytree(ROOT, destination, ignore=_not_copied, symlinks=True)
    return destination


def prepared_copy(prepared: Path, destination: Path) -> Path:
    """A copy of the set-up course for one server (its exchange keeps the permissions nbgrader wants)."""
    shutil.copytree(prepared, destination, symlinks=True)
    return destination


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_settings(settings_dir: Path) -> None:
    """User settings for the test server only.

    Windowing off: JupyterLab otherwise leaves cells far below the screen out of the page, and the
    checks (outputs, axe, figures) must see every cell.
    """
    tracker = settings_dir / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))


def page_config(config_dir: Path) -> None:
    """The plugins course.py switches off (news pop-up, authoring panel), switched off here too.

    course.py does it once for the whole .venv; repeating it in the test's own config directory keeps
    the test independent of whether that step has run on this machine.
    """
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    disabled = {course.NEWS_PLUGIN: True, course.AUTHORING_PLUGIN: True}
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))


class LabServer:
    """`jupyter lab` on 127.0.0.1 with a random token, serving `course_root` in the trainer's view, or the
    learner's folder in it in the learner's view (course.py's two views)."""

    def __init__(self, course_root: Path, state_dir: Path, log_path: Path, view: str = "trainer"):
        self.course_root = course_root
        self.view = view
        # The folder JupyterLab serves: notebook paths in the browser are relative to it.
        self.served_root = course_root / course.LEARNER_FOLDER if view == "learner" else course_root
        self.state_dir = state_dir
        self.log_path = log_path
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    # -- environment -------------------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """course.py's environment, with Jupyter's per-user folders moved into the test's own folder.

        The person's own settings, workspaces and kernels neither leak into the test nor get changed by it.
        """
        env = course.venv_env()
        for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                          ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")):
            path = self.state_dir / sub
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """A course command (nbgrader ...) in the copy, as a learner or trainer types it."""
        command = [str(course.BIN / args[0]), *args[1:]]
        result = subprocess.run(command, cwd=self.course_root, env=self.env(), capture_output=True,
                                text=True, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    # -- life cycle -----------------------------------------------------------------------------------------

    def start(self) -> None:
        lab_settings(self.state_dir / "settings")
        page_config(self.state_dir / "config")
        # The course's lab extension and its server side, installed as course.py setup installs them in .venv.
        course.install_course_lab(self.state_dir / "data", self.state_dir / "config",
                                  self.course_root / course.LAB_EXTENSION.relative_to(course.ROOT))
        command = course.lab_command(self.course_root, view=self.view, extra=[
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ])
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI containers run as root
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(command, cwd=self.served_root, env=course.lab_env(self.view, self.env()),
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped at start ({self.process.returncode}); see {self.log_path}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab was not ready after {SERVER_START_SECONDS} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(SERVER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(SERVER_STOP_SECONDS)
        if self._log:
            self._log.close()
            self._log = None

    # -- REST ----------------------------------------------------------------------------------------------

    def api(self, method: str, path: str):
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Kernels left by a test would share the machine's two cores with the next one."""
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")
        for session in self.api("GET", "/api/sessions"):
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}")
            except urllib.error.HTTPError:
                pass

    def fetched_copy(self, notebook: str, name: str) -> str:
        """A learner's copy of a released notebook (release/<module>/<file>), as the learner's view sees it.

        The module is fetched from the exchange with nbgrader (once), as the Assignments panel fetches it,
        and the notebook is copied beside itself as <file>-<name>.ipynb, so what one test types reaches no
        other. Returns the copy's path relative to the served folder.
        """
        module, file_name = Path(notebook).parts[-2:]
        folder = self.course_root / course.LEARNER_FOLDER / module
        if not (folder / file_name).exists():
            self.run("nbgrader", "fetch_assignment", module)
        copy = folder / f"{Path(file_name).stem}-{name}.ipynb"
        shutil.copyfile(folder / file_name, copy)
        return copy.relative_to(self.served_root).as_posix()

    def lab_url(self, path: str, workspace: str) -> str:
        """A fresh, named workspace, so what one test opened is not restored in the next."""
        return f"{self.url}/lab/workspaces/{workspace}/tree/{path}?token={self.token}"
