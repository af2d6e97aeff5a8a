"""The screener forms and tool views, driven headlessly: set .value or .click() and read what is shown."""

from __future__ import annotations

import ast
import html
import itertools
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT
from widgets import iop_week, progress, quadrant, screening_view, tool_views
from widgets.choice_controls import ChoiceGroup
from widgets.instruments import INSTRUMENTS
from widgets.screening import score
from widgets.screening_view import screening_form
from widgets.tool_views import iop_week_builder, progress_view, quadrant_view


def shown(widget) -> str:
    """The text a learner reads in an HTML widget, without tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def answer(form, values) -> None:
    for control, value in zip(form.items, values, strict=True):
        control.value = value


@pytest.mark.parametrize("key", list(INSTRUMENTS))
def test_every_form_has_a_labelled_control_per_item(key):
    form = screening_form(key)
    assert len(form.items) == INSTRUMENTS[key].item_count
    assert all(c.description.startswith(f"{n}. ") for n, c in enumerate(form.items, start=1))
    # Radio groups: one Tab stop per item, the arrow keys move the answer, the answer is announced as checked.
    assert all(isinstance(c, ChoiceGroup) for c in [*form.items, *form.options.values()])
    assert "Still to answer" in shown(form.output) and form.result is None


def test_phq9_form_scores_when_complete_and_shows_band_next_step_and_source():
    form = screening_form("phq9")
    answer(form, [1, 2, 1, 1, 2, 1, 1, 1, None])
    assert "Still to answer: 9. Running total: 10." in shown(form.output)
    form.items[8].value = 0
    assert form.result == score("phq9", [1, 2, 1, 1, 2, 1, 1, 1, 0])
    text = shown(form.output)
    assert "Total 10: moderate" in text and "positive screen" in text
    assert ('Next step tied to this result: For the total, the proposed treatment action for moderate (10-14) is '
            '"Treatment plan, considering counseling, follow-up and/or pharmacotherapy"') in text
    assert "Kroenke" in text and 'role="alert"' not in form.output.value


def test_phq9_form_puts_an_item_9_answer_first_in_a_safety_alert():
    form = screening_form("phq9")
    answer(form, [0, 0, 0, 0, 0, 0, 0, 0, 1])  # total 1: the lowest band, but item 9 is above 0
    markup = form.output.value
    assert markup.index('role="alert"') < markup.index('role="status"')
    text = shown(form.output)
    assert text.startswith("Safety first: PHQ-9 item 9 (thoughts of death or self-harm)")
    assert "Ask the C-SSRS screener questions now" in text and "988" in text and "911" in text
    assert "Next step tied to this result: Safety first (item 9)" in text
    assert '"None"' not in text and "none stated" not in text.lower()
    assert "any answer above 0 shows a Safety first box" in shown(form.children[0])


def test_gad7_form_shows_attribution():
    form = screening_form("gad7")
    answer(form, [2, 2, 2, 2, 1, 1, 0])
    assert "Total 10: moderate" in shown(form.output)
    assert "reported by the GAD-7 instrument scoring text" in shown(form.output)


def test_audit_form_offers_only_allowed_scores_for_items_9_and_10():
    form = screening_form("audit")
    assert [v for _, v in form.items[9].options] == [0, 2, 4]
    answer(form, [2, 2, 2, 2, 0, 0, 0, 0, 0, 0])
    assert form.result.band == "hazardous" and form.result.next_step == "simple advice plus brief counseling and monitoring"


def test_auditc_form_waits_for_sex_then_uses_its_cut_off():
    form = screening_form("auditc")
    answer(form, [1, 1, 1])
    assert "Still to answer: sex" in shown(form.output)
    form.options["sex"].value = "female"
    assert form.result.positive
    form.options["sex"].value = "male"
    assert not form.result.positive and "negative screen" in shown(form.output)


def test_dast10_form_reverse_scores_item_3_and_reports_no_drug_use():
    form = screening_form("dast10")
    answer(form, [True] + [False] * 9)
    assert form.result.total == 2 and "Total 2: low" in shown(form.output)
    form.items[0].value = False  # item 1 "no": the client reports no drug use
    text = shown(form.output)
    assert form.result.total == 0 and "Total 0: none (the client reports no drug use other than for medical" in text
    assert "no action" not in text.lower()


def test_pcl5_and_cageaid_options_change_the_result():
    pcl5 = screening_form("pcl5")
    answer(pcl5, [2] * 15 + [1] * 2 + [0] * 3)
    assert pcl5.result.total == 32 and not pcl5.result.positive
    pcl5.options["cutoff"].value = 31
    assert pcl5.result.positive
    cage = screening_form("cageaid")
    answer(cage, [True, False, False, False])
    assert cage.result.positive
    cage.options["threshold"].value = 2
    assert not cage.result.positive


def test_cssrs_form_follows_the_flow_and_shows_988():
    form = screening_form("cssrs")
    assert "988 Suicide &amp; Crisis Lifeline" in form.children[0].value
    asked = lambda: [c.layout.display != "none" for c in form.items]  # noqa: E731
    assert asked() == [True, True, False, False, False, True]
    form.items[0].value, form.items[1].value = True, True
    assert asked() == [True] * 6
    form.items[2].value, form.items[3].value, form.items[4].value, form.items[5].value = False, True, False, False
    assert form.result.risk == "high"
    text = shown(form.output)
    assert "Start patient safety precautions until a mental health professional can evaluate the individual" in text
    assert "free, confidential and available 24/7 by call, text or chat" in text
    assert 'role="alert"' in form.output.value and "Risk: high" in text
    form.items[1].value = False  # Q2 no: Q3-Q5 are skipped and cleared
    assert [c.value for c in form.items[2:5]] == [None, None, None]
    assert form.result.risk == "review"
    text = shown(form.output)
    assert "referral to outpatient providers and crisis hotlines" in text and "same day" in text
    assert 'role="alert"' in form.output.value and "none stated" not in text.lower()
    form.items[5].value = True
    assert form.options["recent_behavior"].layout.display != "none" and form.result is None
    assert "Still to answer: 6b" in shown(form.output)
    form.options["recent_behavior"].value = True
    assert form.result.risk == "high"


def test_clear_button_empties_the_form():
    form = screening_form("phq9")
    answer(form, [0] * 9)
    form.clear_button.click()
    assert form.answers() == [None] * 9 and form.result is None


def test_unknown_instrument_form_is_refused():
    with pytest.raises(ValueError, match="unknown instrument"):
        screening_form("phq8")


def test_quadrant_view_places_clients_and_describes_the_chart():
    view = quadrant_view([("Dana", "high", "low")])
    assert "Reported by a column on the quadrant model" in shown(view.children[0])
    view.name.value = "Rosa"
    view.mental_health.value, view.substance_use.value = "low", "high"
    view.place_button.click()
    assert "Rosa placed. Quadrant III" in shown(view.message)
    assert "Dana: quadrant II" in view.figure.alt_text and "Rosa: quadrant III" in view.figure.alt_text
    assert "Text description" in view.chart.value
    view.place_button.click()  # a double click: the placement's explanation stays
    assert "Rosa placed. Quadrant III" in shown(view.message) and len(view.clients) == 2
    view.mental_health.value = "high"
    view.place_button.click()  # a new placement without a name: a sentence, not an error
    assert "Type a name" in shown(view.message)
    view.clear_button.click()
    assert view.clients == [] and "No clients placed yet" in view.figure.alt_text


def test_quadrant_view_explains_a_full_quadrant():
    view = quadrant_view([(f"Client {n}", "low", "low") for n in range(8)])
    view.name.value, view.mental_health.value, view.substance_use.value = "Ninth", "low", "low"
    view.place_button.click()
    assert "Not placed: at most 8 clients fit in quadrant I" in shown(view.message)
    assert len(view.clients) == 8


def test_iop_builder_adds_and_removes_sessions():
    builder = iop_week_builder()
    assert "below the IOP minimum of 9 hours" in shown(builder.message)
    assert "Which services count toward the weekly hours is set by your state's rules and payers" in shown(
        builder.message)
    for day in ("Monday", "Wednesday", "Friday"):
        builder.day.value = day
        builder.add_button.click()
    assert builder.result.total == 9 and builder.result.meets_minimum
    assert "meets the IOP minimum" in shown(builder.message)
    assert "Week total 9 hours" in builder.figure.alt_text
    [first, *_] = builder.listing.children
    assert first.description == "Remove Monday: group therapy, 3 h"
    first.click()
    first.click()  # a double click removes one session, not the one that moved into its place
    assert builder.result.total == 6 and not builder.result.meets_minimum
    assert [b.description for b in builder.listing.children] == [
        "Remove Wednesday: group therapy, 3 h", "Remove Friday: group therapy, 3 h"]
    builder.population.value = "adolescent"
    assert builder.result.meets_minimum and "minimum of 6 hours" in shown(builder.message)


def test_iop_builder_explains_a_refused_session():
    builder = iop_week_builder([("group therapy", "Monday", 12), ("group therapy", "Monday", 12)])
    builder.day.value, builder.hours.value = "Monday", 1
    builder.add_button.click()
    assert "Not added: Monday has more than 24 hours" in shown(builder.message)
    assert builder.result.total == 24


def test_progress_view_marks_worse_bands_and_explains_bad_input():
    view = progress_view("phq9", [8, 12, 11])
    assert "week 2 moved into moderate" in shown(view.message)
    assert "week 1: 8 (mild)" in view.figure.alt_text
    view.scores.value = "8, twelve"
    assert "type whole numbers separated by commas" in shown(view.message)
    view.scores.value = "8, 30"
    assert "score 2 must be a whole number from 0 to 27" in shown(view.message)
    view.scores.value = "14, 9"
    assert "A PHQ-9 total does not show item 9" in shown(view.message)  # a falling total is not "no risk"
    view.instrument.value = "gad7"
    view.scores.value = "4, 5"
    assert "week 2 moved into mild" in shown(view.message) and "item 9" not in shown(view.message)


GALLERY = ROOT / "notebooks" / "tools-gallery.ipynb"


def test_tools_gallery_is_committed_without_outputs():
    notebook = nbformat.read(GALLERY, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and not any(c.outputs or c.execution_count for c in code)
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.slow
def test_tools_gallery_runs_top_to_bottom_without_errors_or_stderr():
    notebook = nbformat.read(GALLERY, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]


def test_a_yes_no_item_takes_yes_or_no_and_never_a_score():
    form = screening_form("cssrs")
    with pytest.raises(Exception, match="not one of the options"):
        form.items[0].value = 1
    form.items[0].index = 1  # the browser checks "Yes"
    assert form.items[0].value is True


@pytest.mark.parametrize("make", [quadrant_view, iop_week_builder, progress_view])
def test_every_tool_choice_is_a_radio_group_not_toggle_buttons(make):
    from ipywidgets import ToggleButtons

    view = make()
    controls = [c for c in view.children if isinstance(c, ChoiceGroup | ToggleButtons)]
    assert controls and all(isinstance(c, ChoiceGroup) for c in controls)


# -- The form shows the model: one declaration of answers, settings and flow, read by scorer and form alike --

def answer_patterns(key: str) -> list[list]:
    """Lowest, highest and alternating answers; for yes/no instruments of up to 6 items, every combination."""
    spec = INSTRUMENTS[key]
    if spec.yes_no and spec.item_count <= 6:
        return [list(p) for p in itertools.product((False, True), repeat=spec.item_count)]
    lowest = [values[0] for values in spec.item_values]
    highest = [values[-1] for values in spec.item_values]
    return [lowest, highest, [h if n % 2 else lo for n, (lo, h) in enumerate(zip(lowest, highest, strict=True))]]


def asked_on_screen(form) -> tuple[bool, ...]:
    return tuple(c.layout.display != "none" for c in form.items)


def answer_what_is_shown(form, values) -> None:
    """Answer item by item as a learner would: an item the form hides cannot be answered."""
    for control, value in zip(form.items, values, strict=True):
        if control.layout.display != "none":
            control.value = value


@pytest.mark.parametrize("key", list(INSTRUMENTS))
def test_the_form_offers_the_answers_and_settings_the_instrument_declares(key):
    spec = INSTRUMENTS[key]
    form = screening_form(key)
    for number, control in enumerate(form.items, start=1):
        assert control.options == list(spec.choices(number))
        assert [v for _, v in control.options] == list(spec.item_values[number - 1])
    assert list(form.options) == [s.name for s in spec.settings]
    for setting in spec.settings:
        control = form.options[setting.name]
        assert control.description == setting.label and control.options == list(setting.choices)
        assert control.value == setting.default


@pytest.mark.parametrize("key", list(INSTRUMENTS))
def test_the_form_asks_exactly_the_items_the_instrument_asks(key):
    spec = INSTRUMENTS[key]
    for pattern in answer_patterns(key):
        form = screening_form(key)
        assert asked_on_screen(form) == spec.asked(form.answers())
        for number, value in enumerate(pattern, start=1):
            if asked_on_screen(form)[number - 1]:
                form.items[number - 1].value = value
            answers = form.answers()
            assert asked_on_screen(form) == spec.asked(answers), f"{key} {pattern}: after item {number}"
            assert all(a is None for a, on in zip(answers, spec.asked(answers), strict=True) if not on)
            for setting in spec.settings:
                assert (form.options[setting.name].layout.display != "none") == setting.asked(answers)
        for setting in spec.settings:
            if setting.asked(form.answers()) and form.options[setting.name].value is None:
                form.options[setting.name].value = setting.values[-1]
        options = {s.name: form.options[s.name].value for s in spec.settings}
        assert form.result == score(key, form.answers(), **options), f"{key} {pattern}"


def test_changing_an_earlier_answer_hides_and_clears_what_the_flow_no_longer_asks():
    spec = INSTRUMENTS["cssrs"]
    form = screening_form("cssrs")
    answer_what_is_shown(form, [True] * 6)
    form.options["recent_behavior"].value = False
    form.items[1].value = False
    form.items[5].value = False
    assert asked_on_screen(form) == spec.asked(form.answers()) == (True, True, False, False, False, True)
    assert form.answers() == [True, False, None, None, None, False]
    assert form.options["recent_behavior"].value is None
    assert form.result == score("cssrs", form.answers())


def test_the_form_module_names_no_instrument():
    tree = ast.parse(Path(screening_view.__file__).read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and ast.get_docstring(node)}
    literals = {node.value for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}
    assert not literals & set(INSTRUMENTS), "the form reads what to ask from the instrument, not from its key"
    compared = [node for node in ast.walk(tree) if isinstance(node, ast.Compare)
                for side in (node.left, *node.comparators) if isinstance(side, ast.Attribute) and side.attr == "key"]
    assert not compared


# -- One user action, one model call: a chart is drawn from the result the view already has ---------------

def count_calls(monkeypatch, function, *modules) -> list:
    """Replace `function` in each module with a wrapper that records its calls; returns the record."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    for module in modules:
        monkeypatch.setattr(module, function.__name__, counted)
    return calls


