"""The course on a real JupyterHub: the whole loop, as deploy/jupyterhub/ sets it up.

Real parts only: PAM sign-in with Unix passwords, one server per learner (LocalProcessSpawner) running
as that learner, nbgrader's Assignments-panel handlers on each server, the grader account running the
course's own `python -m widgets.trainer grade`, and a PostgreSQL gradebook. Learner B must be refused
everything of learner A's: their server, their files, their submission, their feedback.
"""

from __future__ import annotations

import json
import subprocess
import threading

import nbformat
import pytest

from widgets.questions import answered, read_module

from .browser import HubBrowserLearner
from .conftest import MODULE
from .site import HUB_ENV, ROOT, as_user

# One site per run: xdist keeps the module on one worker (course.py test runs -n 2 --dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]

NOTEBOOK = f"{MODULE}.ipynb"
SCORES = """
import json, sys
from widgets.trainer.nbgrader_course import Course
course, module = Course.open(sys.argv[1]), sys.argv[2]
out = {"url": course.db_url.split(":", 1)[0], "released": course.released_modules(), "learners": {}}
with course.gradebook() as gb:
    for learner in sys.argv[3:]:
        sub = gb.submission(module, learner)
        grades = {g.name: g.score for nb in sub.notebooks for g in nb.grades} if sub else None
        out["learners"][learner] = {"score": sub.score if sub else None, "grades": grades}
print(json.dumps(out))
"""
MANUAL_GRADE = """
import sys
from widgets.trainer.nbgrader_course import Course
course, module, learner, grade_id, mark = Course.open(sys.argv[1]), *sys.argv[2:6]
with course.gradebook() as gb:
    grade = gb.find_grade(grade_id, module, module, learner)
    grade.manual_score = float(mark)
    gb.db.commit()
print("graded", learner)
"""


def gradebook(site) -> dict:
    out = site.as_grader([str(HUB_ENV / "bin" / "python"), "-c", SCORES, str(site.course_root), MODULE,
                          *site.people.values()]).stdout
    return json.loads(out.strip().splitlines()[-1])


def fetched_notebook(person, course_id: str) -> dict:
    response = person.server("GET", f"/api/contents/{course_id}/{MODULE}/{NOTEBOOK}", params={"content": 1})
    response.raise_for_status()
    return nbformat.from_dict(response.json()["content"])


@pytest.fixture(scope="module")
def loop(site):
    """Both learners sign in, fetch and submit: A through the hub's API with every knowledge-check answer
    right, B in headless Chromium through JupyterLab's Assignments panel with nothing answered. The trainer
    grades with the course's grader and releases feedback; both fetch their feedback, B in the browser."""
    course, people = site.course_id, site.people
    browser = HubBrowserLearner(site, people["b"])
    try:
        browser.sign_in()  # the hub starts B's server from the login page, as it does for a person
        a, b = site.person(people["a"]), site.person(people["b"])
        a.start_server()
        assert [x["assignment_id"] for x in a.assignments(course)["value"]] == [MODULE]
        assert a.nbgrader("fetch", course, MODULE)["success"], "A could not fetch"
        module = read_module(site.course_root / "source" / MODULE)
        right = answered(fetched_notebook(a, course), {q.grade_id: q.correct_answer() for q in module.autograded})
        saved = a.server("PUT", f"/api/contents/{course}/{MODULE}/{NOTEBOOK}",
                         json={"type": "notebook", "format": "json", "content": right})
        assert saved.status_code == 200, saved.text
        assert a.nbgrader("submit", course, MODULE)["success"], "A could not submit"
        browser.fetch_and_submit(MODULE)
        graded = site.grade(MODULE, "--release-feedback")
        feedback = {a.name: a.nbgrader("fetch_feedback", course, MODULE)}
        b_page = browser.fetch_feedback(MODULE)
        feedback[b.name] = b.assignments(course)
    finally:
        browser.close()
    return {"a": a, "b": b, "module": module, "graded": graded, "feedback": feedback, "b_page": b_page}


def submissions(listing: dict) -> list[dict]:
    return [s for entry in listing["value"] if entry.get("status") == "submitted" for s in entry["submissions"]]


def test_a_wrong_password_is_refused(site):
    session = site.login(site.people["a"], password="not-the-password")
    assert "jupyterhub-session-id" not in session.cookies.get_dict()
    assert not any(c.name == "jupyterhub-hub-login" for c in session.cookies)


def test_each_learner_submits_and_the_trainer_grades_everyone(site, loop):
    assert "2 submission(s) graded now" in loop["graded"], loop["graded"]
    book = gradebook(site)
    assert book["url"] == "postgresql", "the hub's course must grade into the PostgreSQL gradebook"
    assert book["released"] == [MODULE]
    a, b = site.people["a"], site.people["b"]
    autograded = sum(q.points for q in loop["module"].autograded)
    assert book["learners"][a]["score"] == pytest.approx(autograded)  # every knowledge check right
    assert book["learners"][b]["score"] == 0
    assert book["learners"][site.people["trainer"]]["score"] is None


