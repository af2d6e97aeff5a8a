"""The environment: pins agree between pyproject.toml and environment.yml; extensions are on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, course_env

BIN = Path(sys.executable).parent


def _pins(requirements) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s;]+)\s*", requirement)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_pyproject_and_environment_yml_pin_the_same_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = [d for d in env if isinstance(d, str)] + next(d["pip"] for d in env if isinstance(d, dict))
    assert _pins(declared) == _pins(conda)
    assert all("==" in requirement for requirement in declared), "every dependency is pinned"


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for name, pinned in _pins(project["dependencies"] + project["optional-dependencies"]["test"]).items():
        assert version(name) == pinned, f"{name} {version(name)} is installed, {pinned} is pinned"


def _jupyter(*args) -> str:
    result = subprocess.run([str(BIN / "jupyter"), *args], capture_output=True, text=True, env=course_env())
    return result.stdout + result.stderr


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_nbgrader_and_widgets_lab_extensions_are_enabled():
    listing = _jupyter("labextension", "list")
    for extension in ("@jupyter/nbgrader", "@jupyter-widgets/jupyterlab-manager"):
        line = next((ln for ln in listing.splitlines() if extension in ln), "")
        assert "enabled" in line and "OK" in line, f"{extension} is not enabled:\n{listing}"


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_nbgrader_server_extensions_are_enabled():
    listing = _jupyter("server", "extension", "list")
    for extension in ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.assignment_list",
                      "nbgrader.server_extensions.validate_assignment", "nbgrader.server_extensions.course_list"):
        line = next((ln for ln in listing.splitlines() if extension in ln), "")
        assert "enabled" in line, f"{extension} is not enabled:\n{listing}"


def test_news_popup_and_authoring_panel_are_off_for_learners():
    page_config = BIN.parent / "etc" / "jupyter" / "labconfig" / "page_config.json"
    settings = json.loads(page_config.read_text())
    for plugin in ("@jupyterlab/apputils-extension:announcements", "@jupyter/nbgrader:create-assignment"):
        assert settings.get("disabledExtensions", {}).get(plugin) is True, f"{plugin} is not disabled"
        assert settings.get("lockedExtensions", {}).get(plugin) is True, f"{plugin} can be switched back on"