def test_the_iop_builder_checks_the_week_once_per_action(monkeypatch):
    builder = iop_week_builder([("group therapy", "Monday", 3)])
    checks = count_calls(monkeypatch, iop_week.check_week, iop_week, tool_views)
    builder.add_button.click()
    assert len(checks) == 1 and builder.result.total == 6 and "Week total 6 hours" in builder.figure.alt_text
    checks.clear()
    builder.listing.children[0].click()
    assert len(checks) == 1 and builder.result.total == 3
    checks.clear()
    builder.population.value = "adolescent"
    assert len(checks) == 1 and "minimum of 6 hours" in builder.figure.alt_text
    checks.clear()
    builder.hours.value = 12
    builder.add_button.click()
    builder.add_button.click()  # the third 12-hour Monday session is refused, after one check
    assert len(checks) == 2 and builder.result.total == 15
    assert "Not added: Monday has more than 24 hours" in shown(builder.message)


def test_the_progress_view_reads_the_trajectory_once_per_change(monkeypatch):
    view = progress_view("phq9", [8, 12])
    readings = count_calls(monkeypatch, progress.trajectory, progress, tool_views)
    view.scores.value = "8, 12, 16"
    assert len(readings) == 1 and "week 3 moved into moderately severe" in shown(view.message)
    assert "week 3: 16 (moderately severe)" in view.figure.alt_text
    readings.clear()
    view.instrument.value = "gad7"
    assert len(readings) == 1 and "week 3: 16 (severe)" in view.figure.alt_text


