"""The cohort report and completion records, on cohorts built in memory (no nbgrader run needed)."""

import csv
import datetime
import html
import math
import random
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from widgets.questions import Module, Question, read_module
from widgets.trainer import grading, report, stats
from widgets.trainer.certificates import eligible, write_certificates
from widgets.trainer.data import LATE, CohortData, Learner, Submission, load
from widgets.trainer.nbgrader_course import Course

# Its module-wide fixture is built once: every test of this file runs on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("trainer-report")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_MODULE = ROOT / "tests" / "fixtures" / "trainer" / "source" / "01-practice-module"


def make_module(number: int, questions: int = 4, written_points: float = 0) -> Module:
    """A module whose question k assesses objective N.(k % 2 + 1); an optional written answer on N.1."""
    mid = f"{number:02d}-module"
    items = [Question(f"q{k}", "choice", 1.0, notebook=mid, number=k, text=f"### Question {k}\n\nStem of question {k}?",
                      curriculum={"objective": f"{number}.{k % 2 + 1}"}) for k in range(1, questions + 1)]
    if written_points:
        items.append(Question("q_written", "written", written_points, notebook=mid,
                              curriculum={"objective": f"{number}.1"}))
    return Module(id=mid, number=number, title=f"Module {number} title", estimated_minutes=45,
                  objectives={f"{number}.1": "First objective", f"{number}.2": "Second objective"},
                  notebooks=[], questions=items)


def sub(items: dict[str, float], max_score: float, pending=()) -> Submission:
    return Submission(score=sum(items.values()), max_score=max_score, late=False,
                      needs_manual_grade=bool(pending), items=items, pending_items=set(pending))


def course_at(tmp_path) -> Course:
    return Course(root=tmp_path, config=Config())


@pytest.fixture
def small():
    """Three learners, one module of four one-point questions; objectives 1.1 (q2, q4) and 1.2 (q1, q3)."""
    module = make_module(1)
    data = CohortData("test", {module.id: module},
                      {lr: Learner(lr, lr.title(), "Test") for lr in ("ana", "ben", "cy", "dee")})
    data.submissions[module.id] = {
        "ana": sub({"q1": 1, "q2": 1, "q3": 1, "q4": 1}, 4),
        "ben": sub({"q1": 0, "q2": 1, "q3": 0, "q4": 1}, 4),
        "cy": sub({"q1": 1, "q2": 0, "q3": 1, "q4": 1}, 4),
    }
    data.problems[module.id] = {}
    return data


def test_mastery_combines_each_objectives_questions(small):
    mastery = small.mastery()
    assert mastery["ben"] == {"1.1": 1.0, "1.2": 0.0}  # q2 + q4 right, q1 + q3 wrong
    assert mastery["cy"] == {"1.1": 0.5, "1.2": 1.0}
    assert mastery["dee"] == {}


def test_follow_up_lists_the_missing_learner_and_each_objective_below_threshold(small):
    rows = report.follow_up_rows(small, threshold=0.8)
    found = {(r["learner"], r["reason"], r["details"].split(" ")[0] if r["reason"] == "below mastery" else "")
             for r in rows}
    assert found == {("dee", "not submitted", ""), ("ben", "below mastery", "1.2"), ("cy", "below mastery", "1.1")}


def test_the_report_page_shows_exactly_the_numbers_of_its_csv_files(small, tmp_path):
    paths = report.write_report(course_at(tmp_path), threshold=0.8, data=small)
    page = paths["html"].read_text()
    for name in ("module summary", "item analysis", "follow-up", "module scores", "objective summary"):
        with paths[name].open() as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    if column in report.MACHINE_COLUMNS or column in ("title", "question_number"):
                        continue  # logins, folder names, grade ids: the page shows the readable column
                    assert f"<td>{html.escape(value)}</td>" in page, f"{name}: {value!r} missing from the page"
    # Mean of 4/4, 2/4, 3/4 = 75.0%.
    assert "<td>75.0</td>" in page


