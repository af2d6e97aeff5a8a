"""The trainer loop end to end: a simulated cohort through nbgrader's real exchange, on a fixture module.

The fixture module (tests/fixtures/trainer/source/01-practice-module) has four autograded questions
and one written answer. Its answer key: q1_definition "B" (1 point), q2_conditions ["A", "C"]
(2 points), q3_score 10 (1 point), q4_quadrant "IV" (1 point); q5_written_relapse is marked by the
trainer (2 points). Total 7. What each simulated pattern must therefore earn:

    strong         all four right                          5 auto + 2 written = 7
    average        misses every third question (q3)        4 auto + 1 written = 5
    struggling     right on every third from the first     2 auto (q1, q4) + 0 = 2
    misconception  misses the last question (q4)           4 auto + 1 written = 5
    late           answers like strong, after the due date 5 auto + 2 written = 7 (late, no penalty)
    tampered       misses q2 (most points) and rewrites    3 auto + 1 written = 4: had the rewrite
                   q2's test cell to pass                  worked it would be 5
    broken         damaged notebook file                   not graded, reported
    missing        never submits                           not submitted, reported

Written marks (simulated trainer, by the rubric criteria the answer's text meets: demo_answers.py):
strong and late write an answer meeting both criteria (2), average, misconception and tampered one
meeting one (1), struggling "Not sure." (0). Certificates at 80%: only strong and late (7/7); 5/7 = 71%
is below.

Feedback is held while the trainer marks the written answers, then released to everyone at once and
fetched by each learner; no page, written, released or fetched, shows any of the answer key.
"""

import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.feedback_pages import pages_giving_the_key_away
from widgets.questions import read_module
from widgets.trainer import demo, demo_answers, grading, report
from widgets.trainer.data import LATE
from widgets.trainer.grading import grade_cohort, last_outcomes
from widgets.trainer.nbgrader_course import Course

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "trainer"
MODULE = "01-practice-module"

# One demo run per worker: keep this file's tests together (`pytest -n 2 --dist loadgroup`).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("trainer-demo")]

EXPECTED_TOTAL = {"strong": 7, "average": 5, "struggling": 2, "misconception": 5, "late": 7, "tampered": 4}
EXPECTED_AUTO = {"strong": 5, "average": 4, "struggling": 2, "misconception": 4, "late": 5, "tampered": 3}


@pytest.fixture(scope="module")
def course_src(tmp_path_factory):
    """A course made of the project's nbgrader_config.py and the fixture module."""
    src = tmp_path_factory.mktemp("fixture-course")
    shutil.copy(ROOT / "nbgrader_config.py", src / "nbgrader_config.py")
    shutil.copytree(FIXTURE / "source", src / "source")
    # A short time limit so the test's endless-loop submission is stopped quickly.
    with (src / "nbgrader_config.py").open("a") as handle:
        handle.write("\nc.Execute.timeout = 8\nc.ExecutePreprocessor.timeout = 8\n")
    return src


@pytest.fixture(scope="module")
def demo_course(course_src, tmp_path_factory):
    dest = tmp_path_factory.mktemp("demo") / "course"
    lines: list[str] = []
    places = demo.run_demo(dest, 8, course_root=course_src, progress=lines.append)
    return Course.open(dest), places, lines


@pytest.fixture(scope="module")
def people():
    return {p.pattern: p for p in demo.cohort(8)}


def submission(course, learner):
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        try:
            sub = gb.find_submission(MODULE, learner)
        except MissingEntry:
            return None
        auto = sum(g.auto_score or 0 for nb in sub.notebooks for g in nb.grades)
        return {"score": sub.score, "max": sub.max_score, "auto": auto, "late": sub.total_seconds_late > 0}


def test_the_first_eight_learners_cover_every_answer_pattern():
    assert sorted(p.pattern for p in demo.cohort(8)) == sorted(demo.PATTERNS)


