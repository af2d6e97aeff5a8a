"""Grading in a sandbox: a learner's code runs where it can do no harm and cannot see the key.

A submitted notebook is code, and grading runs it. Without a sandbox it runs as the trainer: it could
read the instructor's notebooks in source/ (and copy their answers), the gradebook, other learners'
work or the trainer's files, and send them anywhere. nbgrader runs every cell in a Jupyter kernel; this
module starts that kernel inside bubblewrap (Debian's `bubblewrap` package, the sandbox Flatpak is built
on), where:

* the file system holds only what a notebook needs: the system's programs and libraries (/usr), the
  course's Python environment, the course's own package (`widgets`), and a scratch home folder holding a
  copy of the submission's other files; source/, the gradebook, the exchange, submitted/, autograded/,
  feedback/, other learners' folders and the trainer's home do not exist there;
* it writes only to its scratch home and a small /tmp, both thrown away afterwards;
* there is no network at all, not even the machine's own (loopback) services: the kernel talks to the
  grader over Unix sockets in a folder shared for that alone;
* it is held to limits: time per cell (nbgrader's Execute.timeout) and per submission, memory, number of
  processes, size of files and of the output a cell may print.

This module builds the sandbox and says whether it can start; `sandboxed_execute.SandboxedExecute`
takes the place of nbgrader's Execute preprocessor in autograde (nbgrader_config.py) and starts each
kernel in it, so `nbgrader autograde`, the formgrader's autograde button and `python -m widgets.trainer
grade` all grade in the sandbox.

What it does not protect against is written in the trainer guide ("What the sandbox protects").
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BWRAP = "bwrap"
PACKAGE = "bubblewrap"
NO_SANDBOX_FLAG = "--no-sandbox"
HOME_INSIDE = "/home/learner"  # the kernel's home and working folder, as the kernel sees it

# Names of the error outputs sandboxed_execute.py writes into a graded notebook; grading.py reports each.
KERNEL_DIED = "KernelDied"
SUBMISSION_TIME_LIMIT = "SubmissionTimeLimit"
OUTPUT_LIMIT = "OutputLimit"
NOT_RUN = "NotRun"


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here; the message says what to install, or which flag accepts the risk."""


@dataclass(frozen=True)
class Limits:
    """What one graded submission may use. The time per cell is nbgrader's own Execute.timeout."""

    submission_seconds: int = 600
    memory_bytes: int = 2 * 1024**3  # address space of the kernel and everything it starts
    processes: int = 64  # processes and threads the sandbox may run at once
    file_bytes: int = 64 * 1024**2  # the largest file it may write
    tmp_bytes: int = 64 * 1024**2  # its /tmp, in memory
    output_chars: int = 200_000  # what one cell may print before it is stopped


def cores() -> int:
    """The cores this process may use: grading runs one submission per core at once by default."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def missing_sandbox_message(reason: str) -> str:
    return (f"Grading stopped before any submission was run: the sandbox that keeps learners' code away "
            f"from the answer key, the gradebook and your files cannot start ({reason}). Install the "
            f"'{PACKAGE}' package (Debian or Ubuntu: sudo apt-get install {PACKAGE}; Fedora: sudo dnf install "
            f"{PACKAGE}) and run the same command again. To grade without the sandbox anyway, accepting that "
            f"every submission runs with your own permissions, add {NO_SANDBOX_FLAG} (see 'What the sandbox "
            "protects' in the trainer guide).")


@functools.cache
def sandbox_problem() -> str | None:
    """Why the sandbox cannot start on this machine, in a few words, or None when it can."""
    path = shutil.which(BWRAP)
    if path is None:
        return f"the program '{BWRAP}' is not installed"
    try:
        run = subprocess.run([path, *_namespaces(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                              "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"'{BWRAP}' could not be run: {error}"
    if run.returncode != 0:
        said = (run.stderr or run.stdout).strip().splitlines()
        return f"'{BWRAP}' could not create a sandbox here: {said[-1] if said else 'no reason given'}"
    return None


def require_sandbox() -> None:
    problem = sandbox_problem()
    if problem:
        raise SandboxUnavailable(missing_sandbox_message(problem))


def _namespaces() -> list[str]:
    # Run by root, bubblewrap makes no user namespace: the kernel is given a user of its own instead
    # (sandbox_user), which is what makes the process limit hold (the kernel does not limit root's processes).
    user = [] if os.geteuid() == 0 else ["--unshare-user"]
    return [*user, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]


SANDBOX_USERS = 1_900_000_000  # numeric users for sandboxed kernels under root; no account has them


def sandbox_user() -> int | None:
    """The user a sandboxed kernel runs as when grading runs as root (None otherwise): a number of its own
    for each grading process, so one submission's processes never count against another's limit."""
    return SANDBOX_USERS + os.getpid() % 1_000_000 if os.geteuid() == 0 else None


def readable_folders() -> list[Path]:
    """What a graded notebook needs to read: the Python it runs on, the course's environment and package."""
    import widgets

    package = Path(widgets.__file__).resolve().parent
    folders = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package}
    return sorted(f for f in folders if not any(o != f and f.is_relative_to(o) for o in folders))


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    # Only what programs need from /etc: the library cache, time zone and font settings; no accounts, no
    # secrets.
    for name in ("ld.so.cache", "localtime", "mime.types", "fonts"):
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def sandbox_command(inner: list[str], *, home: Path, sockets: Path, limits: Limits,
                    environment: dict[str, str] | None = None) -> list[str]:
    """The command that runs `inner` (a kernel) in the sandbox, with `home` as its home and working
    folder and `sockets` (where its Unix sockets and connection file are) shared with the grader."""
    env = {
        "HOME": HOME_INSIDE,
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": f"{HOME_INSIDE}/.matplotlib",
        # One thread per numeric library keeps a notebook inside its process and memory limits.
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        **(environment or {}),
    }
    limit = ["prlimit", f"--as={limits.memory_bytes}", f"--nproc={limits.processes}",
             f"--fsize={limits.file_bytes}", "--core=0", "--nofile=256", "--"]
    user = sandbox_user()
    # Under root the kernel gives up root (and every capability) for its own user just before it starts.
    become = [] if user is None else ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups",
                                      "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"]
    args = [BWRAP, *_namespaces(), "--die-with-parent", "--hostname", "grading", *_system_binds()]
    if user is None:
        args += ["--cap-drop", "ALL"]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmp_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
    binds = [*(("--ro-bind", folder, folder) for folder in readable_folders()),
             ("--bind", home, Path(HOME_INSIDE)), ("--bind", sockets, sockets)]
    # The folders on the way to each exist in the sandbox (empty, but for what is bound) and can be passed.
    for parent in sorted({parent for _, _, inside in binds for parent in inside.parents if parent != Path("/")}):
        args += ["--perms", "0755", "--dir", str(parent)]
    for how, outside, inside in binds:
        args += [how, str(outside), str(inside)]
    args += ["--chdir", HOME_INSIDE, "--clearenv"]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return [*args, "--", *become, *limit, *inner]


def hand_over(*paths: Path) -> None:
    """Give the sandbox's user the folders and files it works in (only when grading runs as root)."""
    user = sandbox_user()
    if user is None:
        return
    for path in paths:
        for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
            os.chown(item, user, user, follow_symlinks=False)