def test_the_quadrant_view_places_a_client_once_per_press(monkeypatch):
    view = quadrant_view([("Dana", "high", "low"), ("Rosa", "low", "high")])
    placements = count_calls(monkeypatch, quadrant.place, quadrant, tool_views)
    view.name.value, view.mental_health.value, view.substance_use.value = "Wren", "high", "high"
    view.place_button.click()
    assert len(placements) == 1 and "Wren: quadrant IV" in view.figure.alt_text
    assert "Dana: quadrant II" in view.figure.alt_text and "Rosa: quadrant III" in view.figure.alt_text
    placements.clear()
    view.clear_button.click()
    assert not placements and "No clients placed yet" in view.figure.alt_text


@pytest.mark.parametrize("key", list(INSTRUMENTS))
def test_the_screening_form_scores_once_per_answer(monkeypatch, key):
    spec = INSTRUMENTS[key]
    form = screening_form(key)
    answer_what_is_shown(form, [values[-1] for values in spec.item_values])
    for setting in spec.settings:
        if setting.asked(form.answers()):
            form.options[setting.name].value = setting.values[-1]
    scores = count_calls(monkeypatch, score, screening_view)
    gate = next(iter((spec.asked_if_yes or {}).values()), 1)
    form.items[gate - 1].value = spec.item_values[gate - 1][0]  # for the C-SSRS, Q2 "no" also clears Q3-Q5
    assert len(scores) == 1 and form.result is not None