def test_every_figure_in_the_report_has_a_text_alternative_and_a_caption(small, tmp_path):
    page = report.write_report(course_at(tmp_path), data=small)["html"].read_text()
    images = re.findall(r"<img [^>]*alt=\"([^\"]+)\"", page)
    assert len(images) == 3
    assert all(images)
    assert page.count("<figcaption") == len(images)


def test_item_analysis_rows_carry_the_statistics_of_the_pure_functions(small):
    rows = {r["item"]: r for r in report.item_rows(small)}
    scores = {lr: s.items for lr, s in small.submissions["01-module"].items()}
    expected = {s.item: s for s in stats.item_analysis(scores, dict.fromkeys(["q1", "q2", "q3", "q4"], 1.0))}
    assert rows["q4"]["difficulty"] == "1.00" and "too easy" in rows["q4"]["flags"]
    assert rows["q1"]["point_biserial"] == f"{expected['q1'].point_biserial:.2f}"


def test_a_written_answer_waiting_for_grading_is_left_out_of_item_statistics():
    module = make_module(1, written_points=2)
    data = CohortData("test", {module.id: module}, {"ana": Learner("ana"), "ben": Learner("ben")})
    data.submissions[module.id] = {
        "ana": sub({"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q_written": 2}, 6),
        "ben": sub({"q1": 1, "q2": 0, "q3": 1, "q4": 0, "q_written": 0}, 6, pending=["q_written"]),
    }
    rows = {r["item"]: r for r in report.item_rows(data)}
    assert rows["q_written"]["flags"] == "waiting for grading"
    assert rows["q2"]["difficulty"] == "0.50"


def big_cohort(learners: int = 200, modules: int = 8) -> CohortData:
    rng = random.Random(5)
    mods = {m.id: m for m in (make_module(n, questions=6) for n in range(1, modules + 1))}
    data = CohortData("big", mods, {f"learner{i:03d}": Learner(f"learner{i:03d}") for i in range(learners)})
    for mid in mods:
        data.submissions[mid] = {lr: sub({f"q{k}": float(rng.random() < 0.75) for k in range(1, 7)}, 6)
                                 for lr in list(data.learners)[: learners - 3]}
        data.problems[mid] = {}
    return data


def test_the_mastery_grid_stays_readable_for_200_learners_by_paging_them():
    data = big_cohort()
    figures = report.heatmap_figures(data, 0.8)
    assert len(figures) == math.ceil(200 / report.HEATMAP_PAGE)
    assert "learners 1 to 50" in figures[0].alt_text
    assert "learners 151 to 200" in figures[-1].alt_text


def test_the_mastery_grid_puts_learners_without_results_then_the_weakest_first(small):
    assert report.weakest_first(small.mastery(), small.learners) == ["dee", "ben", "cy", "ana"]
    # ben and cy both average 0.5 (ties go by id); ana masters everything.
    text = report.heatmap_figures(small, 0.8)[0].alt_text
    assert "No result yet for: Dee Test." in text  # by name, as in the roster


def cert_data():
    """Four learners over two modules (4 questions + a 2-point written answer each, 6 points)."""
    mods = {m.id: m for m in (make_module(1, written_points=2), make_module(2, written_points=2))}
    learners = {"zoe": Learner("zoe", "Zoë", "Núñez"), "max": Learner("max", "Max", "Brown"),
                "lee": Learner("lee", "Lee", "Kim"), "sam": Learner("sam", "Sam", "Ortiz")}
    data = CohortData("cod-iop", mods, learners)
    full = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q_written": 2}
    five = {**full, "q_written": 1}  # 5/6 = 83%
    four = {**full, "q_written": 0}  # 4/6 = 67%
    data.submissions = {
        "01-module": {"zoe": sub(full, 6), "max": sub(five, 6), "lee": sub(full, 6), "sam": sub(full, 6)},
        "02-module": {"zoe": sub(five, 6), "max": sub(four, 6), "lee": sub(full, 6, pending=["q_written"])},
    }
    data.problems = {"01-module": {}, "02-module": {}}
    return data


