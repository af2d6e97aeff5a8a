"""The plan tools: the model with plain values, bad content files named by file and part, the checks, the
escaped HTML, the one-page PDF, and the view clicked headlessly."""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from widgets.plans import (
    PlanContentError,
    check,
    load_file,
    load_kind,
    parse,
    pdf_name,
    plan_files,
    render_html,
    render_pdf,
)
from widgets.plans_view import plan_builder
from widgets.sources import lookup

RELAPSE = {
    "client": "Ana (fictional)",
    "situations": [
        {"situation": "Friday after work, passing the bar", "warning_signs": ["tight chest", "\"just one\""],
         "coping": ["take the bus home", "call before the urge peaks"], "people": ["Sam, sponsor, 555-0100"]},
    ],
    "crisis": ["988 Suicide & Crisis Lifeline: call, text or chat 988", "911 if in immediate danger"],
}
SAFETY = {
    "client": "Nia (fictional)",
    "warning_signs": ["not sleeping"], "internal_coping": ["a walk"], "social_distraction": ["the library"],
    "people_to_ask": ["a cousin"], "professionals": ["the clinic", "988 Suicide & Crisis Lifeline",
                                                     "911 if in immediate danger"],
    "safe_environment": ["medicines kept by a relative"],
}


def shown(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_there_are_exactly_the_two_plan_kinds_and_each_loads_with_citable_sources():
    assert [p.stem for p in plan_files()] == ["relapse-prevention", "safety-plan"]
    for path in plan_files():
        spec = load_file(path)
        assert "fictional" in spec.notice.lower() and "training material" in spec.notice.lower()
        assert all(lookup(key).citable for key in spec.sources)


def test_the_safety_plan_has_the_six_parts_of_the_reference_in_order_and_says_it_is_not_clinical():
    spec = load_kind("safety-plan")
    assert [p.key for p in spec.parts] == ["warning_signs", "internal_coping", "social_distraction",
                                           "people_to_ask", "professionals", "safe_environment"]
    reference = ROOT.parent / "shared" / "clinical-reference.md"
    if reference.exists():  # the labels quote the Stanley-Brown components in section 13 word for word
        text = reference.read_text(encoding="utf-8").lower()
        assert all(p.label.lower() in text for p in spec.parts)
    assert "not a clinical safety plan" in spec.notice
    assert "STANLEY-BROWN-2012" in spec.sources


def test_complete_plans_pass():
    assert check("relapse-prevention", RELAPSE).ok and check("relapse-prevention", RELAPSE).problems == []
    assert check("safety-plan", SAFETY).ok


@pytest.mark.parametrize("field, says", [("coping", "'coping'"), ("people", "'people'")])
def test_a_situation_without_coping_or_without_a_person_is_caught(field, says):
    plan = copy.deepcopy(RELAPSE)
    plan["situations"].append({"situation": "Payday", "coping": ["pay the rent first"], "people": ["Mum"]})
    plan["situations"][1][field] = []
    result = check("relapse-prevention", plan)
    assert not result.ok and len(result.problems) == 1
    assert "Payday" in result.problems[0] and says in result.problems[0]


def test_a_plan_without_situations_is_caught():
    plan = {**RELAPSE, "situations": []}
    assert check("relapse-prevention", plan).problems == [
        "High-risk situations: add at least one entry (each situation, with the warning signs the client "
        "notices, what the client will do to cope, and whom the client will call)."]


@pytest.mark.parametrize("kind, base, part", [("relapse-prevention", RELAPSE, "crisis"),
                                              ("safety-plan", SAFETY, "professionals")])
@pytest.mark.parametrize("number", ["988", "911"])
def test_a_missing_988_or_911_is_caught(kind, base, part, number):
    plan = copy.deepcopy(base)
    plan[part] = [line for line in plan[part] if number not in line] or ["the clinic"]
    result = check(kind, plan)
    assert not result.ok and len(result.problems) == 1 and number in result.problems[0]
    other = {"988": "911", "911": "988"}[number]
    assert other not in result.problems[0]
    assert "Still to add: " in render_html(kind, plan)


def test_an_empty_crisis_part_names_both_numbers():
    problems = check("relapse-prevention", {**RELAPSE, "crisis": []}).problems
    assert len(problems) == 2 and "988" in problems[0] and "911" in problems[1]


@pytest.mark.parametrize("part", [p for p in SAFETY if p != "client"])
@pytest.mark.parametrize("empty", [[], [""], None])
def test_an_empty_safety_plan_part_is_caught(part, empty):
    plan = copy.deepcopy(SAFETY)
    if empty is None:
        del plan[part]
    else:
        plan[part] = empty
    result = check("safety-plan", plan)
    assert not result.ok
    label = next(p.label for p in load_kind("safety-plan").parts if p.key == part)
    assert all(problem.startswith(label) for problem in result.problems)


@pytest.mark.parametrize("plan, says", [
    (["not", "a", "dict"], "should be a dict"),
    ({**RELAPSE, "client": ""}, "Name the client"),
    ({**RELAPSE, "triggers": ["x"]}, "'triggers' is not a part of this plan"),
    ({**RELAPSE, "crisis": "988 and 911"}, None),
    ({**RELAPSE, "crisis": [988, 911]}, "should be a list of short lines of text"),
    ({**RELAPSE, "situations": ["Friday"]}, "should be a dict with the keys"),
    ({**RELAPSE, "situations": [{"situation": "x", "coping": ["y"], "people": ["z"], "who": []}]}, "'who'"),
])
def test_a_malformed_plan_gets_a_sentence_not_an_exception(plan, says):
    result = check("relapse-prevention", plan)
    if says is None:  # one string is read as one entry
        assert result.ok
    else:
        assert not result.ok and any(says in problem for problem in result.problems), result.problems


def test_html_escapes_the_learners_text_and_says_it_is_training_material():
    plan = copy.deepcopy(RELAPSE)
    plan["client"] = "<script>alert(1)</script> (fictional)"
    plan["situations"][0]["situation"] = "Bar & grill <b>"
    page = render_html("relapse-prevention", plan)
    assert "<script>" not in page and "&lt;script&gt;" in page and "Bar &amp; grill &lt;b&gt;" in page
    assert "&quot;just one&quot;" in page
    text = shown(page)
    assert "Training material with a fictional client" in text
    assert "Sam, sponsor, 555-0100" in text and "911 if in immediate danger" in text
    assert "Larimer" in text  # the source line
    safety = shown(render_html("safety-plan", SAFETY))
    assert "not a clinical safety plan" in safety and "Restricting access to lethal means" in safety


def _pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def test_the_pdf_is_written_and_is_one_page_even_for_a_long_plan(tmp_path):
    out = render_pdf("relapse-prevention", RELAPSE, tmp_path / "plan.pdf")
    assert out.read_bytes().startswith(b"%PDF") and _pages(out) == 1
    long = copy.deepcopy(RELAPSE)
    long["situations"] = [{"situation": f"Situation {n} \u2014 caf\u00e9 with friends", "warning_signs": ["a" * 80],
                           "coping": ["leave early and phone someone"] * 3, "people": ["Sam"]} for n in range(8)]
    assert _pages(render_pdf("relapse-prevention", long, tmp_path / "long.pdf")) == 1
    assert _pages(render_pdf("safety-plan", SAFETY, tmp_path / "safety.pdf")) == 1


def test_the_pdf_is_named_after_the_client_and_kind():
    assert pdf_name("relapse-prevention", RELAPSE) == "ana-relapse-prevention.pdf"
    assert pdf_name("safety-plan", SAFETY) == "nia-safety-plan.pdf"
    assert pdf_name("safety-plan", {}) == "client-safety-plan.pdf"


def test_the_view_shows_the_check_and_the_plan_and_its_button_saves_the_pdf(tmp_path):
    view = plan_builder("relapse-prevention", {**RELAPSE, "crisis": ["988"]}, folder=tmp_path)
    assert 'role="status"' in view.status.value and 'aria-live="polite"' in view.status.value
    assert "911 for immediate danger" in shown(view.status.value)
    assert "High-risk situations" in shown(view.page.value)
    button = view.save_button
    assert button.description == "Save as PDF" and button.tooltip and not button.disabled
    button.click()
    target = tmp_path / "ana-relapse-prevention.pdf"
    assert target.exists() and _pages(target) == 1
    said = shown(view.status.value)
    assert "Saved as ana-relapse-prevention.pdf" in said and str(tmp_path) in said
    assert "911 for immediate danger" in said  # the problems stay in view after saving
    assert 'role="status"' in view.status.value


def test_the_view_of_a_complete_plan_says_so(tmp_path):
    view = plan_builder("safety-plan", SAFETY, folder=tmp_path)
    assert "every part it needs" in shown(view.status.value)
    view.save_button.click()
    assert (tmp_path / "nia-safety-plan.pdf").exists()


def test_the_view_saves_into_the_working_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan_builder("relapse-prevention", RELAPSE).save_button.click()
    assert (tmp_path / "ana-relapse-prevention.pdf").exists()


VALID = yaml.safe_load((ROOT / "widgets" / "content" / "plans" /
                        "relapse-prevention.yaml").read_text(encoding="utf-8"))


def broken(change) -> dict:
    data = copy.deepcopy(VALID)
    change(data)
    return data


@pytest.mark.parametrize("change, says", [
    (lambda d: d.pop("notice"), "relapse-prevention.yaml: 'notice' is a required property"),
    (lambda d: d["parts"][1].update(min_items=0), "relapse-prevention.yaml, part 'crisis': min_items: 0 is less"),
    (lambda d: d["parts"][0]["fields"][2].update(type="number"), "relapse-prevention.yaml, part 'situations': fields/2/type"),
    (lambda d: d["parts"][1].update(key="situations"), "relapse-prevention.yaml, part 'situations': the key is used twice"),
    (lambda d: d["parts"][1]["must_name"][0].update(pattern="(988"), "part 'crisis': must_name pattern"),
    (lambda d: d.update(sources=["NO-SUCH-KEY"]), "relapse-prevention.yaml, sources: unknown source key(s) NO-SUCH-KEY"),
    (lambda d: d.update(kind="other"), "kind is 'other' but the file is named 'relapse-prevention'"),
])
def test_a_bad_content_file_names_the_file_and_the_node(change, says):
    with pytest.raises(PlanContentError) as error:
        parse(broken(change), Path("relapse-prevention.yaml"))
    assert says in str(error.value)


def test_an_unreadable_or_unknown_kind_is_a_clear_error(tmp_path):
    bad = tmp_path / "relapse-prevention.yaml"
    bad.write_text("parts: [\n", encoding="utf-8")
    with pytest.raises(PlanContentError, match=r"relapse-prevention.yaml: not valid YAML"):
        load_file(bad)
    with pytest.raises(PlanContentError, match=r"no plan kind 'crisis-plan'.*relapse-prevention, safety-plan"):
        load_kind("crisis-plan")