# -- The client timeline ------------------------------------------------------------------------------------

def test_the_timeline_view_reads_the_timeline_once_per_action_and_draws_that_result(monkeypatch):
    from widgets import timeline as timeline_model
    from widgets.tool_views import client_timeline

    view = client_timeline("Victor", [{"week": 1, "phq9": 11, "item9": 0, "gad7": 9, "attended": 3}])
    readings = count_calls(monkeypatch, timeline_model.timeline, timeline_model, tool_views)
    view.phq9.value, view.item9.value, view.gad7.value = "17", 1, "14"
    view.attended.value, view.missed.value = 1, 2
    view.test.value, view.substance.value = "positive", "alcohol"
    assert readings == []  # typing alone asks nothing
    view.add_button.click()
    assert len(readings) == 1 and view.result is not None and len(view.result.weeks) == 2
    assert shown(view.message).startswith("Safety first: week 2: PHQ-9 item 9 answered 1")
    for piece in ("988", "911", "supervisor", "clinically meaningful worsening", "drug test positive for alcohol"):
        assert piece in shown(view.message)
    assert "Week 2: PHQ-9 17 (item 9: 1)" in view.figure.alt_text and view.week.value == 3
    readings.clear()
    view.remove_button.click()
    assert len(readings) == 1 and len(view.result.weeks) == 1 and "No flags" in shown(view.message)


