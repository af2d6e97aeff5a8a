"""Where a learner's module stands, in plain words: the status function on the real released modules, and the
course's server extension in a real Jupyter server on a throwaway copy of the course, with nbgrader's own
commands fetching, submitting, grading and releasing feedback.

Expected question numbers are read from each notebook's answer lines (`q3_answer = None ...`) and written
answer cells, not from the code under test.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.browser.lab import copy_course, course, free_port
from tests.conftest import ROOT, stop_process
from widgets import module_status
from widgets.questions import Question, questions

# Its module-wide fixture is built once: every test of this file runs on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("learner-server")

RELEASED = sorted((ROOT / "release").glob("*/*.ipynb"))
MODULE = "01-co-occurring-disorders"
ANSWER_LINE = re.compile(r"^(q(\d+)_answer) = None\b", re.M)
CODE_WORDS = ("Traceback", "Error", "grade_id", "_written_", "Success", "passes all the tests", "\x1b[")


def short_questions(nb) -> dict[int, Question]:
    """The notebook's autograded questions by number (widgets/questions.py reads them)."""
    return {q.number: q for q in questions(nb) if not q.manual}


def answer_cells(nb) -> dict[int, nbformat.NotebookNode]:
    """The answer cells by question number."""
    return {n: nb.cells[q.cells["answer"]] for n, q in short_questions(nb).items() if "answer" in q.cells}


def written_cells(nb) -> dict[int, nbformat.NotebookNode]:
    return {q.number: nb.cells[q.cells["answer"]] for q in questions(nb) if q.written and "answer" in q.cells}


def check_cell(nb, number: int):
    return nb.cells[short_questions(nb)[number].cells["graded"]]


def options_of(nb, number: int) -> list[str]:
    """The options the question's check accepts."""
    return short_questions(nb)[number].allowed


def kind_of(nb, number: int) -> str:
    return short_questions(nb)[number].kind


def answer(nb, number: int, line: str) -> None:
    """Type `line` in place of the answer line, as a learner does (the stub comment below it stays)."""
    cell = answer_cells(nb)[number]
    cell.source = ANSWER_LINE.sub(lambda m: line, cell.source, count=1) if "None" in cell.source else line


def well_formed(nb, number: int) -> str:
    """An answer in the right form (not necessarily right): the lowest number, or the first option."""
    question = short_questions(nb)[number]
    if question.kind == "number":
        return question.answer_source(question.range[0])
    first = question.allowed[0]
    return question.answer_source([first] if question.kind == "choices" else first)


def choice_question(nb) -> int:
    return next(n for n in sorted(answer_cells(nb)) if kind_of(nb, n) == "choice")


def number_question(nb) -> int | None:
    return next((n for n in sorted(answer_cells(nb)) if kind_of(nb, n) == "number"), None)


def status_of(nb, tmp_path: Path, module: str = MODULE) -> dict:
    path = tmp_path / module / f"{module}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return module_status.read_status(path, module).as_dict()


def assert_plain(text: str) -> None:
    for word in CODE_WORDS:
        assert word not in text, f"{word!r} in {text!r}"


# -- the status function on the released modules --------------------------------------------------------


@pytest.mark.parametrize("released", RELEASED, ids=lambda p: p.parent.name)
def test_a_fresh_module_lists_every_question_as_unanswered_and_calls_nothing_wrong(released, tmp_path):
    nb = nbformat.read(released, as_version=4)
    status = status_of(nb, tmp_path, released.parent.name)
    auto, written = sorted(answer_cells(nb)), sorted(written_cells(nb))
    assert status["module"] == released.parent.name
    assert status["title"].startswith(f"Module {nb.metadata['curriculum']['module']} · ")
    assert status["questions"] == len(auto) + len(written)
    assert (status["unanswered"], status["written_empty"]) == (auto, written)
    assert status["problems"] == [] and status["ok"] is True
    lines = status["message"].splitlines()
    assert lines[0] == "No question has an answer yet."
    assert lines[-1] == "Whether your answers are right is decided when your trainer grades the module."
    assert f"questions {', '.join(map(str, auto[:-1]))} and {auto[-1]}" in status["message"]
    assert f"question {written[0]}" in status["message"]
    assert status["submit_warning"].startswith("Before you submit: ")
    assert "submit again later" in status["submit_warning"]
    for text in (status["message"], status["submit_warning"], status["after_submit"]):
        assert_plain(text)


