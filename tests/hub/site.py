"""A real JupyterHub site on this machine, for the hub test and the load benchmark.

Everything deploy/jupyterhub/ says an agency's IT person does, done for real in a throwaway folder under
/tmp (open to other accounts, unlike pytest's own temporary folders): a PostgreSQL server started from
Debian's binaries (initdb and pg_ctl, as the postgres account, on a loopback port), Unix accounts made
with useradd and given passwords (JupyterHub signs them in with PAM), setup_hub.py's `env` and `course`
steps, then JupyterHub itself with configurable-http-proxy and one server per person
(LocalProcessSpawner). People then act only through HTTP: the hub's login page and REST API, and their
own server's nbgrader handlers (/assignments, /assignments/fetch, ...).

The Python environment the servers run (they cannot run the project's .venv: it lives under /root, which
other accounts cannot enter) is setup_hub.py's: /opt/cod-iop-hub-env, built by .ci/run, or here if absent.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "deploy" / "jupyterhub" / "setup_hub.py"
HUB_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
HUB_ENV = Path(os.environ.get("COD_IOP_HUB_ENV", "/opt/cod-iop-hub-env"))
SYSTEM_PYTHON = Path("/usr/bin/python3")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL programs (initdb, pg_ctl, postgres), newest version first."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def missing_prerequisites() -> list[str]:
    """What this machine lacks for a real hub, in words that say how to get it."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (the test creates Unix accounts and starts servers as them)")
    for tool, how in (("useradd", "the passwd package"), ("runuser", "util-linux"), ("chpasswd", "passwd")):
        if not shutil.which(tool):
            missing.append(f"{tool} ({how})")
    if postgres_bin() is None:
        missing.append("PostgreSQL's initdb and pg_ctl (apt-get install postgresql)")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        missing.append("the postgres account (apt-get install postgresql)")
    if not shutil.which("configurable-http-proxy"):
        missing.append("configurable-http-proxy (npm install -g configurable-http-proxy)")
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        missing.append("Chromium (apt-get install chromium): one learner works in the browser")
    if not SYSTEM_PYTHON.exists():
        missing.append(f"{SYSTEM_PYTHON} (Debian's python3, which the servers' environment is made from)")
    return missing


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    try:
        return subprocess.run(cmd, **kwargs)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({error.returncode}):\n{error.stdout}\n{error.stderr}") \
            from None


