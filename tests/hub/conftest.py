"""Fixtures for the hub tests: a real JupyterHub site (tests/hub/site.py) once per test module.

Where the machine cannot run one (not root, no PostgreSQL binaries, no useradd, no configurable-http-proxy)
the tests are skipped with a message saying what is missing and how to get it; under CI (CI=true) the same
absence fails, so the hub checks can never silently stop running (.ci/run installs all of it).
"""

from __future__ import annotations

import os

import pytest

from .site import Site, missing_prerequisites

# The smallest released module is enough to play the whole loop.
MODULE = "01-co-occurring-disorders"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def hub_machine() -> None:
    missing = missing_prerequisites()
    if missing:
        message = "a real JupyterHub cannot run here; missing: " + "; ".join(missing)
        if in_ci():
            pytest.fail(message + " (CI=true: the hub test must run in CI)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(hub_machine):
    """Two learners and a trainer with Unix accounts and passwords, a PostgreSQL gradebook, the course set
    up by setup_hub.py with one module, and JupyterHub running."""
    hub = Site()
    try:
        hub.people = {"trainer": hub.account("trainer"), "a": hub.account("learner", 1),
                      "b": hub.account("learner", 2)}
        hub.setup([hub.people["trainer"]], [hub.people["a"], hub.people["b"]], [MODULE])
        hub.start()
        yield hub
    finally:
        hub.stop()