@pytest.mark.parametrize("released", RELEASED, ids=lambda p: p.parent.name)
def test_a_finished_module_is_all_in_form_and_submits_without_a_warning(released, tmp_path):
    nb = nbformat.read(released, as_version=4)
    for number in answer_cells(nb):
        answer(nb, number, well_formed(nb, number))
    for cell in written_cells(nb).values():
        cell.source = "Your mood and your drinking feed each other, so we work on both together."
    status = status_of(nb, tmp_path, released.parent.name)
    assert (status["unanswered"], status["written_empty"], status["problems"]) == ([], [], [])
    assert status["ok"] is True and status["submit_warning"] is None
    assert status["message"].splitlines() == [
        "Every answer is in the right form, and every question has an answer.",
        "Whether your answers are right is decided when your trainer grades the module."]


def test_answers_in_the_wrong_form_get_one_plain_sentence_each_saying_what_to_type(tmp_path):
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    numbers = sorted(answer_cells(nb))
    choice = [n for n in numbers if kind_of(nb, n) == "choice"]
    unquoted, unclosed, stray, not_an_option = choice[:4]
    options = options_of(nb, not_an_option)
    answer(nb, unquoted, f"q{unquoted}_answer = {options[1]}")
    answer(nb, unclosed, f'q{unclosed}_answer = "{options[0]}')
    answer(nb, stray, f'q{stray}_answer = "{options[0]}" x')
    answer(nb, not_an_option, f'q{not_an_option}_answer = "Z"')
    number = number_question(nb)
    answer(nb, number, f"q{number}_answer = 1000")
    status = status_of(nb, tmp_path)
    problems = {int(re.match(r"Question (\d+): ", p)[1]): p for p in status["problems"]}
    assert sorted(problems) == sorted([unquoted, unclosed, stray, not_an_option, number])
    assert f'q{unquoted}_answer = "{options[1]}"' in problems[unquoted] and "quotes" in problems[unquoted]
    assert "cannot read" in problems[unclosed] and "cannot read" in problems[stray]
    assert "one of " + ", ".join(f'"{o}"' for o in options[:-1]) in problems[not_an_option]
    assert "between 0 and 100" in problems[number]
    assert status["ok"] is False
    assert status["message"].splitlines()[0] == "Some answers are not in the right form yet:"
    assert status["message"].splitlines()[-1].startswith("Whether your answers are right is decided")
    # Broken answers are not also listed as unanswered; the rest still are.
    assert set(status["unanswered"]) == set(numbers) - set(problems)
    assert "Validate shows 5 problems to fix" in status["submit_warning"]
    for text in status["problems"]:
        assert_plain(text)


def test_answers_given_so_far_are_said_to_be_in_form_and_the_rest_listed(tmp_path):
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    given, *rest = sorted(answer_cells(nb))
    answer(nb, given, well_formed(nb, given))
    status = status_of(nb, tmp_path)
    assert status["unanswered"] == rest and status["ok"] is True
    assert status["message"].splitlines()[:2] == [
        "The answers you have given so far are in the right form.",
        f"Not answered yet: questions {', '.join(map(str, rest[:-1]))} and {rest[-1]}."]
    assert status["submit_warning"].splitlines() == [
        f"Before you submit: questions {', '.join(map(str, rest[:-1]))} and {rest[-1]} have no answer yet; "
        f"your written answer (question {next(iter(written_cells(nb)))}) is still empty.",
        "You can go back and finish first, or submit now and submit again later: your trainer grades the newest "
        "copy you have submitted when they collect the module."]