def as_user(user: str, cmd: list[str], cwd: Path | str = "/", env: dict | None = None, **kwargs):
    home = pwd.getpwnam(user).pw_dir
    base = {"HOME": home, "USER": user, "LANG": "C.UTF-8", "PATH": f"{HUB_ENV / 'bin'}:/usr/bin:/bin", **(env or {})}
    return run(["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in base.items()), *cmd],
               cwd=cwd, **kwargs)


@dataclass
class Postgres:
    """A PostgreSQL server of its own, as the postgres account, on a loopback port and a private socket."""

    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def start(self) -> None:
        bin_dir = postgres_bin()
        data = self.folder / "data"
        self.folder.mkdir(parents=True)
        self.socket_dir.mkdir()
        run(["chown", "-R", "postgres:postgres", str(self.folder)])
        as_user("postgres", [str(bin_dir / "initdb"), "-D", str(data), "--auth-local=peer",
                             "--auth-host=scram-sha-256", "-U", "postgres", "--encoding=UTF8", "--no-locale"], cwd=self.folder)
        options = f"-k {self.socket_dir} -p {self.port} -c listen_addresses=127.0.0.1 -c max_connections=200"
        as_user("postgres", [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                             str(self.folder / "postgres.log"), "-w", "-t", "60", "start"], cwd=self.folder)

    def sql(self, statement: str) -> str:
        return as_user("postgres", ["psql", "-h", str(self.socket_dir), "-p", str(self.port), "-v",
                                    "ON_ERROR_STOP=1", "-tAc", statement], cwd=self.folder).stdout

    def database(self, name: str, owner: str) -> str:
        """A database and its owner with a password; its URL over loopback."""
        password = secrets.token_hex(12)
        self.sql(f"CREATE ROLE {owner} LOGIN PASSWORD '{password}'")
        self.sql(f"CREATE DATABASE {name} OWNER {owner}")
        return f"postgresql://{owner}:{password}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        bin_dir = postgres_bin()
        if (self.folder / "data" / "postmaster.pid").exists():
            as_user("postgres", [str(bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w",
                                 "stop"], cwd=self.folder, check=False)


class HubUser:
    """Someone signed in to the hub: their token speaks to the hub's API and to their own server."""

    def __init__(self, site: Site, name: str, token: str):
        self.site, self.name, self.token = site, name, token
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def hub(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.site.url}/hub/api{path}", timeout=120, **kwargs)

    def server(self, method: str, path: str, owner: str | None = None, **kwargs) -> requests.Response:
        """A request to a single-user server (their own unless `owner` names another person's)."""
        return self.http.request(method, f"{self.site.url}/user/{owner or self.name}{path}", timeout=300,
                                 allow_redirects=False, **kwargs)

    def start_server(self) -> None:
        response = self.hub("POST", f"/users/{self.name}/server")
        if response.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"{self.name}'s server did not start: {response.status_code} {response.text}")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            user = self.hub("GET", f"/users/{self.name}").json()
            server = user.get("servers", {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}'s server was not ready after 3 minutes: see {self.site.log}")

    def nbgrader(self, action: str, course_id: str, module: str) -> dict:
        """One of nbgrader's Assignments-panel actions (fetch, submit, fetch_feedback) on their server."""
        response = self.server("POST", f"/assignments/{action}",
                               data={"course_id": course_id, "assignment_id": module})
        response.raise_for_status()
        return response.json()

    def assignments(self, course_id: str) -> dict:
        response = self.server("GET", "/assignments", params={"course_id": course_id})
        response.raise_for_status()
        return response.json()


class Site:
    """The whole hub: folders, accounts, PostgreSQL, setup_hub.py, JupyterHub. Stop it with stop()."""

    def __init__(self, course_id: str | None = None):
        self.base = Path(tempfile.mkdtemp(prefix="cod-iop-hub-", dir="/tmp"))
        os.chmod(self.base, 0o755)
        self.tag = secrets.token_hex(3)
        self.course_id = course_id or f"codiop{self.tag}"
        self.etc, self.exchange, self.state = self.base / "etc", self.base / "exchange", self.base / "state"
        self.homes = self.base / "home"
        self.homes.mkdir()
        os.chmod(self.homes, 0o755)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.base / "jupyterhub.log"
        self.accounts: list[str] = []
        self.passwords: dict[str, str] = {}
        self.postgres: Postgres | None = None
        self.hub: subprocess.Popen | None = None
        self.course_root: Path | None = None
        self.db_url: str | None = None
        self.people: dict[str, str] = {}

    # -- accounts and setup -------------------------------------------------------------------------

    def account(self, role: str, number: int = 1) -> str:
        """A new Unix account with a home folder and a password (names are unique per site)."""
        name = f"{role}{number}x{self.tag}"
        run(["useradd", "--create-home", "--home-dir", str(self.homes / name), "--shell", "/bin/bash",
             "--user-group", name])
        self.accounts.append(name)
        password = secrets.token_urlsafe(12)
        run(["chpasswd"], input=f"{name}:{password}\n")
        self.passwords[name] = password
        return name

    def setup(self, trainers: list[str], learners: list[str], modules: list[str], postgres: bool = True) -> None:
        if postgres:
            self.postgres = Postgres(self.base / "postgres")
            self.postgres.start()
            self.db_url = self.postgres.database(f"gradebook_{self.tag}", f"grader_{self.tag}")
        common = [str(SYSTEM_PYTHON), str(SETUP), "--etc", str(self.etc)]
        run([*common, "env", "--env", str(HUB_ENV), "--exchange", str(self.exchange), "--state", str(self.state),
             "--bind-url", self.url, "--hub-port", str(free_port()), "--proxy-api-port", str(free_port())],
            timeout=900)
        course = [*common, "course", self.course_id, "--home-base", str(self.homes), "--port", str(free_port()),
                  *(a for t in trainers for a in ("--trainer", t)), *(a for lr in learners for a in ("--learner", lr)),
                  *(a for m in modules for a in ("--module", m))]
        if self.db_url:
            course += ["--db-url", self.db_url]
        run(course, timeout=600)
        self.accounts.append(self.grader)
        self.course_root = self.homes / self.grader / self.course_id

    @staticmethod
    def uid(name: str) -> int:
        return pwd.getpwnam(name).pw_uid

    @property
    def grader(self) -> str:
        return f"grader-{self.course_id}"

    # -- the hub ----------------------------------------------------------------------------------

    def start(self) -> None:
        env = {**os.environ, "COD_IOP_ETC": str(self.etc),
               "PATH": os.pathsep.join([str(HUB_ENV / "bin"), "/usr/local/bin", "/usr/bin", "/bin"])}
        for key in ("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_PATH"):
            env.pop(key, None)
        self.state.mkdir(exist_ok=True)
        with open(self.log, "w") as log:
            self.hub = subprocess.Popen([str(HUB_ENV / "bin" / "jupyterhub"), "-f", str(HUB_CONFIG)],
                                        cwd=self.state, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.hub.poll() is not None:
                raise RuntimeError(f"JupyterHub stopped at start:\n{self.log.read_text()[-4000:]}")
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer within 2 minutes:\n{self.log.read_text()[-4000:]}")

    def login(self, name: str, password: str | None = None) -> requests.Session:
        """Sign in through the hub's login page (PAM checks the Unix password); the browser session."""
        session = requests.Session()
        page = session.get(f"{self.url}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        form = {"username": name, "password": password or self.passwords[name]}
        if xsrf:
            form["_xsrf"] = xsrf.group(1)
        session.post(f"{self.url}/hub/login?next=/hub/home", data=form, allow_redirects=False, timeout=60)
        return session

    def person(self, name: str) -> HubUser:
        """Sign in with the password and ask the hub for an API token, as a person would on the token page."""
        session = self.login(name)
        if not any(cookie.name.startswith("jupyterhub-session-id") or cookie.name == "jupyterhub-hub-login"
                   for cookie in session.cookies):
            raise RuntimeError(f"{name} could not sign in to the hub (see {self.log})")
        xsrf = session.cookies.get("_xsrf", path="/hub/")
        response = session.post(f"{self.url}/hub/api/users/{name}/tokens", json={"note": "test", "expires_in": 3600},
                                headers={"X-XSRFToken": xsrf or "", "Referer": f"{self.url}/hub/token"}, timeout=30)
        if response.status_code != 201:
            raise RuntimeError(f"{name} could not get a token: {response.status_code} {response.text}")
        return HubUser(self, name, response.json()["token"])

    def as_grader(self, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
        """A command run by the grader account in the course folder, with the servers' environment."""
        return as_user(self.grader, cmd, cwd=self.course_root, **kwargs)

    def grade(self, module: str, *extra: str) -> str:
        """The course's own grader: `python -m widgets.trainer grade`, as the grader account."""
        result = self.as_grader([str(HUB_ENV / "bin" / "python"), "-m", "widgets.trainer", "grade", "--course",
                                 str(self.course_root), "--module", module, *extra], timeout=1200, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"grade failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result.stdout

    # -- stopping ---------------------------------------------------------------------------------

    def stop(self) -> None:
        if self.hub is not None and self.hub.poll() is None:
            self.hub.terminate()  # JupyterHub stops the servers it spawned and its proxy
            try:
                self.hub.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.hub.pid, 9)
        for name in self.accounts:  # anything an account still runs (a server, a kernel) goes with it
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        if self.postgres is not None:
            self.postgres.stop()
        for name in self.accounts:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)

