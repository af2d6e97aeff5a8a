"""Practice checks: every content file loads, broken files are rejected with a precise message, and the
widget gives the right feedback when driven without a browser."""

from __future__ import annotations

import copy
import html
from pathlib import Path

import pytest
import yaml

from widgets.practice import (
    NO_CHOICE,
    PracticeError,
    load,
    load_file,
    parse,
    practice,
    practice_files,
)
from widgets.sources import all_sources

FILES = practice_files()

VALID = {
    "schema_version": 1,
    "module": "99-fixture",
    "sets": {
        "basics": {
            "title": "Basics",
            "items": [
                {
                    "id": "first",
                    "prompt": "Which one?",
                    "options": [
                        {"text": "Right one", "correct": True, "feedback": "Correct because of the reason."},
                        {"text": "Wrong one", "feedback": "Wrong because of the other reason."},
                    ],
                    "sources": ["COCE-OP3"],
                },
                {
                    "id": "second",
                    "prompt": "And this one?",
                    "options": [
                        {"text": "No", "feedback": "Not this, because of a reason given here."},
                        {"text": "Yes", "correct": True, "feedback": "This, because of a reason given here."},
                    ],
                    "sources": ["SAMHSA-COD"],
                },
            ],
        }
    },
}
FIXTURE_PATH = Path("99-fixture.yaml")


def test_there_is_a_practice_file_for_start_here_and_module_1():
    names = {path.stem for path in FILES}
    assert {"00-start-here", "01-co-occurring-disorders"} <= names


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_practice_file_loads_and_each_item_has_one_correct_option_and_known_sources(path):
    sets = load_file(path)
    assert sets
    for practice_set in sets.values():
        for item in practice_set.items:
            assert sum(option.correct for option in item.options) == 1
            assert all(key in all_sources() for key in item.sources)
            assert item.grade(item.answer).correct


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_wrong_option_explains_itself_differently_from_the_right_one(path):
    for practice_set in load_file(path).values():
        for item in practice_set.items:
            right = item.options[item.answer].feedback
            for number, option in enumerate(item.options):
                if number != item.answer:
                    assert not item.grade(number).correct
                    assert option.feedback != right


def test_a_valid_fixture_parses_into_items_in_order():
    sets = parse(copy.deepcopy(VALID), FIXTURE_PATH)
    items = sets["basics"].items
    assert [item.id for item in items] == ["first", "second"]
    assert items[1].options[items[1].answer].text == "Yes"


# --- the order options are shown in ----------------------------------------------------------------

def _texts(item):
    return [option.text for option in item.options]


def test_options_are_shuffled_the_same_way_on_every_load():
    # A learner who comes back sees the same order; the order depends on the module and item id only.
    first = parse(copy.deepcopy(VALID), FIXTURE_PATH)["basics"].items
    again = parse(copy.deepcopy(VALID), Path("elsewhere") / FIXTURE_PATH)["basics"].items
    assert [_texts(item) for item in first] == [_texts(item) for item in again]
    written = [[o["text"] for o in raw["options"]] for raw in VALID["sets"]["basics"]["items"]]
    assert all(sorted(_texts(item)) == sorted(texts) for item, texts in zip(first, written, strict=True))


def test_grading_follows_the_order_the_options_are_shown_in():
    for item in parse(copy.deepcopy(VALID), FIXTURE_PATH)["basics"].items:
        for number, option in enumerate(item.options):
            assert item.grade(number).correct == option.correct
            assert item.grade(number).feedback == option.feedback


def test_an_item_marked_keep_order_shows_its_options_as_written():
    options = [{"text": f"Band {n}", "feedback": f"Feedback for band number {n}."} for n in range(5)]
    options[3]["correct"] = True
    data = broken(lambda d: first_item(d).update(options=options, keep_order=True))
    item = parse(data, FIXTURE_PATH)["basics"].items[0]
    assert _texts(item) == [f"Band {n}" for n in range(5)]
    assert item.answer == 3
    shuffled = parse(broken(lambda d: first_item(d).update(options=copy.deepcopy(options))),
                     FIXTURE_PATH)["basics"].items[0]
    assert _texts(shuffled) != _texts(item), "without keep_order these five options are shown in another order"


def test_across_the_course_the_correct_option_is_not_always_in_the_same_place():
    # The issue "order teaches nothing": authors wrote the correct option first in every item.
    positions = [item.answer for path in FILES for practice_set in load_file(path).values()
                 for item in practice_set.items]
    assert len(positions) >= 30
    share = {place: positions.count(place) / len(positions) for place in range(3)}
    assert all(value >= 0.15 for value in share.values()), f"correct option by position: {share}"
    assert share[0] < 0.5, f"the correct option is shown first too often: {share}"


def broken(change):
    data = copy.deepcopy(VALID)
    change(data)
    return data


def first_item(data):
    return data["sets"]["basics"]["items"][0]


def second_item(data):
    return data["sets"]["basics"]["items"][1]


@pytest.mark.parametrize(
    ("change", "item_label", "words"),
    [
        (lambda d: second_item(d)["options"][0].update(correct=True), "'second'", "exactly one option"),
        (lambda d: second_item(d)["options"][1].update(correct=False), "'second'", "exactly one option"),
        (lambda d: second_item(d).update(sources=["NOT-A-KEY"]), "'second'", "NOT-A-KEY"),
        (lambda d: second_item(d).update(id="first"), "'first'", "used twice"),
        (lambda d: second_item(d)["options"][0].pop("feedback"), "'second'", "feedback"),
        (lambda d: second_item(d).update(colour="red"), "'second'", "colour"),
        (lambda d: second_item(d).update(options=second_item(d)["options"][:1]), "'second'", "too short"),
        (lambda d: second_item(d)["options"][1].update(text="No"), "'second'", "same text"),
        (lambda d: second_item(d).pop("id"), "number 2", "'id'"),
    ],
    ids=["two correct", "none correct", "unknown source", "duplicate id", "missing feedback", "unknown field",
         "one option", "duplicate option", "missing id"],
)
def test_a_malformed_item_is_rejected_naming_the_file_the_set_and_the_item(change, item_label, words):
    with pytest.raises(PracticeError) as raised:
        parse(broken(change), FIXTURE_PATH)
    message = str(raised.value)
    assert message.startswith("99-fixture.yaml, set 'basics', item ")
    assert item_label in message
    assert words in message