@pytest.mark.parametrize("pattern", sorted(EXPECTED_TOTAL))
def test_each_answer_pattern_earns_the_score_its_answers_deserve(demo_course, people, pattern):
    course, _, _ = demo_course
    result = submission(course, people[pattern].id)
    assert result is not None
    assert result["auto"] == EXPECTED_AUTO[pattern]
    assert result["score"] == EXPECTED_TOTAL[pattern]
    assert result["max"] == 7


def test_only_the_late_learner_is_recorded_as_late(demo_course, people):
    course, _, _ = demo_course
    late = {pattern for pattern in EXPECTED_TOTAL if submission(course, people[pattern].id)["late"]}
    assert late == {"late"}


def test_learners_submitted_through_the_exchange_under_their_own_ids(demo_course, people):
    course, _, _ = demo_course
    inbound = [p.name.split("+")[0] for p in (course.root / ".exchange" / "cod-iop" / "inbound").iterdir()]
    expected = {p.id for p in people.values() if p.pattern != "missing"}
    assert set(inbound) == expected
    assert (course.root / "learners" / people["strong"].id / MODULE / f"{MODULE}.ipynb").exists()


def test_the_broken_and_tampered_submissions_are_reported_and_the_rest_graded(demo_course, people):
    course, _, lines = demo_course
    status = {learner: row for (module, learner), row in last_outcomes(course).items() if module == MODULE}
    assert status[people["broken"].id]["outcome"] == "could not be graded"
    assert "damaged" in status[people["broken"].id]["notes"]
    assert "q2_conditions" in status[people["tampered"].id]["notes"]
    assert people["missing"].id not in status
    graded = {lr for lr, row in status.items() if row["outcome"] == "graded"}
    assert graded == {people[p].id for p in EXPECTED_TOTAL}
    assert any("damaged" in line for line in lines)


def test_feedback_is_written_for_every_graded_learner_only(demo_course, people):
    course, places, _ = demo_course
    with_feedback = {p.parent.parent.name for p in places["feedback"].glob(f"*/{MODULE}/{MODULE}.html")}
    assert with_feedback == {people[p].id for p in EXPECTED_TOTAL}


def test_feedback_is_held_while_grading_then_released_to_everyone_at_once(demo_course, people):
    course, places, lines = demo_course
    held = next(i for i, line in enumerate(lines) if "not released yet" in line)
    released = next(i for i, line in enumerate(lines) if "feedback released" in line)
    assert held < released
    assert not any("feedback released" in line for line in lines[:held])
    graded = {people[p].id for p in EXPECTED_TOTAL}
    assert len(list(places["released feedback"].glob("*.html"))) == len(graded)
    fetched = {p.parts[-5] for p in (course.root / "learners").glob(f"*/{MODULE}/feedback/*/{MODULE}.html")}
    assert fetched == graded


def test_no_feedback_page_of_the_demo_gives_the_key_away(demo_course):
    course, places, _ = demo_course
    submitted = {p.name: p / MODULE / f"{MODULE}.ipynb" for p in (course.root / "submitted").iterdir()}
    written = sorted(places["feedback"].glob(f"*/{MODULE}/*.html"))
    # A released page is named by a hash; it is the learner's whose written page it copies.
    owner = {p.read_bytes(): p.parent.parent.name for p in written}
    pages = [(p, submitted[p.parent.parent.name]) for p in written]
    pages += [(p, submitted[p.parts[-5]]) for p in (course.root / "learners").glob(f"*/{MODULE}/feedback/*/*.html")]
    pages += [(p, submitted[owner[p.read_bytes()]]) for p in places["released feedback"].glob("*.html")]
    assert len(pages) == 3 * len(written) > 0
    assert pages_giving_the_key_away(pages, course.root / "source") == {}


def test_certificates_go_only_to_learners_at_or_above_the_threshold_in_every_module(demo_course, people):
    _, places, _ = demo_course
    pdfs = sorted(p.stem for p in places["certificates"].glob("*.pdf"))
    assert pdfs == sorted([people["strong"].id, people["late"].id])
    assert all(p.read_bytes().startswith(b"%PDF") for p in places["certificates"].glob("*.pdf"))


