"""Completion records an agency and a board can use, on cohorts built in memory: the certificate's fields (in
its text layer and drawn on the page), the verification list, the transcript, every export's columns, the
xAPI statements against the xAPI rules, and the learners' evaluations in the cohort report."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import shutil
import subprocess

import pytest
from markupsafe import escape
from traitlets.config import Config

from tests.conftest import ROOT
from widgets.course_settings import Approval, CourseSettings
from widgets.evaluation import Evaluation
from widgets.questions import Module, Question
from widgets.trainer import exports, report
from widgets.trainer.certificates import VERIFICATION_FIELDS, certificate_pdf, record_for, write_certificates
from widgets.trainer.data import CohortData, Learner, Submission
from widgets.trainer.nbgrader_course import Course

DAY = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)


def module(number: int) -> Module:
    mid = f"{number:02d}-module"
    items = [Question(f"q{k}", "choice", 1.0, notebook=mid, number=k, text=f"### Question {k}\n\nStem {k}?",
                      curriculum={"objective": f"{number}.1"}) for k in range(1, 5)]
    return Module(id=mid, number=number, title=f"Module {number} title", estimated_minutes=45 + 15 * (number - 1),
                  objectives={f"{number}.1": "First objective", f"{number}.2": "Second objective"},
                  notebooks=[], questions=items)


def graded(score: float, days: int = 0, pending: bool = False, late: bool = False) -> Submission:
    return Submission(score=score, max_score=4, late=late, needs_manual_grade=pending,
                      items={f"q{k}": 1.0 for k in range(1, int(score) + 1)}, pending_items=set(),
                      submitted=DAY + dt.timedelta(days=days), seconds_late=7200 if late else 0)


def configured() -> CourseSettings:
    return CourseSettings(provider_name="Riverbend Behavioral Health", provider_contact="training@riverbend.example",
                          approvals=[Approval("NBCC", "7123")], contact_hours={"01-module": 0.75, "02-module": 1.0})


@pytest.fixture
def cohort() -> CohortData:
    """ana passes both modules (late in module 2); ben fails module 2; cy waits for manual grading in
    module 2; dee has no email (an xAPI account) and submitted only module 1."""
    mods = {m.id: m for m in (module(1), module(2))}
    people = {"ana": Learner("ana", "Ana", "Díaz", "ana@example.org", "LPC 40101"),
              "ben": Learner("ben", "Ben", "Lee", "ben@example.org"),
              "cy": Learner("cy", "Cy", "Okafor", "cy@example.org", "CADC 77"),
              "dee": Learner("dee", "Dee", "Quinn", "")}
    data = CohortData("cod-iop", mods, people, settings=configured())
    data.submissions = {"01-module": {"ana": graded(4), "ben": graded(4), "cy": graded(4), "dee": graded(3)},
                        "02-module": {"ana": graded(4, days=7, late=True), "ben": graded(2, days=6),
                                      "cy": graded(4, days=6, pending=True)}}
    data.problems = {"01-module": {}, "02-module": {}}
    return data


def course_at(tmp_path) -> Course:
    return Course(root=tmp_path, config=Config())


# ------------------------------------------------------------------ certificates

def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="needs poppler-utils (pdftoppm, pdftotext): apt-get install poppler-utils")


@needs_poppler
@pytest.mark.slow  # runs poppler's programs
def test_a_certificate_holds_every_field_a_board_asks_for_in_its_text_layer(cohort, tmp_path):
    result = write_certificates(course_at(tmp_path), data=cohort, issued=dt.date(2026, 12, 1))
    assert result["eligible"] == ["ana"]
    text = " ".join(pdf_text(result["folder"] / "ana.pdf").split())
    for field in ("Certificate of completion", "Ana Díaz", "Credential or license number: LPC 40101",
                  "Integrated Care for Co-occurring Disorders in Intensive Outpatient Programs", "COD-IOP-101",
                  "Riverbend Behavioral Health", "Approved by NBCC, approval number 7123",
                  "Format: self-paced online, interactive", "Module 1 · Module 1 title 2026-11-20 100.0% 0.75",
                  "Module 2 · Module 2 title 2026-11-27 100.0% 1.00", "1.75",
                  "Certificate number COD-IOP-101-2026-00001", "completed 2026-11-27", "issued 2026-12-01"):
        assert field in text, f"{field!r} is not on the certificate:\n{text}"


@needs_poppler
@pytest.mark.slow  # runs poppler's programs
def test_a_certificate_page_renders_to_an_image_that_is_not_blank(cohort, tmp_path):
    from PIL import Image

    path = tmp_path / "ana.pdf"
    certificate_pdf(path, record_for(cohort, "ana", dt.date(2026, 12, 1), "COD-IOP-101-2026-00001"), cohort, 0.8)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("L")
    assert image.width > image.height  # landscape
    dark = sum(1 for value in image.getdata() if value < 128) / (image.width * image.height)
    assert 0.01 < dark < 0.5, f"{dark:.3f} of the page is ink: blank or solid"
    assert b"/Type /Page" in path.read_bytes() and path.read_bytes().count(b"/Type /Page\n") <= 1


@needs_poppler
@pytest.mark.slow  # runs poppler's programs
def test_without_a_configured_provider_the_certificate_says_so_and_prints_no_approval_number(cohort, tmp_path):
    cohort.settings = CourseSettings()  # placeholders
    result = write_certificates(course_at(tmp_path), data=cohort)
    text = " ".join(pdf_text(result["folder"] / "ana.pdf").split())
    assert "Provider not configured" in text and "does not count for credit yet" in text
    assert "REPLACE" not in text and "approval number" not in text.replace("no approval number", "")
    assert result["provider_configured"] is False


def test_the_verification_list_keeps_each_number_and_a_new_completion_gets_a_new_one(cohort, tmp_path):
    course = course_at(tmp_path)
    first = write_certificates(course, data=cohort, issued=dt.date(2026, 12, 1))
    again = write_certificates(course, data=cohort, issued=dt.date(2026, 12, 5))
    assert [r.number for r in first["records"]] == [r.number for r in again["records"]] == ["COD-IOP-101-2026-00001"]
    assert again["records"][0].issued == dt.date(2026, 12, 1)  # the same certificate, not a new one
    improved = copy.deepcopy(cohort)
    improved.submissions["02-module"]["ben"] = graded(4, days=8)
    third = write_certificates(course, data=improved, issued=dt.date(2026, 12, 9))
    assert sorted(r.number for r in third["records"]) == ["COD-IOP-101-2026-00001", "COD-IOP-101-2026-00002"]
    with first["verification"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == VERIFICATION_FIELDS
    assert [(r["certificate_number"], r["learner"], r["credential"]) for r in rows] == [
        ("COD-IOP-101-2026-00001", "ana", "LPC 40101"), ("COD-IOP-101-2026-00002", "ben", "")]
    assert rows[0]["contact_hours"] == "1.75" and rows[0]["completed"] == "2026-11-27"
    assert rows[0]["approvals"] == "Approved by NBCC, approval number 7123"


def test_the_transcript_gives_contact_hours_the_submission_date_and_lateness(cohort, tmp_path):
    result = write_certificates(course_at(tmp_path), data=cohort)
    with result["transcript"].open(encoding="utf-8") as handle:
        rows = {(r["learner"], r["module"]): r for r in csv.DictReader(handle)}
    assert (rows[("ana", "02-module")]["contact_hours"], rows[("ana", "02-module")]["submitted"],
            rows[("ana", "02-module")]["late"], rows[("ana", "02-module")]["credential"]) == (
        "1.00", "2026-11-27", "yes", "LPC 40101")
    assert rows[("dee", "02-module")]["status"] == "not submitted"
    assert rows[("cy", "02-module")]["status"] == "waiting for manual grading"


def test_the_pass_mark_of_the_settings_is_the_default_threshold(cohort, tmp_path):
    cohort.settings.pass_mark = 0.5  # ben's 2/4 in module 2 now passes
    assert write_certificates(course_at(tmp_path), data=cohort)["eligible"] == ["ana", "ben"]


# ------------------------------------------------------------------ exports

def test_the_relias_export_has_the_historical_upload_columns_and_one_row_per_completion(cohort):
    rows = exports.relias_rows(cohort, 0.8)
    assert exports.RELIAS_FIELDS[:1] == ["Username"] and {"External Course Title", "Completed Date",
                                                           "External Course Code"} <= set(exports.RELIAS_FIELDS)
    found = {(r["Username"], r["External Course Code"]): r for r in rows}
    assert set(found) == {("ana", "COD-IOP-101-M01"), ("ana", "COD-IOP-101-M02"), ("ana", "COD-IOP-101"),
                          ("ben", "COD-IOP-101-M01"), ("cy", "COD-IOP-101-M01")}  # dee's 3/4 = 75% is below 80%
    course = found[("ana", "COD-IOP-101")]
    assert course["Completed Date"] == "11/27/26" and course["Start Date"] == "11/20/26"
    assert course["External Course Title"] == cohort.settings.title
    assert found[("ben", "COD-IOP-101-M01")]["External Course Title"].endswith("Module 1 · Module 1 title")


def test_the_lms_gradebook_has_one_row_per_learner_with_a_column_per_module(cohort):
    rows = {r["user_id"]: r for r in exports.gradebook_rows(cohort, 0.8)}
    fields = exports.gradebook_fields(cohort)
    assert fields == ["user_id", "last_name", "first_name", "email", "credential", "COD-IOP-101-M01 percent",
                      "COD-IOP-101-M02 percent", "modules_passed", "modules_total", "course_status",
                      "completed_date", "contact_hours"]
    assert all(list(r) == fields for r in rows.values())
    assert (rows["ana"]["course_status"], rows["ana"]["completed_date"], rows["ana"]["contact_hours"]) == (
        "completed", "2026-11-27", "1.75")
    assert rows["ben"]["COD-IOP-101-M02 percent"] == "50.0" and rows["ben"]["course_status"] == "in progress"
    assert rows["cy"]["COD-IOP-101-M02 percent"] == ""  # not final until the written answer is marked


def test_xapi_statements_say_passed_failed_or_completed_with_the_score_and_follow_the_rules(cohort, tmp_path):
    paths = exports.write_exports(course_at(tmp_path), data=cohort)
    lines = paths["xapi"].read_text(encoding="utf-8").splitlines()
    statements = [json.loads(line) for line in lines]
    assert len(statements) == 7  # one per learner and module handed in
    assert all(exports.statement_problems(s) == [] for s in statements)
    by = {(s["actor"].get("mbox") or s["actor"]["account"]["name"], s["object"]["id"].rsplit("/", 1)[-1]): s
          for s in statements}
    ben2 = by[("mailto:ben@example.org", "02-module")]
    assert ben2["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert ben2["result"] == {"score": {"scaled": 0.5, "raw": 2, "min": 0, "max": 4}, "success": False,
                              "completion": True}
    assert by[("mailto:ana@example.org", "01-module")]["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    cy2 = by[("mailto:cy@example.org", "02-module")]
    assert cy2["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed" and "score" not in cy2["result"]
    dee = by[("dee", "01-module")]["actor"]
    assert dee["account"] == {"homePage": cohort.settings.xapi_home_page, "name": "dee"} and "mbox" not in dee
    assert ben2["timestamp"] == "2026-11-26T15:30:00Z"
    assert ben2["context"]["contextActivities"]["parent"][0]["id"] == cohort.settings.xapi_activity_base
    assert len({s["id"] for s in statements}) == 7


@pytest.mark.parametrize("change, problem", [
    (lambda s: s["result"]["score"].update(scaled=1.5), "scaled"),
    (lambda s: s["result"]["score"].update(raw=9), "raw must lie between min and max"),
    (lambda s: s["result"]["score"].update(min=4), "min must be less than max"),
    (lambda s: s["result"]["score"].update(scaled=0.9), "must equal raw / max"),
    (lambda s: s["actor"].update(account={"homePage": "https://lms.example.org", "name": "x"}), "actor"),
    (lambda s: s["actor"].pop("mbox"), "actor"),
    (lambda s: s["verb"].update(id="passed"), "verb/id"),
    (lambda s: s.update(timestamp="26/11/2026"), "timestamp"),
    (lambda s: s["result"].update(success=True), "contradicts the verb"),
    (lambda s: s.update(id="not-a-uuid"), "id"),
])
def test_a_statement_breaking_an_xapi_rule_is_caught(cohort, change, problem):
    statement = copy.deepcopy(next(s for s in exports.statements(cohort, 0.8)  # ben's module 2: 2 of 4
                                   if s["actor"].get("mbox") == "mailto:ben@example.org"
                                   and s["verb"]["id"].endswith("failed")))
    assert exports.statement_problems(statement) == []
    change(statement)
    problems = exports.statement_problems(statement)
    assert any(problem in p for p in problems), problems


# ------------------------------------------------------------------ evaluations in the cohort report

def test_the_report_counts_each_evaluation_answer_per_module_and_lists_comments_escaped(cohort, tmp_path):
    good = Evaluation("01-module", {"1.1": "Yes", "1.2": "Partly"}, "Very relevant", "Mostly clear",
                      "30 to 45 minutes", "<script>alert(1)</script> Loved the cases", "2026-11-20T10:00:00+00:00")
    other = Evaluation("01-module", {"1.1": "Yes", "1.2": None}, "Not relevant", None, "Over 90 minutes", "")
    cohort.evaluations = {"01-module": {"ana": good, "ben": other, "cy": "its evaluation could not be read "
                                        "(evaluation.json: not a readable evaluation).", "dee": "no evaluation saved."},
                          "02-module": {}}
    paths = report.write_report(course_at(tmp_path), data=cohort)
    with paths["evaluation summary"].open(encoding="utf-8") as handle:
        counts = {(r["module"], r["question"].split("?")[0], r["answer"]): int(r["count"])
                  for r in csv.DictReader(handle)}
    assert counts[("01-module", "Objective 1.1 met", "Yes")] == 2
    assert counts[("01-module", "Objective 1.2 met", "Partly")] == 1
    assert counts[("01-module", "Objective 1.2 met", "no answer")] == 1
    assert counts[("01-module", "How relevant is this module to your work with clients", "Very relevant")] == 1
    assert counts[("01-module", "How relevant is this module to your work with clients", "Not relevant")] == 1
    assert counts[("01-module", "How relevant is this module to your work with clients", "A little relevant")] == 0
    page = paths["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Loved the cases" in page
    assert "Very relevant: 1; Somewhat relevant: 0; A little relevant: 0; Not relevant: 1" in page
    assert "2 evaluation(s) from 4 collected submission(s)" in page
    assert "Cy Okafor (its evaluation could not be read" in page
    with paths["evaluation comments"].open(encoding="utf-8") as handle:
        comments = list(csv.DictReader(handle))
    assert [(c["learner"], bool(c["comment"]), bool(c["note"])) for c in comments] == [
        ("ana", True, False), ("cy", False, True), ("dee", False, True)]


def test_a_late_submission_is_graded_and_marked_late_in_the_report(cohort):
    rows = {(r["learner"], r["module"]): r for r in report.module_score_rows(cohort)}
    assert rows[("ana", "02-module")]["late"] == "yes" and rows[("ana", "02-module")]["percent"] == "100.0"
    assert rows[("ben", "02-module")]["late"] == "no"


# ------------------------------------------------------------------ the roster's credential column

def test_the_roster_takes_an_optional_credential_and_refuses_one_that_is_not_one_line(tmp_path):
    from widgets.trainer.roster import RosterError, check_roster

    good = tmp_path / "good.csv"
    good.write_text("id,first_name,credential\nana,Ana,LPC 40101\nben,Ben,\n", encoding="utf-8")
    assert [r["credential"] for r in check_roster(good)] == ["LPC 40101", ""]
    bad = tmp_path / "bad.csv"
    bad.write_text('id,credential\nana,"LPC\n40101"\n', encoding="utf-8")
    with pytest.raises(RosterError, match="bad.csv, line 2: the credential of 'ana' must be one line"):
        check_roster(bad)


@pytest.mark.slow  # nbgrader's gradebook
def test_an_imported_credential_is_kept_beside_the_gradebook_and_reaches_the_cohort_data(tmp_path):
    from widgets.trainer.data import load
    from widgets.trainer.roster import CREDENTIALS_FILE, import_roster

    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,credential\nana,Ana,Díaz,LPC 40101\nben,Ben,Lee,\n", encoding="utf-8")
    course = Course.open(tmp_path)
    assert import_roster(course, roster) == 2
    assert (tmp_path / CREDENTIALS_FILE).read_text(encoding="utf-8").splitlines() == [
        "id,credential", "ana,LPC 40101", "ben,"]
    learners = load(course).learners
    assert (learners["ana"].credential, learners["ben"].credential, learners["ana"].name) == (
        "LPC 40101", "", "Ana Díaz")


# ------------------------------------------------------------------ the assessment packet

def test_the_assessment_packet_holds_every_objective_key_source_rubric_reference_and_the_hours(tmp_path):
    from tests.conftest import copy_course
    from widgets.questions import read_module
    from widgets.trainer.packet import write_packet

    root = copy_course(tmp_path / "course")
    shutil.copy(ROOT / "course-settings.yaml", root / "course-settings.yaml")
    paths = write_packet(Course(root=root, config=Config()))
    page = paths["html"].read_text(encoding="utf-8")
    assert paths["sample certificate"].read_bytes().startswith(b"%PDF")
    for folder in sorted((ROOT / "source").iterdir()):
        mod = read_module(folder)
        assert f"Module {mod.number} · {mod.title}" in page
        for text in mod.objectives.values():
            assert str(escape(text)) in page
        for question in mod.questions:
            assert str(escape(question.label)) in page
            if question.written:
                assert "Rubric (marked by the trainer)" in page
            else:
                assert question.key is not None
    assert "Key: B." in page or "Key: A." in page
    assert "Total</th><td>435</td><td>7.26</td>" in page  # 435 minutes; the settings' hours add up to 7.26
    assert "T42-20-CH3: TIP 42 Updated 2020, Ch. 3 Screening and Assessment" in page
    assert "Provider not configured" in page and "latest submission counts" in page
    assert "How relevant is this module to your work with clients?" in page
    from widgets import sources

    secondary = [s for s in sources.all_sources().values() if not s.citable and f"{s.key}: " in page]
    assert secondary, "the course cites no source the clinical reference marks not citable any more"
    for source in secondary:  # never cited as if it were the primary document
        assert f"{source.key}: {escape(source.title)} ({escape(sources.SECONDARY)})" in page