def test_a_deleted_answer_cell_and_a_misspelt_variable_are_problems_not_blanks(tmp_path):
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    first, second = sorted(answer_cells(nb))[:2]
    nb.cells.remove(answer_cells(nb)[first])
    answer(nb, second, f'q{second}_anwser = "A"')
    status = status_of(nb, tmp_path)
    assert status["problems"][0].startswith(f"Question {first}: its answer cell is missing.")
    assert f"q{first}_answer =" in status["problems"][0]
    assert status["problems"][1] == (f"Question {second}: the answer line must start with q{second}_answer = "
                                     f"(it starts with q{second}_anwser =).")
    assert first not in status["unanswered"] and second not in status["unanswered"]


def test_an_answer_typed_in_a_new_cell_above_the_check_counts(tmp_path):
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    number = choice_question(nb)
    index = nb.cells.index(answer_cells(nb)[number])
    nb.cells[index] = nbformat.v4.new_code_cell(well_formed(nb, number))
    status = status_of(nb, tmp_path)
    assert number not in status["unanswered"] and status["problems"] == []


def test_a_changed_locked_cell_is_reported_and_the_rest_is_still_checked(tmp_path):
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    changed, unquoted = sorted(answer_cells(nb))[:2]
    check_cell(nb, changed).source += "\nprint('changed')"
    answer(nb, unquoted, f"q{unquoted}_answer = {options_of(nb, unquoted)[0]}")
    status = status_of(nb, tmp_path)
    assert (f"Question {changed}: a part of the module that should not change was changed. Ask your trainer "
            "for a fresh copy.") in status["problems"]
    assert any(p.startswith(f"Question {unquoted}: put the answer in quotes") for p in status["problems"])
    assert changed in status["unanswered"]


def test_a_written_answer_that_is_blank_or_deleted_is_empty_and_one_typed_is_not(tmp_path):
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    (number, cell), = written_cells(nb).items()
    cell.source = "   \n"
    assert status_of(nb, tmp_path)["written_empty"] == [number]
    nb.cells.remove(cell)
    assert status_of(nb, tmp_path)["written_empty"] == [number]
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    written_cells(nb)[number].source = "Write your answer here. Dana, both get better together."
    assert status_of(nb, tmp_path)["written_empty"] == []


def test_a_cell_turned_into_another_kind_says_how_to_turn_it_back(tmp_path):
    nb = nbformat.read(ROOT / "release" / MODULE / f"{MODULE}.ipynb", as_version=4)
    number = choice_question(nb)
    index = nb.cells.index(answer_cells(nb)[number])
    nb.cells[index] = nbformat.v4.new_markdown_cell(nb.cells[index].source, metadata=nb.cells[index].metadata)
    (written, cell), = written_cells(nb).items()
    nb.cells[nb.cells.index(cell)] = nbformat.v4.new_raw_cell("Both at once.", metadata=cell.metadata)
    status = status_of(nb, tmp_path)
    assert status["problems"][:2] == [
        f"Question {number}: its answer cell has been turned into a text cell. Click it, choose Code in the cell "
        "type menu of the notebook's toolbar, then run it.",
        f"Question {written}: the cell for your written answer has been turned into a raw cell. Click it and "
        "choose Markdown in the cell type menu of the notebook's toolbar."]
    assert number not in status["unanswered"] and status["written_empty"] == []


def test_a_damaged_notebook_gives_a_plain_sentence(tmp_path):
    path = tmp_path / MODULE / f"{MODULE}.ipynb"
    path.parent.mkdir()
    path.write_text((ROOT / "release" / MODULE / f"{MODULE}.ipynb").read_text()[:5000])
    status = module_status.read_status(path, MODULE).as_dict()
    assert status["ok"] is False and status["problems"] == [module_status.UNREADABLE]
    assert status["message"] == module_status.UNREADABLE
    assert_plain(status["message"])