def test_the_transcript_lists_everyone_with_a_status(demo_course, people):
    _, places, _ = demo_course
    with places["transcript"].open() as handle:
        rows = {r["learner"]: r for r in csv.DictReader(handle)}
    assert set(rows) == {p.id for p in people.values()}
    assert rows[people["missing"].id]["status"] == "not submitted"
    assert rows[people["broken"].id]["status"] == "could not be graded"
    assert rows[people["average"].id]["status"] == "below threshold"
    assert rows[people["strong"].id]["status"] == "completed"


def test_the_report_flags_the_follow_up_and_shows_the_csv_numbers(demo_course, people):
    course, places, _ = demo_course
    page = places["report"].read_text()
    with (course.reports_dir / "follow-up.csv").open() as handle:
        follow = list(csv.DictReader(handle))
    reasons = {(r["learner"], r["reason"]) for r in follow}
    assert (people["missing"].id, "not submitted") in reasons
    assert (people["broken"].id, grading.DAMAGED) in reasons  # the plain reason: the file is damaged
    assert (people["struggling"].id, "below mastery") in reasons
    assert people["strong"].id not in {r["learner"] for r in follow}
    with (course.reports_dir / "module-summary.csv").open() as handle:
        (summary,) = list(csv.DictReader(handle))
    # Six graded learners: 7, 5, 2, 5, 7, 4 out of 7 -> mean 30/42.
    assert summary["mean_percent"] == f"{100 * 30 / 42:.1f}"
    assert f"<td>{summary['mean_percent']}</td>" in page
    assert page.count("<figcaption") >= 3  # score bands, mastery summary, mastery grid


def test_the_report_follows_up_the_tampered_broken_late_and_missing_learners_by_name(demo_course, people):
    course, places, _ = demo_course
    with (course.reports_dir / "follow-up.csv").open() as handle:
        follow = list(csv.DictReader(handle))
    name = {pattern: f"{p.first_name} {p.last_name}" for pattern, p in people.items()}
    reasons = {(r["learner_name"], r["reason"]) for r in follow}
    assert (name["tampered"], grading.CHANGED) in reasons
    assert (name["broken"], grading.DAMAGED) in reasons
    assert (name["missing"], "not submitted") in reasons
    assert (name["late"], LATE) in reasons
    tampered = next(r for r in follow if r["reason"] == grading.CHANGED)
    assert "Q2 · Pick the two mental health conditions" in tampered["details"]
    page = places["report"].read_text()
    summary = page[page.index("Who needs follow-up"):page.index("<details>")]
    for pattern in ("tampered", "broken", "missing", "late"):
        assert name[pattern] in summary
        assert people[pattern].id not in summary


def test_the_report_warns_that_too_few_learners_master_the_safety_critical_objective(demo_course):
    # Objective 1.3 (q4 and the written answer) is marked safety-critical in the fixture; only strong and
    # late reach 80% on it: 2 of 6 graded learners.
    course, places, _ = demo_course
    page = places["report"].read_text()
    warning = page[page.index("<section class='warning'"):page.index("</section>")]
    assert "Objective 1.3" in warning and "33.3% of learners (2 of 6)" in warning
    with (course.reports_dir / "objective-summary.csv").open() as handle:
        flags = {r["objective"]: r["flag"] for r in csv.DictReader(handle)}
    assert flags == {"1.1": "", "1.2": "", "1.3": report.SAFETY_FLAG}


def test_item_analysis_reflects_the_patterns_answers(demo_course):
    course, _, _ = demo_course
    with (course.reports_dir / "item-analysis.csv").open() as handle:
        items = {r["item"]: r for r in csv.DictReader(handle)}
    # Every graded learner answers q1 right; only the misconception learner misses q4 (5 of 6).
    assert items["q1_definition"]["difficulty"] == "1.00"
    assert "too easy" in items["q1_definition"]["flags"]
    assert items["q4_quadrant"]["difficulty"] == f"{5 / 6:.2f}"