def test_only_learners_at_or_above_the_threshold_in_every_module_are_eligible():
    # zoe: 100% and 83%; max: 67% in module 2; lee: module 2 waiting for manual grading; sam: no module 2.
    assert eligible(cert_data(), 0.8) == ["zoe"]
    assert eligible(cert_data(), 0.6) == ["max", "zoe"]


def test_certificates_are_written_only_for_eligible_learners_with_a_transcript_for_everyone(tmp_path):
    course = course_at(tmp_path)
    (tmp_path / "reports" / "certificates").mkdir(parents=True)
    stale = tmp_path / "reports" / "certificates" / "max.pdf"
    stale.write_bytes(b"%PDF old")
    result = write_certificates(course, threshold=0.8, data=cert_data())
    assert sorted(p.name for p in result["folder"].glob("*.pdf")) == ["zoe.pdf"]
    assert (result["folder"] / "zoe.pdf").read_bytes().startswith(b"%PDF")
    with result["transcript"].open() as handle:
        rows = list(csv.DictReader(handle))
    status = {(r["learner"], r["module"]): r["status"] for r in rows}
    assert status == {
        ("lee", "01-module"): "completed", ("lee", "02-module"): "waiting for manual grading",
        ("max", "01-module"): "completed", ("max", "02-module"): "below threshold",
        ("sam", "01-module"): "completed", ("sam", "02-module"): "not submitted",
        ("zoe", "01-module"): "completed", ("zoe", "02-module"): "completed",
    }
    assert {r["estimated_hours"] for r in rows} == {"0.75"}


def test_certificates_refuse_a_threshold_given_as_a_percentage():
    with pytest.raises(ValueError, match="0.8 means 80%"):
        eligible(cert_data(), 80)


def test_a_course_without_a_gradebook_still_gets_an_empty_report(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'empty'\n")
    paths = report.write_report(Course.open(tmp_path))
    assert "No graded submission yet" in paths["html"].read_text()
    assert not (tmp_path / "gradebook.db").exists()


def test_a_certificate_for_all_eight_modules_fits_on_one_page(tmp_path):
    from widgets.trainer.certificates import certificate_pdf, record_for

    data = big_cohort(learners=4, modules=8)  # the first learner has a submission in every module
    for module in data.modules.values():
        module.title = "Safety, transitions and capstone: a longer module title than most"
    path = tmp_path / "one.pdf"
    learner = next(iter(data.learners))
    data.learners[learner].first_name, data.learners[learner].last_name = "Zoë", "Núñez-Okafor"
    data.learners[learner].credential = "LPC-MHSA 123456789"
    certificate_pdf(path, record_for(data, learner, datetime.date(2026, 11, 27), "COD-IOP-101-2026-00001"), data, 0.8)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes())) == 1


def test_follow_up_summary_has_one_line_per_learner_most_items_first(small):
    lines = report.follow_up_by_learner(report.follow_up_rows(small, threshold=0.8))
    assert [line["learner"] for line in lines] == ["ben", "cy", "dee"]
    assert {line["learner"]: (line["submissions"], line["below_mastery"]) for line in lines} == {
        "ben": ("", "1.2"), "cy": ("", "1.1"), "dee": ("Module 1 · Module 1 title: not submitted", "")}


# ---------------------------------------------------------------- names, questions, follow-up, safety


def csv_rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_page_names_learners_by_their_roster_names_and_questions_by_their_first_words(small, tmp_path):
    small.learners["zed"] = Learner("zed")  # in the gradebook without a name: the login, shown as it is
    paths = report.write_report(course_at(tmp_path), threshold=0.8, data=small)
    page = paths["html"].read_text()
    for name in ("Ana Test", "Ben Test", "Cy Test", "Dee Test", "<td>zed</td>"):
        assert name in page
    for login in ("ana", "ben", "cy", "dee"):
        assert f"<td>{login}</td>" not in page
    assert "<td>Q3 · Stem of question 3?</td>" in page
    assert not re.search(r"<td>q\d</td>", page), "a question shown by its grade id"
    assert "<td>01-module</td>" not in page and "Module 1 · Module 1 title" in page
    items = {r["item"]: r for r in csv_rows(paths["item analysis"])}
    assert (items["q3"]["question_number"], items["q3"]["question"]) == ("3", "Q3 · Stem of question 3?")
    follow = csv_rows(paths["follow-up"])
    assert {(r["learner"], r["learner_name"]) for r in follow} >= {("ben", "Ben Test"), ("zed", "zed")}