def test_a_notebook_without_questions_is_not_a_module(tmp_path):
    status = module_status.read_status(ROOT / "notebooks" / "00-start-here.ipynb", "notebooks").as_dict()
    assert status["module"] is None and status["questions"] == 0 and status["ok"] is True
    assert status["submit_warning"] is None


# -- the server extension in a real Jupyter server ---------------------------------------------------------


class Server:
    """`jupyter server` on a throwaway copy of the course, in the learner's folder, with this extension on."""

    def __init__(self, root: Path, state: Path):
        self.root, self.folder = root, root / course.LEARNER_FOLDER
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.env = course.venv_env()
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            (state / name).mkdir(parents=True, exist_ok=True)
            self.env[name] = str(state / name)
        # The server imports the extension from this project.
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), self.env.get("PYTHONPATH")) if p)
        self.log = (state / "server.log").open("w")
        self.process = None

    def start(self) -> None:
        command = [str(course.BIN / "jupyter"), "server", f"--ServerApp.root_dir={self.folder}",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
                   "--ServerApp.jpserver_extensions=widgets.learner_server=True"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.process = subprocess.Popen(command, cwd=self.folder, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "jupyter server stopped at start"
            try:
                self.get("api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        raise RuntimeError("jupyter server was not ready after 120 s")

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()

    def get(self, path: str, token: bool = True) -> tuple[int, dict]:
        headers = {"Authorization": f"token {self.token}"} if token else {}
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body)
            except ValueError:
                return error.code, {"body": body.decode(errors="replace")}

    def status(self, endpoint: str, **query: str) -> dict:
        code, body = self.get(f"course-api/{endpoint}?" + urllib.parse.urlencode(query))
        assert code == 200, body
        return body

    def nbgrader(self, *args: str, cwd: Path) -> None:
        result = subprocess.run([str(course.BIN / "nbgrader"), *args, "--log-level=WARN"], cwd=cwd, env=self.env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "course"
    copy_course(root)
    for module in course.source_modules(root):
        if module != MODULE:  # one module is enough, and keeps the set-up short
            shutil.rmtree(root / "source" / module)
            shutil.rmtree(root / "release" / module, ignore_errors=True)
    course.ensure_course(root)  # course.py's own set-up: exchange, learner folder, gradebook, release
    server = Server(root, tmp_path_factory.mktemp("state"))
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
def test_a_learner_follows_their_module_from_fetch_to_feedback(server):
    before = server.status("assignment-status", assignment_id=MODULE)
    assert before["ok"] is False and "press Fetch" in before["message"]
    feedback = server.status("feedback-status", assignment_id=MODULE)
    assert feedback == {"released": False, "fetched": False, "page": None,
                        "message": "You have not submitted this module yet, so there is no feedback for it. "
                                   "Feedback comes after you submit and your trainer has graded the module."}

    server.nbgrader("fetch_assignment", MODULE, cwd=server.folder)
    notebook = server.folder / MODULE / f"{MODULE}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    numbers = sorted(answer_cells(nb))
    unquoted = choice_question(nb)
    answer(nb, unquoted, f"q{unquoted}_answer = {options_of(nb, unquoted)[0]}")
    nbformat.write(nb, notebook)

    status = server.status("notebook-status", path=f"{MODULE}/{MODULE}.ipynb")
    assert status["module"] == MODULE and status["ok"] is False
    assert status["problems"] == [f'Question {unquoted}: put the answer in quotes, like this: '
                                  f'q{unquoted}_answer = "{options_of(nb, unquoted)[0]}". Without quotes Python '
                                  f'looks for something called {options_of(nb, unquoted)[0]}.']
    assert status["unanswered"] == [n for n in numbers if n != unquoted]
    assert status["written_empty"] == sorted(written_cells(nb))
    assert status["submit_warning"].startswith("Before you submit: ")
    assert server.status("assignment-status", assignment_id=MODULE) == status

    server.nbgrader("submit", MODULE, cwd=server.folder)
    feedback = server.status("feedback-status", assignment_id=MODULE)
    assert (feedback["released"], feedback["fetched"], feedback["page"]) == (False, False, None)
    assert feedback["message"].startswith("Your trainer has not released feedback for this module yet.")

    # The trainer collects, writes the learner's page into feedback/ (where `generate_feedback` writes it; what
    # the page says is another test's business) and releases it with nbgrader's own command.
    server.nbgrader("collect", MODULE, cwd=server.root)
    (learner,) = [p.parent.name for p in (server.root / "submitted").glob(f"*/{MODULE}")]
    page = server.root / "feedback" / learner / MODULE / f"{MODULE}.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html><body><h1>Your feedback</h1></body></html>")
    for record in ("timestamp.txt", "submission_secret.txt"):  # as generate_feedback copies them
        shutil.copy(server.root / "submitted" / learner / MODULE / record, page.parent / record)
    server.nbgrader("release_feedback", MODULE, cwd=server.root)
    feedback = server.status("feedback-status", assignment_id=MODULE)
    assert feedback == {"released": True, "fetched": False, "page": None,
                        "message": "Your feedback is ready: press Fetch Feedback to get it."}

    server.nbgrader("fetch_feedback", MODULE, cwd=server.folder)
    feedback = server.status("feedback-status", assignment_id=MODULE)
    assert (feedback["released"], feedback["fetched"]) == (True, True)
    assert re.fullmatch(rf"{MODULE}/feedback/[^/]+/{MODULE}\.html", feedback["page"])
    assert (server.folder / feedback["page"]).is_file()
    assert feedback["message"].startswith("Your feedback is here")


@pytest.mark.slow
@pytest.mark.parametrize("path", ["../nbgrader_config.py", "/etc/passwd", f"{MODULE}/../../gradebook.db",
                                  ".ipynb_checkpoints/00-start-here-checkpoint.ipynb"])
def test_a_path_outside_the_learners_folder_is_refused_plainly(server, path):
    code, body = server.get("course-api/notebook-status?" + urllib.parse.urlencode({"path": path}))
    assert code == 403 and body == {"message": "That file is not in your folder, so it cannot be checked.",
                                    "ok": False}


@pytest.mark.slow
def test_a_module_id_that_is_a_path_is_refused(server):
    for endpoint in ("assignment-status", "feedback-status"):
        code, body = server.get(f"course-api/{endpoint}?assignment_id=..%2Fsource")
        assert code == 403 and "not in your folder" in body["message"]


@pytest.mark.slow
def test_missing_damaged_and_unknown_things_get_a_plain_message_not_an_error(server):
    missing = server.status("notebook-status", path="no-such-module/no-such.ipynb")
    assert missing["ok"] is False and missing["message"].startswith("This notebook is not in your folder")
    damaged = server.folder / "damaged.ipynb"
    damaged.write_text('{"cells": [')
    body = server.status("notebook-status", path="damaged.ipynb")
    assert body["ok"] is False and body["message"] == module_status.UNREADABLE
    unknown = server.status("feedback-status", assignment_id="no-such-module")
    assert unknown["message"] == "There is no module called no-such-module in this course."
    start_here = server.status("notebook-status", path="00-start-here.ipynb")
    assert start_here["module"] is None and start_here["ok"] is True
    code, body = server.get("course-api/notebook-status")
    assert code == 400 and body["message"] == "Say which notebook to check."


@pytest.mark.slow
def test_the_api_needs_the_learners_login(server):
    code, body = server.get(f"course-api/notebook-status?path={MODULE}/{MODULE}.ipynb", token=False)
    assert code == 403
    assert body == {"message": "You are not signed in, so this cannot be checked. Reload the page and sign in "
                               "again.", "ok": False}
