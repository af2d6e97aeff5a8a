"""Fixtures for the browser tests: one throwaway course and one JupyterLab server per test session,
one headless Chromium, and a fresh page (with console capture and screenshots) per test.

The tests carry `xdist_group("browser")` so that `pytest -n 2 --dist loadgroup` (course.py test) keeps
them on one worker, except the tests of one notebook's rendering, grouped per notebook
(content.each_notebook): notebooks are shared out between the workers, each of which then starts its own
server, so a new module adds its rendering to one worker, not to a queue of them all. pytest 9.2 with
pytest-xdist 3.8 ignores the groups (pytest-dev/pytest-xdist#1386), hence pytest's pin at 9.1.

A person without Chromium or axe-core gets a skip that says how to install it; under CI (CI=true) the
same absence fails, so the checks can never silently stop running.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

import pytest

from .lab import ARTIFACTS, ROOT, LabServer, copy_course, course, prepared_copy
from .notebook_page import Console, Steps, accept_kernel_selection
from .rendering import VIEWPORT, Renderings

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
    "--disable-extensions", "--mute-audio",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str, how: str) -> None:
    message = f"{what} is missing: {how}"
    if in_ci():
        pytest.fail(message + " (CI=true: the browser checks must run in CI)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        missing("Chromium", "install it with `sudo apt-get install chromium`")
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        missing("axe-core", "run python3 course.py test, which installs it with npm")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def prepared_course(tmp_path_factory) -> Path:
    """The course copied and set up once, as course.py sets it up (gradebook, exchange, learner folder).
    Each server serves a copy of its own (prepared_copy), so the set-up runs once however many servers."""
    root = copy_course(tmp_path_factory.mktemp("prepared-course") / "course")
    course.ensure_course(root)
    return root


@pytest.fixture(scope="session")
def lab(tmp_path_factory, chromium_path, prepared_course) -> LabServer:
    """A copy of the course, set up as course.py sets it up, served by JupyterLab on 127.0.0.1."""
    base = tmp_path_factory.mktemp("browser-course")
    root = prepared_copy(prepared_course, base / "course")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    server = LabServer(root, base / "jupyter-state", ARTIFACTS / f"jupyterlab-server{'-' + worker if worker else ''}.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def learner_lab(tmp_path_factory, chromium_path, prepared_course) -> LabServer:
    """Another copy of the course, served in the learner's view (their folder, my-work/), as
    `python3 course.py start` serves it."""
    base = tmp_path_factory.mktemp("browser-learner-course")
    root = prepared_copy(prepared_course, base / "course")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    server = LabServer(root, base / "jupyter-state",
                       ARTIFACTS / f"jupyterlab-learner-server{'-' + worker if worker else ''}.log", view="learner")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS,
                                              timeout=60_000)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def renderings(browser, lab) -> Renderings:
    """Every notebook run once, on demand; axe runs too when axe-core is there (the accessibility tests
    ask for `axe_source` themselves, so its absence skips or fails only them)."""
    return Renderings(browser, lab, AXE.read_text(encoding="utf-8") if AXE.exists() else None)


def artifact_folder(node) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", node.name).strip("-")


@pytest.fixture
def console() -> Console:
    return Console()


def _fresh_page(browser, lab, console, request, **context_options):
    """A page in a new browser context on `lab`; the last screenshot is taken and kernels shut down after."""
    shutil.rmtree(ARTIFACTS / artifact_folder(request.node), ignore_errors=True)
    context = browser.new_context(viewport=VIEWPORT, base_url=lab.url, **context_options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    accept_kernel_selection(page)
    console.attach(page)
    yield page
    Steps(page, ARTIFACTS / artifact_folder(request.node), count=99).shot("end")
    context.close()
    lab.shutdown_kernels()


@pytest.fixture
def page(browser, lab, console, request):
    yield from _fresh_page(browser, lab, console, request)


# The learner's browser is not on UTC, so times the course shows in "local time" are really converted.
LEARNER_TIMEZONE = "America/Chicago"


@pytest.fixture
def learner_page(browser, learner_lab, console, request):
    """A fresh page on the learner's view, in LEARNER_TIMEZONE and American English."""
    yield from _fresh_page(browser, learner_lab, console, request, timezone_id=LEARNER_TIMEZONE, locale="en-US")


@pytest.fixture
def learner_steps(learner_page, request) -> Steps:
    return Steps(learner_page, ARTIFACTS / artifact_folder(request.node))


@pytest.fixture
def steps(page, request) -> Steps:
    return Steps(page, ARTIFACTS / artifact_folder(request.node))


@pytest.fixture
def workspace() -> str:
    """A new JupyterLab workspace name: nothing a previous test opened is restored."""
    return "test-" + secrets.token_hex(6)
