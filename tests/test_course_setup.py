"""course.py's set-up: a course copy gets its gradebook and exchange, and release/ is left untouched; the
learner's view of JupyterLab serves only the learner's folder, without the trainer's side of nbgrader."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests.conftest import ROOT, source_modules, stop_process

# Its module-wide fixture is built once: every test of this file runs on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("course-setup")

spec = importlib.util.spec_from_file_location("course_script", ROOT / "course.py")
course_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course_script)


def _digest(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    from tests.conftest import copy_course

    course = copy_course(tmp_path_factory.mktemp("setup") / "course")
    before = _digest(course / "release")
    course_script.ensure_course(course)
    return course, before


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_setup_releases_every_module_into_the_local_exchange(prepared):
    course, _ = prepared
    outbound = course / ".exchange" / "cod-iop" / "outbound"
    assert sorted(p.name for p in outbound.iterdir()) == source_modules()
    for module in source_modules():
        assert (outbound / module / f"{module}.ipynb").exists()
    assert (course / "my-work").is_dir()


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_setup_teaches_the_gradebook_every_module_and_its_graded_cells(prepared):
    course, _ = prepared
    with Gradebook(f"sqlite:///{course}/gradebook.db", "cod-iop") as gb:
        assert sorted(a.name for a in gb.assignments) == source_modules()
        for module in source_modules():
            assignment = gb.find_assignment(module)
            assert assignment.max_score > 0 and assignment.notebooks[0].grade_cells


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_setup_leaves_the_committed_release_untouched(prepared):
    course, before = prepared
    assert _digest(course / "release") == before


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_setup_is_idempotent(prepared):
    course, _ = prepared
    stamp = (course / "gradebook.db").stat().st_mtime_ns
    course_script.ensure_course(course)
    assert (course / "gradebook.db").stat().st_mtime_ns == stamp


def test_the_learners_view_opens_start_here_in_their_own_folder():
    command = course_script.lab_command(ROOT, view="learner")
    assert command[1] == "lab" and f"--ServerApp.root_dir={ROOT / 'my-work'}" in command
    assert command[3] == "00-start-here.ipynb" and command[3] in course_script.LEARNER_NOTEBOOKS
    assert not any(f"--ServerApp.root_dir={ROOT}" == part for part in command)


def test_the_learners_view_switches_off_the_trainers_side_of_nbgrader():
    command = course_script.lab_command(ROOT, view="learner")
    for extension in ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"):
        assert f"--ServerApp.jpserver_extensions={extension}=False" in command
    assert "--ServerApp.terminals_enabled=False" in command
    page = course_script.learner_view_page_config()
    for plugin in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment"):
        assert page["disabledExtensions"][plugin] is True and page["lockedExtensions"][plugin] is True
    assert not any("assignment-list" in p for p in page["disabledExtensions"])
    # nbgrader's Validate is replaced by the course's own (tests/test_labextension.py).
    assert page["disabledExtensions"]["@jupyter/nbgrader:validate-assignment"] is True


def test_only_the_learners_view_reads_the_learners_page_config():
    env = course_script.lab_env("learner", {"PATH": "/bin"})
    folder = Path(env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0])
    assert folder == course_script.LEARNER_VIEW_CONFIG
    written = json.loads((folder / "labconfig" / "page_config.json").read_text())
    assert written == course_script.learner_view_page_config()
    assert "JUPYTER_CONFIG_PATH" not in course_script.lab_env("trainer", {"PATH": "/bin"})


def test_the_trainers_view_is_the_whole_course_on_the_trainer_guide():
    command = course_script.lab_command(ROOT, view="trainer")
    assert f"--ServerApp.root_dir={ROOT}" in command and command[3] == "notebooks/trainer-guide.ipynb"
    assert (ROOT / command[3]).exists()
    assert not any("jpserver_extensions" in part for part in command)
    assert course_script.lab_command(ROOT) == command  # the browser tests' server is the trainer's view


def test_an_unknown_view_is_refused():
    with pytest.raises(ValueError, match="view"):
        course_script.lab_command(ROOT, view="admin")


def test_every_ungraded_notebook_is_meant_for_learners_or_for_trainers():
    names = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert names == set(course_script.LEARNER_NOTEBOOKS) | set(course_script.TRAINER_NOTEBOOKS)
    assert not set(course_script.LEARNER_NOTEBOOKS) & set(course_script.TRAINER_NOTEBOOKS)


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_the_learners_folder_holds_start_here_and_the_tools_but_not_the_trainer_guide(prepared):
    folder = prepared[0] / "my-work"
    for name in course_script.LEARNER_NOTEBOOKS:
        assert (folder / name).read_bytes() == (prepared[0] / "notebooks" / name).read_bytes()
    for name in course_script.TRAINER_NOTEBOOKS:
        assert not (folder / name).exists()


def test_a_learners_copy_follows_the_course_until_the_learner_changes_a_cell(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "my-work").mkdir()
    course_nb, own = tmp_path / "notebooks" / "00-start-here.ipynb", tmp_path / "my-work" / "00-start-here.ipynb"

    def notebook(*sources, output=""):
        cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [{"output_type": "stream",
                  "name": "stdout", "text": output}] if output else [], "execution_count": None} for s in sources]
        return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})

    course_nb.write_text(notebook("print(1)"))
    course_script.give_learner_notebooks(tmp_path)
    assert own.read_text() == course_nb.read_text()
    own.write_text(notebook("print(1)", output="1\n"))  # the learner ran it and saved
    course_nb.write_text(notebook("print(2)"))  # the course changed
    course_script.give_learner_notebooks(tmp_path)
    assert own.read_text() == course_nb.read_text()
    own.write_text(notebook("print('mine')"))  # the learner changed a cell
    course_nb.write_text(notebook("print(3)"))
    course_script.give_learner_notebooks(tmp_path)
    assert "mine" in own.read_text()
    own.unlink()  # deleted by the learner: it comes back
    course_script.give_learner_notebooks(tmp_path)
    assert own.read_text() == course_nb.read_text()


@pytest.mark.parametrize("argv,expected", [
    (["test", "-k", "vignette", "-x"], ["-k", "vignette", "-x"]),
    (["test", "-p", "no:cacheprovider", "tests/test_vignettes.py"], ["-p", "no:cacheprovider", "tests/test_vignettes.py"]),
    (["test"], []),
    (["start", "--port", "8899"], ["--port", "8899"]),
    (["trainer", "--port", "8899"], ["--port", "8899"]),
])
def test_extra_arguments_go_on_to_pytest_or_jupyter_lab(monkeypatch, argv, expected):
    seen = {}
    monkeypatch.setattr(course_script, argv[0], lambda extra: seen.setdefault("extra", extra))
    course_script.main(argv)
    assert seen["extra"] == expected


@pytest.mark.parametrize(("command", "view", "folder"), [("start", "learner", ROOT / "my-work"),
                                                         ("trainer", "trainer", ROOT)])
def test_start_opens_the_learners_view_and_trainer_the_trainers(monkeypatch, command, view, folder):
    seen = {}
    monkeypatch.setattr(course_script, "ensure_venv", lambda: None)
    monkeypatch.setattr(course_script, "ensure_course", lambda root=ROOT: None)
    monkeypatch.setattr(course_script.os, "chdir", lambda path: seen.setdefault("cwd", Path(path)))
    monkeypatch.setattr(course_script.os, "execve", lambda exe, cmd, env: seen.update(cmd=cmd, env=env))
    course_script.main([command, "--port", "8899"])
    assert seen["cmd"] == course_script.lab_command(ROOT, ["--port", "8899"], view=view)
    assert seen["cwd"] == folder
    assert ("JUPYTER_CONFIG_PATH" in seen["env"]) is (view == "learner")


def test_unknown_arguments_to_setup_are_refused():
    with pytest.raises(SystemExit):
        course_script.main(["setup", "--bogus"])


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_the_learner_folder_reads_the_course_config(prepared):
    # nbgrader's Assignments panel loads its config a second time from inside my-work/.
    from tests.test_nbgrader_config import load_course_config

    config = load_course_config(prepared[0] / "my-work")
    assert config.Exchange.root == str(prepared[0] / ".exchange")
    assert config.CourseDirectory.course_id == "cod-iop"


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_setup_releases_a_module_again_when_its_release_changes(prepared):
    course, _ = prepared
    module = source_modules()[0]
    notebook = course / "release" / module / f"{module}.ipynb"
    original = notebook.read_text()
    notebook.write_text(original.replace("Estimated time", "Estimated  time", 1))
    try:
        course_script.ensure_course(course)
        released = course / ".exchange" / "cod-iop" / "outbound" / module / f"{module}.ipynb"
        assert "Estimated  time" in released.read_text()
    finally:
        notebook.write_text(original)
        course_script.ensure_course(course)


# -- The two views served for real (no browser: the REST API and the lab page's own config) ---------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """`jupyter lab` started the way course.py starts it, with Jupyter's per-user folders kept in tmp."""

    def __init__(self, root: Path, view: str, state: Path):
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = {**course_script.venv_env(), "JUPYTER_PLATFORM_DIRS": "1"}
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                     "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
            (state / name).mkdir(parents=True, exist_ok=True)
            env[name] = str(state / name)
        command = course_script.lab_command(root, [
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False", "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"], view=view)
        cwd = root / "my-work" if view == "learner" else root
        self.log = (state / "server.log").open("w")
        self.process = subprocess.Popen(command, cwd=cwd, env=course_script.lab_env(view, env),
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (state / "server.log").read_text()
            try:
                self.get("/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise AssertionError("JupyterLab did not start:\n" + (state / "server.log").read_text())

    def request(self, path: str, method: str = "GET", **params):
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}{query}", method=method,
                                         headers={"Authorization": f"token {self.token}"},
                                         data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()

    def get(self, path: str, **params):
        return self.request(path, **params)

    def status(self, path: str) -> int:
        try:
            return self.get(path)[0]
        except urllib.error.HTTPError as error:
            return error.code

    def page_config(self) -> dict:
        page = self.get("/lab")[1]
        found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
        return json.loads(found.group(1))

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


@pytest.fixture(scope="module")
def learner_lab(prepared, tmp_path_factory):
    lab = Lab(prepared[0], "learner", tmp_path_factory.mktemp("learner-lab"))
    yield lab
    lab.stop()


@pytest.mark.slow
def test_the_learners_file_browser_shows_their_folder_and_not_the_trainers_files(learner_lab):
    listing = json.loads(learner_lab.get("/api/contents")[1])
    names = {item["name"] for item in listing["content"]}
    assert set(course_script.LEARNER_NOTEBOOKS) <= names
    assert not names & {"source", "release", "gradebook.db", "notebooks", "feedback", "autograded", "submitted",
                        "trainer-guide.ipynb", ".exchange"}
    assert learner_lab.status("/api/contents/00-start-here.ipynb") == 200  # Start Here opens
    assert learner_lab.status("/api/contents/..%2Fsource") == 404


@pytest.mark.slow
def test_the_learners_view_has_no_formgrader_course_list_terminal_or_authoring(learner_lab):
    assert learner_lab.status("/formgrader") == 404
    assert learner_lab.status("/formgrader/api/assignments") == 404
    assert learner_lab.status("/formgraders") == 404
    assert learner_lab.status("/api/terminals") == 404
    disabled = set(learner_lab.page_config()["disabledExtensions"])
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
            "@jupyter/nbgrader:create-assignment"} <= disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled


@pytest.mark.slow
def test_the_assignments_panel_finds_the_exchange_and_fetches_into_the_learners_folder(learner_lab, prepared):
    module = source_modules()[0]
    listed = json.loads(learner_lab.get("/assignments", course_id="cod-iop")[1])
    assert listed["success"], listed
    assert {a["assignment_id"] for a in listed["value"] if a["status"] == "released"} == set(source_modules())
    fetched = json.loads(learner_lab.request("/assignments/fetch", method="POST", course_id="cod-iop",
                                             assignment_id=module)[1])
    assert fetched["success"], fetched
    entry = next(a for a in fetched["value"] if a["assignment_id"] == module and a["status"] == "fetched")
    path = entry["notebooks"][0]["path"]
    assert path == f"{module}/{module}.ipynb"  # relative to the learner's folder, which the lab serves
    assert learner_lab.status(f"/api/contents/{path}") == 200
    assert (prepared[0] / "my-work" / module / f"{module}.ipynb").exists()
    shutil.rmtree(prepared[0] / "my-work" / module)


@pytest.mark.slow
def test_the_trainers_view_serves_the_whole_course_with_the_formgrader(prepared, tmp_path_factory):
    lab = Lab(prepared[0], "trainer", tmp_path_factory.mktemp("trainer-lab"))
    try:
        names = {item["name"] for item in json.loads(lab.get("/api/contents")[1])["content"]}
        assert {"source", "notebooks", "my-work"} <= names
        assert lab.status("/formgrader/api/assignments") == 200
        assert "@jupyter/nbgrader:formgrader" not in lab.page_config()["disabledExtensions"]
    finally:
        lab.stop()