def test_each_learner_gets_only_their_own_feedback(site, loop):
    pages = {}
    for key in ("a", "b"):
        person = loop[key]
        mine = submissions(loop["feedback"][person.name])
        assert mine and all(s["student_id"] == person.name for s in mine), "a learner saw someone else's"
        notebook = mine[-1]["notebooks"][0]
        assert notebook["has_local_feedback"], f"{person.name} got no feedback"
        path = mine[-1]["local_feedback_path"] + "/" + MODULE + ".html"
        page = person.server("GET", f"/files/{path.removeprefix('./')}")
        assert page.status_code == 200, page.text[:300]
        pages[key] = (path, page.text)
    assert pages["a"][1] != pages["b"][1]
    # What B read in the browser is B's page: the score B earned, not A's.
    assert "Your score: 0 of" in loop["b_page"], loop["b_page"][:500]
    # B asks A's server for A's feedback page: the hub refuses.
    stolen = loop["b"].server("GET", f"/files/{pages['a'][0].removeprefix('./')}", owner=loop["a"].name)
    assert stolen.status_code in (302, 403, 404), stolen.status_code
    assert pages["a"][1] not in stolen.text


def test_learner_b_is_refused_learner_as_work(site, loop):
    a, b = loop["a"], loop["b"]
    # Through the hub: B's token does not open A's server.
    for path in (f"/api/contents/{site.course_id}/{MODULE}", "/assignments"):
        response = b.server("GET", path, owner=a.name, params={"course_id": site.course_id})
        assert response.status_code in (302, 403, 404), (path, response.status_code)
    # Through B's own server: nbgrader lists only B's submissions.
    assert {s["student_id"] for s in submissions(b.assignments(site.course_id))} == {b.name}
    # As B's Unix account: neither the exchange's inbound and feedback folders nor A's home can be listed.
    course_exchange = site.exchange / site.course_id
    for folder in (course_exchange / "inbound", course_exchange / "feedback", site.homes / a.name):
        listing = as_user(b.name, ["ls", str(folder)], check=False)
        assert listing.returncode != 0 and "Permission denied" in listing.stderr, folder
    # ... while B can still submit (write) into inbound: nbgrader's 2733.
    assert (course_exchange / "inbound").stat().st_mode & 0o7777 == 0o2733
    assert (course_exchange / "feedback").stat().st_mode & 0o777 == 0o711


def test_the_formgrader_service_opens_for_trainers_only(site, loop):
    trainer = site.person(site.people["trainer"])
    url = f"/services/{site.course_id}/api/status"
    assert trainer.http.get(site.url + url, timeout=60).status_code == 200
    refused = loop["b"].http.get(site.url + url, timeout=60, allow_redirects=False)
    assert refused.status_code in (302, 403), refused.status_code
    assert "formgrade" not in refused.text.lower() or refused.status_code == 403


def test_two_trainers_grading_at_once_lose_nothing(site, loop):
    """At the same moment one trainer autogrades A's submission again while another marks B's written
    answer: with PostgreSQL both land, and nothing else changes."""
    written = loop["module"].written[0].grade_id
    python = str(HUB_ENV / "bin" / "python")
    results, errors = {}, []

    def trainer(name: str, cmd: list[str]) -> None:
        try:
            results[name] = site.as_grader(cmd, timeout=600, check=False)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    jobs = [
        threading.Thread(target=trainer, args=("autograde", [
            str(HUB_ENV / "bin" / "nbgrader"), "autograde", MODULE, "--student", site.people["a"], "--force"])),
        threading.Thread(target=trainer, args=("mark b", [
            python, "-c", MANUAL_GRADE, str(site.course_root), MODULE, site.people["b"], written, "1"])),
    ]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    assert not errors, errors
    failed = {k: r.stderr[-2000:] for k, r in results.items() if r.returncode != 0}
    assert not failed, failed
    book = gradebook(site)
    autograded = sum(q.points for q in loop["module"].autograded)
    a, b = site.people["a"], site.people["b"]
    assert book["learners"][b]["grades"][written] == 1
    assert book["learners"][a]["score"] == pytest.approx(autograded)
    assert book["learners"][b]["score"] == pytest.approx(1)


def test_the_servers_run_outside_root(site, loop):
    """The servers' Python is not the project's .venv under /root (other accounts cannot enter /root)."""
    assert not str(HUB_ENV).startswith("/root")
    assert ROOT.exists()
    proc = subprocess.run(["ps", "-ww", "-o", "args=", "-u", loop["a"].name], capture_output=True, text=True)
    assert str(HUB_ENV / "bin" / "jupyterhub-singleuser") in proc.stdout