def test_two_learners_with_the_same_name_are_told_apart_by_their_login(small):
    small.learners["ben2"] = Learner("ben2", "Ben", "Test")
    assert small.name_of("ben") == "Ben Test (ben)"
    assert small.name_of("ben2") == "Ben Test (ben2)"
    assert small.name_of("ana") == "Ana Test"


def test_each_question_is_read_with_its_number_and_first_words_from_its_question_cell():
    module = read_module(FIXTURE_MODULE)
    labels = {item.grade_id: item.label for item in module.questions}
    assert labels["q1_definition"] == "Q1 · Which is a co-occurring disorder?"
    assert labels["q4_quadrant"].startswith("Q4 · High mental-health severity")
    # The written question takes its text from the question cell, not from "how your trainer marks it".
    assert labels["q5_written_relapse"].startswith("Q5 · In two or three sentences, explain why")
    assert module.safety_critical == ["1.3"]


def test_every_kind_of_submission_problem_is_in_follow_up_with_a_plain_reason(small):
    small.concerns["01-module"] = {
        "dee": [grading.Concern(grading.DAMAGED, "01-module.ipynb is damaged; ask the learner to submit it again.")],
        "cy": [grading.Concern(grading.CHANGED, "changed locked cell(s) q2", ("q2",)),
               grading.Concern(LATE, "submitted 20 hour(s) after the due date.")],
    }
    rows = report.follow_up_rows(small, threshold=0.8)
    reasons = {(r["learner_name"], r["reason"]) for r in rows}
    assert ("Dee Test", grading.DAMAGED) in reasons
    assert ("Dee Test", "not submitted") not in reasons  # the damaged file says more than "not submitted"
    assert {("Cy Test", grading.CHANGED), ("Cy Test", LATE)} <= reasons
    changed = next(r for r in rows if r["reason"] == grading.CHANGED)
    assert "Q2 · Stem of question 2?" in changed["details"] and "q2" not in changed["details"].split()


def test_a_safety_critical_objective_below_the_threshold_is_flagged_in_words_and_its_learners_listed(
        small, tmp_path):
    small.modules["01-module"].safety_critical = ["1.2"]  # q1 + q3: ana and cy reach it, ben does not (2 of 3)
    paths = report.write_report(course_at(tmp_path), threshold=0.8, data=small)
    page = paths["html"].read_text()
    warning = page[page.index("<section class='warning'"):page.index("</section>")]
    assert "Warning: safety-critical objectives below the mastery threshold" in warning
    assert "Objective 1.2" in warning and "66.7%" in warning and "Ben Test" in warning
    assert page.index("Warning: safety-critical") < page.index("Who needs follow-up")
    summary = {r["objective"]: r for r in csv_rows(paths["objective summary"])}
    assert summary["1.2"]["flag"] == report.SAFETY_FLAG and summary["1.1"]["flag"] == ""  # 1.1 is not marked
    follow = {(r["learner"], r["reason"]) for r in csv_rows(paths["follow-up"])}
    assert ("ben", report.SAFETY_BELOW) in follow and ("ben", report.BELOW_MASTERY) not in follow
    first = report.follow_up_by_learner(report.follow_up_rows(small, threshold=0.8))[0]
    assert (first["learner"], first["safety_critical_below_mastery"]) == ("ben", "1.2")