def test_the_timeline_view_explains_a_refused_week_and_keeps_the_timeline():
    from widgets.tool_views import client_timeline

    view = client_timeline("Victor", [{"week": 1, "phq9": 11}])
    view.week.value = 1
    view.add_button.click()
    assert "Not added: the weeks must be in increasing order" in shown(view.message)
    view.week.value, view.phq9.value = 2, "twelve"
    view.add_button.click()
    assert "Not added: type the PHQ-9 total as a whole number, or leave it empty" in shown(view.message)
    view.phq9.value, view.test.value = "12", "positive"
    view.add_button.click()
    assert "Not added: type the substance the test was positive for" in shown(view.message)
    assert len(view.result.weeks) == 1


def test_a_bad_timeline_is_refused_before_any_control_is_built():
    from widgets.tool_views import client_timeline

    with pytest.raises(ValueError, match="week 1: the PHQ-9 total must be a whole number from 0 to 27"):
        client_timeline("Victor", [{"week": 1, "phq9": 30}])


def test_the_timeline_views_choices_are_radio_groups_and_every_text_box_is_labelled():
    from ipywidgets import Text, ToggleButtons

    from widgets.tool_views import client_timeline

    view = client_timeline("Victor")
    controls = [c for c in view.children if isinstance(c, ChoiceGroup | ToggleButtons)]
    assert len(controls) == 2 and all(isinstance(c, ChoiceGroup) for c in controls)
    assert all(c.description for c in view.children if isinstance(c, Text))
