#!/usr/bin/env python3
"""Set up the course on a JupyterHub server (The Littlest JupyterHub style: one machine, Unix accounts).

Run as root, with the machine's own python3 (3.11 or newer), from a copy of this repository:

    sudo python3 deploy/jupyterhub/setup_hub.py env
    sudo python3 deploy/jupyterhub/setup_hub.py course cod-iop --trainer alice --learner sam --learner kim
    sudo python3 deploy/jupyterhub/setup_hub.py members cod-iop --learner lee      # later, any time
    sudo <env>/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py          # or the systemd unit

`env` builds the Python environment every server runs in (default /opt/cod-iop-hub-env: outside /root,
which other accounts cannot enter) and the learners' Jupyter settings. `course` creates the grader account
grader-<course_id>, the course folder in its home (copied from this repository), the shared exchange with
nbgrader's permissions, and <etc>/courses/<course_id>.json, which jupyterhub_config.py reads: the course's
JupyterHub groups (nbgrader-<course_id> for learners, formgrade-<course_id> for trainers) and its
formgrader service. A second course is a second `course` command: it writes its own files and touches
nothing of the first. `members` adds learners or trainers to a course (restart the hub afterwards).

Learner and trainer accounts are ordinary Unix accounts (the hub signs people in with PAM); create them
with your usual tools (adduser, your directory service) before adding them to a course.
The standard library only: it runs before the environment exists.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEFAULT_ETC = Path("/etc/cod-iop")
DEFAULT_ENV = Path("/opt/cod-iop-hub-env")
DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")
DEFAULT_STATE = Path("/srv/jupyterhub")
# What a course folder needs from the repository: the modules (source/ and the generated release/) and the
# ungraded notebooks (the trainer guide). The course's Python (widgets) is installed in the environment.
COURSE_PARTS = ("source", "release", "notebooks")
COURSE_FILES = ("course-settings.yaml",)  # copied when the repository has them
# The packages the hub adds to the course's own (pyproject.toml pins the course's).
HUB_PACKAGES = ("jupyterhub==6.1.1", "psycopg2-binary==2.9.13")
COURSE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")
USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
FIRST_SERVICE_PORT = 9990


class SetupError(RuntimeError):
    """Something the person running the setup must fix; the message says what."""


def say(message: str) -> None:
    print(f"[setup] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def as_user(user: str, cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run a command as another account (runuser, part of util-linux), in `cwd`, with a clean environment."""
    account = pwd.getpwnam(user)
    base = {"HOME": account.pw_dir, "USER": user, "LOGNAME": user, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
    base.update(env or {})
    run(["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in base.items()), *cmd], cwd=cwd)


def write_json(path: Path, data: dict, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(tmp, mode)
    tmp.replace(path)


def read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise SetupError(f"{path} does not exist: run `setup_hub.py env` (or `course`) first.") from error
    except ValueError as error:
        raise SetupError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise SetupError(f"{path} should hold a JSON object.")
    return data


def course_lab_helpers():
    """course.py (standard library only) knows how the learner's view is set up; use the same code."""
    sys.path.insert(0, str(REPO))
    import course  # noqa: PLC0415 - the repository's own course.py

    return course


# ---------------------------------------------------------------------------------------------- env


def build_env(env: Path, etc: Path, exchange: Path, state: Path, admins: list[str], bind_url: str,
              hub_port: int, proxy_port: int) -> None:
    python = env / "bin" / "python"
    if not python.exists():
        say(f"creating the Python environment in {env}")
        run(["/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable, "-m", "venv", str(env)])
    stamp = env / ".cod-iop-requirements"
    wanted = hashlib.sha256((REPO / "pyproject.toml").read_bytes() + " ".join(HUB_PACKAGES).encode()).hexdigest()
    code_stamp, code = env / ".cod-iop-code", course_code_digest()
    if stamp.exists() and stamp.read_text() == wanted:
        if not (code_stamp.exists() and code_stamp.read_text() == code):
            say("updating the course's code in the environment")  # the pinned packages are already there
            run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(REPO)])
    else:
        say("installing the course, JupyterHub and the PostgreSQL driver (a few minutes the first time)")
        run([str(python), "-m", "pip", "install", "--quiet", str(REPO), *HUB_PACKAGES])
        stamp.write_text(wanted)
    code_stamp.write_text(code)
    os.chmod(env, 0o755)
    course = course_lab_helpers()
    # The course's JupyterLab extension (Validate, Submit, feedback) and its server side, in the environment.
    course.install_course_lab(env / "share" / "jupyter", env / "etc" / "jupyter")
    jupyter = str(env / "bin" / "jupyter")
    for plugin in (course.NEWS_PLUGIN, course.AUTHORING_PLUGIN):
        run([jupyter, "labextension", "disable", "--level=sys_prefix", plugin], stdout=subprocess.DEVNULL)
        run([jupyter, "labextension", "lock", "--level=sys_prefix", plugin], stdout=subprocess.DEVNULL)
    write_learner_config(env, etc, course)
    hub = read_json(etc / "hub.json") if (etc / "hub.json").exists() else {}
    hub.update({"env": str(env), "exchange": str(exchange), "state": str(state), "bind_url": bind_url,
                "hub_port": hub_port, "proxy_api_port": proxy_port})
    hub["admins"] = sorted(set(hub.get("admins", [])) | set(admins))
    write_json(etc / "hub.json", hub)
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    make_exchange(exchange)
    say(f"done: {etc / 'hub.json'}")


def course_code_digest() -> str:
    """A digest of the course's installed code (widgets/): the environment is updated when it changes."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "widgets").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_learner_config(env: Path, etc: Path, course) -> None:
    """<etc>/jupyter: what every user's own server reads (the hub puts it on JUPYTER_CONFIG_PATH): the
    learner's view of the course (nbgrader's trainer side off, the course's Validate, the blocked keys)
    and nbgrader's learner settings."""
    jupyter_dir = etc / "jupyter"
    (jupyter_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "nbgrader_config_learners.py", jupyter_dir / "nbgrader_config.py")
    write_json(jupyter_dir / "labconfig" / "page_config.json", course.learner_view_page_config())
    write_json(jupyter_dir / "lab-settings" / "overrides.json", course.learner_view_shortcut_overrides(env))
    write_json(jupyter_dir / "jupyter_server_config.json", {
        "ServerApp": {
            "jpserver_extensions": dict.fromkeys(course.TRAINER_SERVER_EXTENSIONS, False),
            "terminals_enabled": False,
            "contents_manager_class": "widgets.saving.CourseContentsManager",
        },
        "LabApp": {"app_settings_dir": str(jupyter_dir / "lab-settings")},
    })
    for folder in (etc, jupyter_dir, *jupyter_dir.rglob("*")):
        if folder.is_dir():
            os.chmod(folder, 0o755)


def make_exchange(exchange: Path) -> None:
    """The exchange root: every account must write there (nbgrader checks it), nobody may delete another's
    course folder (the sticky bit, as /tmp)."""
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o1777)
    for parent in exchange.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            raise SetupError(f"{parent} (above the exchange {exchange}) is not open to other accounts "
                             f"(mode {oct(mode & 0o777)}): choose an exchange folder outside it.")


# ------------------------------------------------------------------------------------------- course


def free_port(taken: set[int]) -> int:
    port = FIRST_SERVICE_PORT
    while port in taken or not port_is_free(port):
        port += 1
    return port


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def ensure_account(name: str, home_base: Path) -> pwd.struct_passwd:
    """The course's grader account: a locked account (it never signs in; the hub starts its formgrader)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    say(f"creating the account {name}")
    run(["useradd", "--create-home", "--home-dir", str(home_base / name), "--shell", "/usr/sbin/nologin",
         "--user-group", name])
    account = pwd.getpwnam(name)
    os.chmod(account.pw_dir, 0o700)
    return account


def check_accounts(names: list[str], field: str) -> None:
    """Each account exists, and its home folder is its own: Debian's useradd makes homes readable by every
    account (UMASK 022), which would let one learner read another's fetched modules and feedback."""
    for name in names:
        if not USER_NAME.match(name):
            raise SetupError(f"{field} {name!r}: not a valid account name (lower-case letters, digits, - and _).")
        try:
            home = Path(pwd.getpwnam(name).pw_dir)
        except KeyError:
            raise SetupError(f"{field} {name!r}: there is no such account on this machine; create it first "
                             f"(adduser {name}).") from None
        if home.is_dir() and home.stat().st_mode & 0o077:
            say(f"{home}: closing it to other accounts (was {oct(home.stat().st_mode & 0o777)}, now 0o700)")
            os.chmod(home, 0o700)


def create_course(etc: Path, course_id: str, trainers: list[str], learners: list[str], db_url: str | None,
                  port: int | None, modules: list[str] | None, home_base: Path) -> None:
    if not COURSE_ID.match(course_id):
        raise SetupError(f"course id {course_id!r}: use lower-case letters, digits, - and _ (at most 31).")
    hub = read_json(etc / "hub.json")
    env, exchange = Path(hub["env"]), Path(hub["exchange"])
    course_file = etc / "courses" / f"{course_id}.json"
    if course_file.exists():
        raise SetupError(f"{course_file} already exists: the course {course_id} is set up. Use `members` to add "
                         "people to it.")
    check_accounts(trainers, "trainer")
    check_accounts(learners, "learner")
    others = [read_json(p) for p in sorted((etc / "courses").glob("*.json"))]
    port = port or free_port({o.get("port", 0) for o in others})

    grader = f"grader-{course_id}"
    account = ensure_account(grader, home_base)
    root = Path(account.pw_dir) / course_id
    if root.exists():
        raise SetupError(f"{root} already exists: move it away or choose another course id.")
    say(f"copying the course into {root}")
    root.mkdir()
    for part in COURSE_PARTS:
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in COURSE_FILES:
        if (REPO / name).is_file():
            shutil.copyfile(REPO / name, root / name)
    shutil.copyfile(REPO / "nbgrader_config.py", root / "course_defaults.py")
    shutil.copyfile(HERE / "nbgrader_config_course.py", root / "nbgrader_config.py")
    write_json(root / "hub_course.json", {"course_id": course_id, "exchange": str(exchange),
                                          **({"db_url": db_url} if db_url else {})}, mode=0o600)
    run(["chown", "-R", f"{grader}:{grader}", str(root)])

    # The course's part of the exchange, with nbgrader's own permissions (exchange/default/release_*.py):
    # outbound readable by all; inbound 2733 (learners may write a submission but not list the folder, and
    # the set-group-id bit gives every submission the grader's group); feedback 0711 (learners may open
    # their own feedback file, whose name is a secret hash, but not list the folder).
    course_exchange = exchange / course_id
    for folder, mode in ((course_exchange, 0o755), (course_exchange / "outbound", 0o755),
                         (course_exchange / "inbound", 0o2733), (course_exchange / "feedback", 0o711)):
        folder.mkdir(exist_ok=True)
        run(["chown", f"{grader}:{grader}", str(folder)])
        os.chmod(folder, mode)

    released = modules if modules is not None else sorted(p.name for p in (root / "source").iterdir() if p.is_dir())
    if released:
        say(f"adding {len(released)} module(s) to the gradebook and releasing them")
        as_user(grader, [str(env / "bin" / "python"), "-m", "widgets.trainer", "release", *released,
                         "--course", str(root)], cwd=root, env={"PATH": f"{env / 'bin'}:/usr/bin:/bin"})
    write_json(course_file, {"course_id": course_id, "grader": grader, "root": str(root), "port": port,
                             "trainers": sorted(set(trainers)), "learners": sorted(set(learners))})
    say(f"done: {course_file}. Restart JupyterHub to open the course; its formgrader is the service "
        f"'{course_id}' (/services/{course_id}/).")


def add_members(etc: Path, course_id: str, trainers: list[str], learners: list[str]) -> None:
    course_file = etc / "courses" / f"{course_id}.json"
    data = read_json(course_file)
    check_accounts(trainers, "trainer")
    check_accounts(learners, "learner")
    data["trainers"] = sorted(set(data.get("trainers", [])) | set(trainers))
    data["learners"] = sorted(set(data.get("learners", [])) | set(learners))
    write_json(course_file, data)
    say(f"{course_file}: {len(data['learners'])} learner(s), {len(data['trainers'])} trainer(s). Restart "
        "JupyterHub for the change to take effect.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="setup_hub.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--etc", type=Path, default=DEFAULT_ETC, help=f"settings folder (default {DEFAULT_ETC})")
    sub = parser.add_subparsers(dest="command", required=True)
    env = sub.add_parser("env", help="build the Python environment and the learners' settings")
    env.add_argument("--env", type=Path, default=DEFAULT_ENV, help=f"default {DEFAULT_ENV}")
    env.add_argument("--exchange", type=Path, default=DEFAULT_EXCHANGE, help=f"default {DEFAULT_EXCHANGE}")
    env.add_argument("--state", type=Path, default=DEFAULT_STATE,
                     help=f"the hub's own database and cookie secret (default {DEFAULT_STATE})")
    env.add_argument("--admin", action="append", default=[], help="a JupyterHub administrator (Unix account)")
    env.add_argument("--bind-url", default="http://127.0.0.1:8000",
                     help="where the hub listens (put your HTTPS reverse proxy in front of it)")
    env.add_argument("--hub-port", type=int, default=8081)
    env.add_argument("--proxy-api-port", type=int, default=8001)
    course = sub.add_parser("course", help="add a course: grader account, course folder, exchange, groups")
    course.add_argument("course_id")
    course.add_argument("--trainer", action="append", default=[], help="a trainer's account (repeat)")
    course.add_argument("--learner", action="append", default=[], help="a learner's account (repeat)")
    course.add_argument("--db-url", default=None,
                        help="the gradebook's database, e.g. postgresql://grader:PASSWORD@127.0.0.1/cod_iop "
                             "(default: SQLite in the course folder, fine for one trainer)")
    course.add_argument("--port", type=int, default=None, help="the formgrader service's local port")
    course.add_argument("--module", action="append", default=None, dest="modules",
                        help="release only this module (repeat; default: every module)")
    course.add_argument("--home-base", type=Path, default=Path("/home"), help="where the grader's home goes")
    members = sub.add_parser("members", help="add learners or trainers to a course")
    members.add_argument("course_id")
    members.add_argument("--trainer", action="append", default=[])
    members.add_argument("--learner", action="append", default=[])
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("setup_hub.py must run as root (it creates accounts and the shared exchange).", file=sys.stderr)
        return 2
    try:
        if args.command == "env":
            build_env(args.env, args.etc, args.exchange, args.state, args.admin, args.bind_url, args.hub_port,
                      args.proxy_api_port)
        elif args.command == "course":
            create_course(args.etc, args.course_id, args.trainer, args.learner, args.db_url, args.port,
                          args.modules, args.home_base)
        else:
            add_members(args.etc, args.course_id, args.trainer, args.learner)
    except (SetupError, subprocess.CalledProcessError) as error:
        print(f"Stopped: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
