"""`python3 course.py test --quick` is honest: a test that starts a process (a kernel, nbgrader's command
line, a server) fails there with a sentence saying to mark it slow, wherever the process is started."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, course_env

PROBE = "tests/fixtures/quick/probe_starts_processes.py"


@pytest.mark.slow  # runs pytest itself
def test_the_quick_loop_fails_every_test_that_starts_a_process_and_only_those():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--quick", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-rA",
         "-o", "python_files=probe_*.py", PROBE],
        cwd=ROOT, env=course_env(), capture_output=True, text=True, timeout=300)
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    for test in ("test_a_program_started_by_the_test", "test_a_program_started_by_a_module_fixture",
                 "test_a_kernel"):
        assert any(line.startswith(("FAILED", "ERROR")) and test in line for line in said.splitlines()), said
    assert any(line.startswith("PASSED") and "test_git_is_allowed" in line for line in said.splitlines()), said
    assert "mark it @pytest.mark.slow" in said


@pytest.mark.slow  # runs pytest itself
def test_without_quick_the_same_tests_start_their_processes():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
         "-o", "python_files=probe_*.py", PROBE],
        cwd=ROOT, env=course_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