def test_grading_again_changes_nothing_and_reports_each_new_problem(demo_course, people):
    """Runs last in this module: adds a learner with an endless loop and one with a renamed notebook."""
    course, _, _ = demo_course
    before = {p: submission(course, people[p].id)["score"] for p in EXPECTED_TOTAL}
    slow = demo.SimulatedLearner("test.slow", "Test", "Slow", "", "strong")
    renamed = demo.SimulatedLearner("test.renamed", "Test", "Renamed", "", "strong")
    with course.gradebook() as gb:
        for learner in (slow, renamed):
            gb.update_or_create_student(learner.id)
    folder = course.as_learner("fetch", slow.id, MODULE)
    path = folder / f"{MODULE}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q1_definition_answer":
            cell.source = 'q1_answer = "B"\nwhile True:\n    pass'
    nbformat.write(nb, path)
    course.as_learner("submit", slow.id, MODULE)
    folder = course.as_learner("fetch", renamed.id, MODULE)
    (folder / f"{MODULE}.ipynb").rename(folder / "my answers.ipynb")
    course.as_learner("submit", renamed.id, MODULE)

    outcomes = {o.learner: o for o in grade_cohort(course, progress=lambda _: None)}
    assert {p: outcomes[people[p].id].status for p in EXPECTED_TOTAL} == dict.fromkeys(EXPECTED_TOTAL,
                                                                                     "already graded")
    assert {p: submission(course, people[p].id)["score"] for p in EXPECTED_TOTAL} == before
    assert outcomes[people["broken"].id].status == "could not be graded"
    assert outcomes["test.renamed"].status == "could not be graded"
    assert "my answers.ipynb" in " ".join(outcomes["test.renamed"].notes)
    assert outcomes["test.slow"].status == "graded"
    assert "time limit" in " ".join(outcomes["test.slow"].notes)
    # The loop stopped q1's answer cell after q1_answer was set; q2-q4 were never answered.
    assert submission(course, "test.slow")["auto"] == 1


def test_the_demo_says_how_long_it_takes_before_it_starts_then_counts_its_steps(demo_course):
    _, _, lines = demo_course
    estimate = next(i for i, line in enumerate(lines) if line.startswith("This takes about"))
    minutes = round(demo.estimated_seconds(8, 1) / 60)
    assert lines[estimate].startswith(f"This takes about {minutes} minutes")
    steps = [(i, re.match(r"Step (\d+) of (\d+): \w", line)) for i, line in enumerate(lines)]
    steps = [(i, int(m[1]), int(m[2])) for i, m in steps if m]
    assert estimate < steps[0][0]
    assert [n for _, n, _ in steps] == list(range(1, len(steps) + 1))
    assert {total for _, _, total in steps} == {len(steps)}
    # Grading is announced as a step before its per-learner lines ("[1/7] ...").
    grading = next(i for i, n, _ in steps if "autogrades" in lines[i])
    assert grading < next(i for i, line in enumerate(lines) if line.lstrip().startswith("[1/"))


def test_the_estimate_grows_with_the_learners_who_submit_and_the_modules():
    assert demo.estimated_seconds(8, 4) > demo.estimated_seconds(2, 4) > demo.estimated_seconds(2, 1)
    # The eighth learner ("missing") never submits: nothing to grade, no time added.
    assert demo.estimated_seconds(8, 4) == demo.estimated_seconds(7, 4)


def written_score(course, learner) -> float:
    with course.gradebook() as gb:
        sub = gb.find_submission(MODULE, learner)
        return sum(g.score for nb in sub.notebooks for g in nb.grades if g.name == "q5_written_relapse")