def test_a_file_whose_module_differs_from_its_name_is_rejected():
    with pytest.raises(PracticeError, match="99-fixture.yaml: module is '98-other'"):
        parse(broken(lambda d: d.update(module="98-other")), FIXTURE_PATH)


def test_a_file_with_an_unknown_schema_version_is_rejected():
    with pytest.raises(PracticeError, match="99-fixture.yaml"):
        parse(broken(lambda d: d.update(schema_version=2)), FIXTURE_PATH)


def test_a_file_that_is_not_yaml_is_rejected_with_its_name(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    path.write_text("sets: [unclosed", encoding="utf-8")
    with pytest.raises(PracticeError, match="99-fixture.yaml: not valid YAML"):
        load_file(path)


def test_a_key_written_twice_is_rejected_with_its_line(tmp_path):
    # YAML would otherwise keep the second value silently: an item's answer could change without anyone seeing.
    path = tmp_path / "99-fixture.yaml"
    text = yaml.safe_dump(VALID, sort_keys=False)
    path.write_text(text.replace("module:", "module: 99-fixture\nmodule:", 1), encoding="utf-8")
    with pytest.raises(PracticeError, match=r"99-fixture.yaml: not valid YAML .*'module' is defined twice"):
        load_file(path)


def test_a_fixture_file_on_disk_loads_like_the_parsed_data(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    path.write_text(yaml.safe_dump(VALID), encoding="utf-8")
    on_disk = load_file(path)["basics"].items
    assert on_disk == parse(copy.deepcopy(VALID), FIXTURE_PATH)["basics"].items
    assert on_disk[0].options[on_disk[0].answer].text == "Right one"


def test_an_unknown_set_or_module_is_named_in_the_error():
    with pytest.raises(PracticeError, match="no set named 'nope'"):
        load("01-co-occurring-disorders", "nope")
    with pytest.raises(PracticeError, match="no practice file for module '77-missing'"):
        load("77-missing", "anything")


def test_grading_a_choice_out_of_range_is_a_clear_error():
    item = parse(copy.deepcopy(VALID), FIXTURE_PATH)["basics"].items[0]
    with pytest.raises(ValueError, match="choice must be an option number from 0 to 1"):
        item.grade(5)


# --- the widget, driven headlessly -----------------------------------------------------------------

@pytest.fixture
def principles():
    return practice("01-co-occurring-disorders", "principles")


def test_every_control_has_a_label_a_screen_reader_can_read(principles):
    for number, view in enumerate(principles.items, start=1):
        assert view.choices.description == f"Answer {number}:"
        assert view.check_button.description == "Check"
        assert view.check_button.tooltip


def test_checking_without_an_answer_asks_for_one(principles):
    view = principles.items[0]
    view.check_button.click()
    assert NO_CHOICE in view.feedback.value


def test_a_right_answer_shows_why_and_its_source(principles):
    view = principles.items[0]
    view.choices.value = view.item.answer
    view.check_button.click()
    assert "Correct" in view.feedback.value
    assert "evaluating anyone" in view.feedback.value
    from widgets.sources import lookup

    assert html.escape(lookup("COCE-OP3").citation()) in view.feedback.value
    assert view.retry_button.layout.display == "none"


def _check_a_wrong_answer(view):
    view.choices.value = next(i for i in range(len(view.item.options)) if i != view.item.answer)
    view.check_button.click()
    assert "Not quite" in view.feedback.value


def test_a_wrong_answer_explains_why_and_offers_try_again_which_clears_the_item(principles):
    view = principles.items[2]
    _check_a_wrong_answer(view)
    assert "another door" in view.feedback.value or "one condition only" in view.feedback.value
    assert view.retry_button.layout.display is None

    view.retry_button.click()
    assert view.choices.value is None
    assert view.feedback.value == ""
    assert view.retry_button.layout.display == "none"

    view.choices.value = view.item.answer
    view.check_button.click()
    assert "Correct" in view.feedback.value


def test_picking_a_different_answer_clears_the_old_feedback(principles):
    view = principles.items[1]
    _check_a_wrong_answer(view)
    view.choices.value = view.item.answer
    assert view.feedback.value == ""


def test_the_view_displays_as_a_widget_without_being_displayed_on_construction(principles):
    bundle = principles._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_each_item_is_one_radio_group_whose_pick_in_the_browser_reaches_the_item(principles):
    from widgets.choice_controls import ChoiceGroup

    view = principles.items[0]
    assert isinstance(view.choices, ChoiceGroup)
    assert view.choices.labels == [option.text for option in view.item.options]
    view.choices.index = view.item.answer  # what a click or an arrow key in the browser sets
    assert view.choices.value == view.item.answer
    view.check_button.click()
    assert "Correct" in view.feedback.value


def test_try_again_moves_the_keyboard_focus_back_to_the_answers(principles):
    view = principles.items[2]
    _check_a_wrong_answer(view)
    sent = []
    view.choices.send = sent.append  # the message the browser receives
    view.retry_button.click()
    assert {"do": "focus"} in sent