def test_a_safety_critical_objective_the_cohort_masters_raises_no_warning(small, tmp_path):
    small.modules["01-module"].safety_critical = ["1.2"]
    paths = report.write_report(course_at(tmp_path), threshold=0.6, data=small)
    assert "Warning: safety-critical" not in paths["html"].read_text()  # 2 of 3 learners (67%) reach 60%
    summary = {r["objective"]: r for r in csv_rows(paths["objective summary"])}
    assert (summary["1.2"]["safety_critical"], summary["1.2"]["cohort_mastery_percent"]) == ("yes", "66.7")
    assert summary["1.2"]["flag"] == ""


MARKUP = "<script>alert(1)</script> & co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"


def page_showing(text: str, folder: Path) -> str:
    """The report of a cohort with `text` in every value the page takes from the course: the course id, a
    module's folder name, title, objective and question, a roster name, a login shown for want of a name,
    and concern texts. Drawn figures and the time of writing are left out (they differ from run to run)."""
    module = make_module(1)
    module.id = f"01-{text}"
    module.title = f"Module title {text}"
    module.objectives["1.2"] = f"Second objective {text}"
    module.questions[2].text = f"### Question 3\n\nStem of question 3 {text}"
    module.safety_critical = ["1.2"]
    learners = {lr: Learner(lr, lr.title(), "Test") for lr in ("ana", "ben", "cy", "dee")}
    learners["ben"].last_name = f"Test {text}"
    login = f"zed{text}"
    learners[login] = Learner(login)
    data = CohortData(f"cohort {text}", {module.id: module}, learners)
    data.submissions[module.id] = {
        "ana": sub({"q1": 1, "q2": 1, "q3": 1, "q4": 1}, 4),
        "ben": sub({"q1": 0, "q2": 1, "q3": 0, "q4": 1}, 4),
        "cy": sub({"q1": 1, "q2": 0, "q3": 1, "q4": 1}, 4),
    }
    data.problems[module.id] = {}
    data.concerns[module.id] = {
        "cy": [grading.Concern(grading.CHANGED, "changed locked cell(s) q3", ("q3",)),
               grading.Concern(LATE, text)],
        "dee": [grading.Concern(grading.DAMAGED, text)],
    }
    page = report.write_report(course_at(folder), threshold=0.8, data=data)["html"].read_text()
    page = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", page)
    return re.sub(r"Written \S+ \S+ UTC", "Written UTC", page)