def test_the_simulated_trainer_marks_a_written_answer_by_what_it_says(demo_course, people, tmp_path):
    course, _, _ = demo_course
    assert written_score(course, people["struggling"].id) == 0  # "Not sure."
    copy = tmp_path / "course"
    shutil.copytree(course.root, copy, symlinks=True)
    copied = Course.open(copy)
    graded = copy / "autograded" / people["struggling"].id / MODULE / f"{MODULE}.ipynb"
    nb = nbformat.read(graded, as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("curriculum", {}).get("written_answer") == "q5_written_relapse"]
    assert cell.source == demo_answers.NOT_SURE
    cell.source = "Left untreated, the low mood keeps feeding the drinking, and that is how a relapse comes."
    nbformat.write(nb, graded)
    demo.mark_written_answers(copied, {MODULE: read_module(copy / "source" / MODULE)}, list(people.values()))
    assert written_score(copied, people["struggling"].id) == 2  # both criteria met, whoever wrote it
    assert written_score(copied, people["average"].id) == 1


SOURCE_MODULES = sorted(p for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


@pytest.mark.parametrize("module_dir", SOURCE_MODULES, ids=[p.name for p in SOURCE_MODULES])
def test_each_modules_written_question_has_simulated_answers_its_rubric_rules_tell_apart(module_dir):
    """Written for that module's question: the strong answer meets every criterion, the partial one some,
    "Not sure." none; the criteria carry the task's points."""
    written = read_module(module_dir).written
    assert written, f"{module_dir.name} has no written question"
    for item in written:
        question = demo_answers.QUESTIONS[item.grade_id]
        assert sum(c.points for c in question.criteria) == item.points
        assert demo_answers.mark(question.strong, item.points, question) == item.points
        assert 0 < demo_answers.mark(question.partial, item.points, question) < item.points
        assert demo_answers.mark(demo_answers.NOT_SURE, item.points, question) == 0


def test_an_answer_written_for_another_question_does_not_earn_full_marks():
    for grade_id, question in demo_answers.QUESTIONS.items():
        points = sum(c.points for c in question.criteria)
        for other_id, other in demo_answers.QUESTIONS.items():
            if other_id != grade_id:
                assert demo_answers.mark(other.strong, points, question) < points, (grade_id, other_id)


def test_the_demo_publishes_due_dates_and_writes_the_records_an_agency_imports(demo_course, people):
    import json

    from widgets.due_dates import due_line
    from widgets.trainer.exports import RELIAS_FIELDS, statement_problems

    course, places, _ = demo_course
    published = json.loads(course.due_dates_file.read_text())
    assert published["due"][MODULE] is not None
    strong = people["strong"].id
    assert "Was due" in repr(due_line(MODULE, course.root / "learners" / strong / MODULE))
    with (places["exports"] / "relias-completions.csv").open() as handle:
        relias = list(csv.DictReader(handle))
    assert list(relias[0]) == RELIAS_FIELDS
    assert {r["Username"] for r in relias} == {people["strong"].id, people["late"].id}
    statements = [json.loads(line) for line in (places["exports"] / "xapi-statements.jsonl").read_text().splitlines()]
    assert len(statements) == 6  # every graded submission; the broken one could not be graded
    assert all(statement_problems(s) == [] for s in statements)
    with places["verification list"].open() as handle:
        certified = {r["learner"]: r for r in csv.DictReader(handle)}
    assert set(certified) == {people["strong"].id, people["late"].id}
    assert certified[people["strong"].id]["credential"].startswith("LPC ")
    assert places["assessment packet"].exists()


def test_the_demo_learners_evaluations_reach_the_cohort_report(demo_course, people):
    course, places, _ = demo_course
    with (places["report folder"] / "evaluation-comments.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    by = {r["learner"]: r for r in rows}
    assert by[people["strong"].id]["comment"] == "The cases felt like my own caseload."
    assert by[people["broken"].id]["note"] == "no evaluation saved."
    page = places["report"].read_text()
    assert "&lt;honestly&gt;" in page and "<honestly>" not in page
    assert "6 evaluation(s) from 7 collected submission(s)" in page
