"""The stage-matching exercise: the model with plain values, bad files named by file and statement, every
content file's feedback sourced, and the widget clicked headlessly."""

from __future__ import annotations

import copy
import html

import pytest

from widgets.sources import lookup, source_line
from widgets.stage_matching import (
    StageMatchingError,
    load,
    load_file,
    parse,
    stage_matching,
    stage_matching_files,
)

MODULE = "05-integrated-treatment-in-iop"

VALID = {
    "schema_version": 1,
    "module": "m",
    "title": "Sort these",
    "stages": {"contemplation": "Contemplation", "preparation": "Preparation"},
    "approaches": {"resolve": "Resolve ambivalence", "plan": "Make a plan"},
    "statements": [
        {"id": "both-sides", "statement": "Part of me wants to stop.", "stage": "contemplation",
         "approach": "resolve", "why": "Ambivalence in the client's own words.",
         "hint": "Listen for two sides at once.", "sources": ["TIP35-CH5"]},
        {"id": "decided", "statement": "I have decided; where do I start?", "stage": "preparation",
         "approach": "plan", "why": "Committed, and asking how to begin.",
         "hint": "Has the client decided yet, or not?", "sources": ["TIP35-TOC"]},
    ],
}


def exercise():
    return parse(copy.deepcopy(VALID), "m.yaml")


# --- the model ----------------------------------------------------------------------------------------

def test_a_valid_file_parses_into_statements_in_order():
    built = exercise()
    assert [s.id for s in built.statements] == ["both-sides", "decided"]
    assert list(built.stages) == ["contemplation", "preparation"]


def test_a_right_sort_is_correct_and_shows_why_with_its_sources():
    verdict = exercise().check("both-sides", "contemplation", "resolve")
    assert verdict.correct and verdict.stage_right and verdict.approach_right
    assert "Ambivalence in the client's own words." in verdict.feedback
    assert verdict.sources == ("TIP35-CH5",)
    assert verdict.citation_text() == source_line(["TIP35-CH5"])


def test_a_wrong_stage_says_which_part_is_wrong_and_hints_without_the_answer():
    verdict = exercise().check("both-sides", "preparation", "resolve")
    assert not verdict.correct and not verdict.stage_right and verdict.approach_right
    assert '"Preparation" does not fit' in verdict.feedback
    assert "The approach is right" in verdict.feedback
    assert "Listen for two sides at once." in verdict.feedback
    assert "Ambivalence in the client's own words." not in verdict.feedback


def test_a_missing_choice_asks_for_it():
    verdict = exercise().check("decided", "preparation", None)
    assert not verdict.correct
    assert "Choose an approach too." in verdict.feedback


def test_an_unknown_stage_or_statement_is_a_clear_error():
    with pytest.raises(ValueError, match="'action' is not a stage"):
        exercise().check("decided", "action", "plan")
    with pytest.raises(KeyError, match="no statement 'nope'"):
        exercise().check("nope", "preparation", "plan")


def _broken(change):
    data = copy.deepcopy(VALID)
    change(data)
    return data


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["statements"][1].update(stage="action"), "statement 'decided': stage 'action' is not one"),
    (lambda d: d["statements"][1].update(approach="lecture"), "statement 'decided': approach 'lecture'"),
    (lambda d: d["statements"][0].update(sources=["NOPE"]), "statement 'both-sides': unknown source key(s) NOPE"),
    (lambda d: d["statements"][1].update(id="both-sides"), "statement 'both-sides': the id is used twice"),
    (lambda d: d["statements"][1].pop("why"), "statement 'decided': 'why' is a required property"),
    (lambda d: d["statements"][0].update(hint="short"), "statement 'both-sides': hint:"),
    (lambda d: d.update(module="other"), "module is 'other' but the file is named 'm'"),
    (lambda d: d.update(schema_version=2), "m.yaml: schema_version"),
])
def test_a_bad_file_is_rejected_naming_the_file_and_the_statement(change, words):
    with pytest.raises(StageMatchingError) as error:
        parse(_broken(change), "m.yaml")
    assert str(error.value).startswith("m.yaml")
    assert words in str(error.value)


def test_a_file_that_is_not_yaml_is_rejected_with_its_name(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("statements: [unclosed\n", encoding="utf-8")
    with pytest.raises(StageMatchingError, match=r"^m\.yaml: not valid YAML"):
        load_file(path)


def test_an_unknown_module_is_named_in_the_error():
    with pytest.raises(StageMatchingError, match="no stage-matching file for module 'no-such-module'"):
        load("no-such-module")


# --- the content ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", stage_matching_files(), ids=lambda p: p.stem)
def test_every_statement_loads_and_its_feedback_cites_sources_that_resolve(path):
    built = load_file(path)
    assert built.statements
    for statement in built.statements:
        assert statement.sources
        for key in statement.sources:
            lookup(key)
        right = built.check(statement.id, statement.stage, statement.approach)
        assert right.correct and right.citation_text()
        wrong_stage = next(key for key in built.stages if key != statement.stage)
        assert not built.check(statement.id, wrong_stage, statement.approach).correct


def test_the_module_has_its_exercise():
    assert MODULE in [p.stem for p in stage_matching_files()]


# --- the widget, clicked headlessly ---------------------------------------------------------------------

@pytest.fixture
def view():
    return stage_matching(MODULE)


def test_every_control_is_a_labelled_radio_group_or_button(view):
    from widgets.choice_controls import ChoiceGroup

    for number, card in enumerate(view.cards, start=1):
        assert isinstance(card.stage, ChoiceGroup) and isinstance(card.approach, ChoiceGroup)
        assert card.stage.description == f"Stage of change, statement {number}:"
        assert card.approach.description == f"Approach that fits, statement {number}:"
        assert card.check_button.description == "Check" and card.check_button.tooltip


def test_checking_with_nothing_chosen_asks_for_a_choice(view):
    card = view.cards[0]
    card.check_button.click()
    assert "Choose a stage and an approach first" in card.feedback.value


def test_a_right_sort_is_announced_with_why_and_source(view):
    card = view.cards[0]
    card.stage.index = list(view.exercise.stages).index(card.statement.stage)  # what a click sets
    card.approach.value = card.statement.approach
    card.check_button.click()
    shown = card.feedback.value
    assert "role='status'" in shown and "aria-live='polite'" in shown
    assert "Right." in shown and html.escape(card.statement.why) in shown
    assert "Source: " + html.escape(source_line(card.statement.sources)) in shown


def test_a_wrong_sort_is_announced_and_a_new_pick_clears_it(view):
    card = view.cards[1]
    card.stage.value = next(k for k in view.exercise.stages if k != card.statement.stage)
    card.approach.value = card.statement.approach
    card.check_button.click()
    assert "Not yet." in card.feedback.value and "role='status'" in card.feedback.value
    card.stage.value = card.statement.stage
    assert "Not yet." not in card.feedback.value


def test_the_view_displays_as_a_widget_without_being_displayed_on_construction(view):
    assert "application/vnd.jupyter.widget-view+json" in view._repr_mimebundle_()