def test_names_titles_objectives_questions_and_concerns_are_escaped_wherever_the_page_shows_them(tmp_path):
    plain, marked = page_showing("MARKER", tmp_path / "plain"), page_showing(MARKUP, tmp_path / "marked")
    assert "<script" not in marked.lower()
    # Every place that shows a value shows it escaped, and nothing else on the page changes.
    assert marked == plain.replace("MARKER", ESCAPED)
    # The values reach every part of the page: title, heading, warning, tables, figure texts, notes.
    assert f"<title>Cohort report: cohort {ESCAPED}</title>" in marked
    assert f"<h1>Cohort report: cohort {ESCAPED}</h1>" in marked
    warning = marked[marked.index("<section class='warning'"):marked.index("</section>")]
    assert f"Module title {ESCAPED}" in warning and f"Second objective {ESCAPED}" in warning
    assert f"Below it: Ben Test {ESCAPED}." in warning
    cells = re.findall(r"<td>(.*?)</td>", marked)
    for shown in (f"Ben Test {ESCAPED}", f"zed{ESCAPED}", f"Module 1 · Module title {ESCAPED}",
                  f"Second objective {ESCAPED}", f"Q3 · Stem of question 3 {ESCAPED}", ESCAPED):
        assert shown in cells, shown
    assert any(f"Changed the locked cell(s) of Q3 · Stem of question 3 {ESCAPED}." in c for c in cells)
    assert f"1.2 Second objective {ESCAPED}: 0.0%" in cells
    captions = " ".join(re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", marked))
    assert f"01-{ESCAPED}:" in captions and f"Ben Test {ESCAPED} (1.2)" in captions and f"zed{ESCAPED}" in captions
    assert f"graded submissions (Module 1 · Module title {ESCAPED}) these" in " ".join(marked.split())


@pytest.fixture(scope="module")
def graded_fixture_course(tmp_path_factory):
    """The fixture module released with nbgrader and graded as a trainer grades it, with one learner of
    each kind: tampered (graded), damaged, renamed notebook, collected but not graded, never submitted."""
    from nbgrader.api import Gradebook

    from widgets.trainer.nbgrader_course import ensure_tools_on_path

    ensure_tools_on_path()
    root = tmp_path_factory.mktemp("follow-up") / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(FIXTURE_MODULE, root / "source" / FIXTURE_MODULE.name)
    course = Course.open(root)
    module = FIXTURE_MODULE.name
    assert course.api().generate_assignment(module, force=True, create=True)["success"]
    people = {"tam": ("Tamsin", "Reyes"), "dan": ("Dana", "Okoro"), "ren": ("Rene", "Ito"),
              "new": ("Nell", "Ward"), "mia": ("Mia", "Shah")}
    with Gradebook(course.db_url, course.course_id) as gb:
        for login, (first, last) in people.items():
            gb.update_or_create_student(login, first_name=first, last_name=last)
        gb.update_or_create_assignment(module, duedate=datetime.datetime(2026, 1, 5, 17, 0))
    released = root / "release" / module / f"{module}.ipynb"

    def submit(login: str, name: str = f"{module}.ipynb") -> Path:
        folder = root / "submitted" / login / module
        folder.mkdir(parents=True)
        shutil.copy(released, folder / name)
        (folder / "timestamp.txt").write_text("2026-01-04 10:00:00.000000 UTC")
        return folder / name

    tampered = submit("tam")
    nb = nbformat.read(tampered, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2_conditions":
            cell.source = 'print("All tests passed")'
    nbformat.write(nb, tampered)
    damaged = submit("dan")
    damaged.write_text(damaged.read_text()[:500])
    submit("ren", "my answers.ipynb")
    grading.grade_cohort(course, [module], feedback=False, progress=lambda _: None)
    submit("new")  # collected after grading
    return course, report.write_report(course, threshold=0.8)


@pytest.mark.slow
def test_tampered_damaged_renamed_ungraded_and_missing_submissions_are_all_followed_up_by_name(
        graded_fixture_course):
    course, paths = graded_fixture_course
    follow = csv_rows(paths["follow-up"])
    reasons = {(r["learner_name"], r["reason"]) for r in follow}
    assert ("Tamsin Reyes", grading.CHANGED) in reasons
    assert ("Dana Okoro", grading.DAMAGED) in reasons
    assert ("Rene Ito", grading.MISSING_NOTEBOOK) in reasons
    assert ("Nell Ward", grading.NOT_GRADED_YET) in reasons
    missing = next(r for r in follow if r["learner_name"] == "Mia Shah")
    assert missing["reason"] == "not submitted"
    assert missing["details"] == "Nothing submitted by the due date, 2026-01-05 17:00 UTC."
    tampered = next(r for r in follow if r["reason"] == grading.CHANGED)
    assert tampered["details"].startswith("Changed the locked cell(s) of Q2 · Pick the two mental health")
    page = paths["html"].read_text()
    summary = page[page.index("Who needs follow-up"):page.index("<details>")]
    for name in ("Tamsin Reyes", "Dana Okoro", "Rene Ito", "Nell Ward", "Mia Shah"):
        assert name in summary


@pytest.mark.slow
def test_a_submission_changed_where_it_is_locked_is_found_by_nbgraders_checksum(graded_fixture_course):
    course, _ = graded_fixture_course
    data = load(course)
    (changed,) = [c for c in data.concerns["01-practice-module"]["tam"] if c.kind == grading.CHANGED]
    assert changed.cells == ("q2_conditions",)
    assert all(c.kind != grading.CHANGED for lr, cs in data.concerns["01-practice-module"].items()
               if lr != "tam" for c in cs)
