"""Vignettes: every content file is valid, every rule rejects what it should, the player plays every path."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from widgets.vignette import VignetteError, load, vignette_files
from widgets.vignette.player import VignettePlayer

FIXTURES = Path(__file__).parent / "fixtures" / "vignettes"
VALID = FIXTURES / "valid-two-step.yaml"
CONTENT_FILES = vignette_files()


def test_the_course_has_vignettes():
    assert CONTENT_FILES, "no vignette files found in widgets/content/vignettes"


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_content_vignette_loads_and_every_path_ends(path):
    vignette = load(path)
    assert vignette.paths(), "a vignette has at least one path"
    assert "fictional" in vignette.fictional_notice.lower()
    for path_taken in vignette.paths():
        assert len(path_taken) >= 1


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_player_plays_every_path_of_a_content_vignette(path):
    play_every_path(load(path))


def play_every_path(vignette):
    player = VignettePlayer(vignette)
    for path_taken in vignette.paths():
        player.restart()
        expected = 0
        for index in path_taken:
            node = player.session.current
            assert player.choices.choices == [c.text for c in node.choices]
            assert all(player.choices.choices), "every choice button is labelled"
            expected += node.choices[index].score
            player.choices.press(index)
            assert html.escape(node.choices[index].text) in player.feedback.value
        assert player.session.finished and not player.choices.choices
        assert "Debrief" in player.situation.value
        assert f"{expected} of {vignette.max_score} possible points" in player.situation.value
        assert player.choices.can_restart
    player.restart()
    assert not player.session.steps and player.feedback.value == ""


def test_player_plays_every_path_of_the_fixture():
    play_every_path(load(VALID))


def test_a_second_press_on_a_choice_that_is_already_gone_is_ignored():
    # A double click, or a click while the kernel is busy, reaches the kernel from buttons the browser has not
    # replaced yet. It must not choose something on the next screen, which the learner has not seen.
    player = VignettePlayer(load(VALID))
    start = player.session.current
    onward = next(i for i, choice in enumerate(start.choices) if choice.target == "second")
    first_screen = player.choices.screen
    player.choices.press(onward, first_screen)
    assert not player.session.finished, "this choice of the fixture leads to a second decision"
    after_one = [(step.node.id, step.choice.text) for step in player.session.steps]
    assert after_one == [(start.id, start.choices[onward].text)]
    player.choices.press(onward, first_screen)
    player.choices.press(len(start.choices) - 1 - onward, first_screen)
    assert [(step.node.id, step.choice.text) for step in player.session.steps] == after_one
    assert html.escape(start.choices[onward].text) in player.feedback.value
    player.choices.press(0)  # the buttons now shown still work
    assert len(player.session.steps) == 2


# -- the order choices are shown in -------------------------------------------------------------------

def _texts(node):
    return [choice.text for choice in node.choices]


def test_choices_are_shown_in_the_same_shuffled_order_on_every_load():
    from widgets.vignette.model import parse

    written = _valid_data()
    once, again = load(VALID), parse(_valid_data(), "<memory>")
    for node_id, node in once.nodes.items():
        assert _texts(node) == _texts(again.nodes[node_id])
        assert sorted(_texts(node)) == sorted(c["text"] for c in written["nodes"][node_id].get("choices", []))


def test_a_node_marked_keep_order_shows_its_choices_as_written():
    from widgets.vignette.model import parse

    def quadrants(d, keep):
        d["nodes"]["second"]["choices"] = [
            {"text": f"Quadrant {q}", "target": "good_end", "score": 2 if q == "III" else 0,
             "feedback": f"Feedback on Quadrant {q}, long enough to pass.", "sources": ["T42-05-FIG21"]}
            for q in ("I", "II", "III", "IV")]
        if keep:
            d["nodes"]["second"]["keep_order"] = True

    kept = parse(_mutate(lambda d: quadrants(d, True)), "<memory>").nodes["second"]
    assert _texts(kept) == ["Quadrant I", "Quadrant II", "Quadrant III", "Quadrant IV"]
    shuffled = parse(_mutate(lambda d: quadrants(d, False)), "<memory>").nodes["second"]
    assert _texts(shuffled) != _texts(kept), "without keep_order these four choices are shown in another order"


def test_across_the_course_the_best_choice_is_not_always_shown_first():
    # The issue "order teaches nothing": authors wrote the best choice first at almost every decision.
    first, decisions, places = 0, 0, set()
    for path in CONTENT_FILES:
        for node in load(path).nodes.values():
            if node.choices and not node.keep_order:
                best = max(c.score for c in node.choices)
                place = next(i for i, c in enumerate(node.choices) if c.score == best)
                decisions += 1
                first += place == 0
                places.add(place)
    assert decisions >= 30
    assert first / decisions < 0.5, f"the best choice is shown first at {first} of {decisions} decisions"
    assert places >= {0, 1, 2}, f"the best choice only ever appears at positions {sorted(places)}"


def test_shuffling_does_not_change_a_vignettes_scores_or_paths_count():
    from widgets.vignette.model import Vignette, check_graph

    vignette = load(VALID)
    assert isinstance(vignette, Vignette)
    check_graph(vignette)
    assert vignette.max_score == 4
    assert len(vignette.paths()) == 3


def _valid_data() -> dict:
    return yaml.safe_load(VALID.read_text())


def _mutate(change):
    data = _valid_data()
    change(data)
    return data


# One invalid fixture per load-time rule: (name, how to break the valid fixture, message part, node named)
RULES = [
    ("start_missing", lambda d: d.update(start="nowhere"), "start node 'nowhere' does not exist", None),
    ("target_missing", lambda d: d["nodes"]["second"]["choices"][0].update(target="ghost"),
     "leads to 'ghost', which does not exist", "second"),
    ("unreachable_node", lambda d: d["nodes"].update(orphan={"situation": "x", "debrief": "An ending nobody reaches."}),
     "no choice leads here", "orphan"),
    ("cycle", lambda d: d["nodes"]["second"]["choices"][1].update(target="first"), "making a loop", "second"),
    ("ending_without_debrief", lambda d: d["nodes"]["good_end"].pop("debrief"), "nodes/good_end", "good_end"),
    ("node_with_choices_and_debrief", lambda d: d["nodes"]["first"].update(debrief="Both kinds at once here."),
     "nodes/first", "first"),
    ("unknown_source", lambda d: d["nodes"]["second"]["choices"][0].update(sources=["NOT-A-SOURCE"]),
     "unknown source key 'NOT-A-SOURCE'", "second"),
    ("missing_feedback", lambda d: d["nodes"]["first"]["choices"][0].pop("feedback"), "'feedback' is a required",
     "first"),
    ("unknown_field", lambda d: d.update(colour="red"), "Additional properties", None),
    ("not_fictional", lambda d: d.update(fictional_notice="Sam is a client."), "fictional_notice", None),
    ("wrong_schema_version", lambda d: d.update(schema_version=2), "schema_version", None),
]


@pytest.mark.parametrize("name,change,message,node", RULES, ids=[r[0] for r in RULES])
def test_load_rejects_a_broken_rule_naming_file_and_node(tmp_path, name, change, message, node):
    path = tmp_path / "valid-two-step.yaml"
    path.write_text(yaml.safe_dump(_mutate(change)))
    with pytest.raises(VignetteError) as caught:
        load(path)
    text = str(caught.value)
    assert str(path) in text and message in text
    assert caught.value.node == node
    if node:
        assert f"node '{node}'" in text


def test_load_rejects_a_node_id_written_twice(tmp_path):
    text = VALID.read_text().replace("  cold_end:\n", "  good_end:\n")
    path = tmp_path / "valid-two-step.yaml"
    path.write_text(text)
    with pytest.raises(VignetteError, match=r"'good_end' is defined twice"):
        load(path)


def test_load_rejects_invalid_yaml_naming_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("schema_version: 1\nid: [unclosed\n")
    with pytest.raises(VignetteError, match=r"broken\.yaml: is not valid YAML \(line \d+"):
        load(path)


def test_load_rejects_an_id_that_differs_from_the_file_name(tmp_path):
    path = tmp_path / "other-name.yaml"
    path.write_text(VALID.read_text())
    with pytest.raises(VignetteError, match="must equal the file name"):
        load(path)


def test_best_score_is_the_best_path_not_the_best_single_choices():
    from widgets.vignette.model import parse

    # A tempting first choice (3 points) that ends the case early loses to the 2 + 2 path.
    data = _mutate(lambda d: d["nodes"]["first"]["choices"][1].update(score=3))
    assert parse(data, "<memory>").max_score == 4


def _check(*args):
    return subprocess.run([sys.executable, "-m", "widgets.vignette", "check", *map(str, args)],
                          capture_output=True, text=True)


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_check_command_accepts_valid_files_and_exits_zero():
    result = _check(VALID, *CONTENT_FILES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok: ") == 1 + len(CONTENT_FILES)


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_check_command_names_every_bad_file_and_exits_non_zero(tmp_path):
    not_yaml = tmp_path / "not-yaml.yaml"
    not_yaml.write_text("nodes: {a: [1, 2\n")
    bad_target = tmp_path / "valid-two-step.yaml"
    bad_target.write_text(yaml.safe_dump(_mutate(lambda d: d["nodes"]["first"]["choices"][0].update(target="zz"))))
    result = _check(VALID, not_yaml, bad_target)
    assert result.returncode == 1
    assert f"{not_yaml}: is not valid YAML" in result.stderr
    assert f"{bad_target}: node 'first': choice 1 leads to 'zz'" in result.stderr
    assert "ok: " in result.stdout


@pytest.mark.slow  # starts a kernel, nbgrader or a server: not in the quick loop
def test_schema_command_prints_a_schema_with_a_description_on_every_field():
    import json

    schema = json.loads(subprocess.run([sys.executable, "-m", "widgets.vignette", "schema"],
                                       capture_output=True, text=True, check=True).stdout)

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                assert "description" in value, f"{where}.{key} has no description"
                walk(value, f"{where}.{key}")
            for key in ("items", "additionalProperties"):
                if isinstance(node.get(key), dict):
                    walk(node[key], f"{where}[{key}]")

    walk(schema, "vignette")
    assert schema["additionalProperties"] is False


def test_feedback_never_cites_a_source_the_reference_marks_not_citable():
    from widgets.sources import SECONDARY, all_sources

    not_citable = [s for s in all_sources().values() if not s.citable]
    for path in CONTENT_FILES:
        vignette = load(path)
        player = VignettePlayer(vignette)
        for node in vignette.nodes.values():
            for index, choice in enumerate(node.choices):
                player.session.current = node
                player.choose(index)
                shown = player.feedback.value
                assert not any(html.escape(s.title) in shown for s in not_citable), (vignette.id, node.id)
                if any(not all_sources()[k].citable for k in choice.sources):
                    assert SECONDARY in shown


# -- safe practice on every way to a good ending --------------------------------------------------------

# What a supervisor would insist on before a case can end well (clinical-reference.md, "Safety first" and
# section 14). Each phrase must appear somewhere on every path that reaches an ending the case calls good:
# in a situation, the choice taken, its feedback, or the debrief.
SAFE_PRACTICE = {
    "m1-first-call": ["988", "911", "supervisor", "withdrawal risk", "medical staff"],
    "m1-other-door": ["withdrawal", "benzodiazepine", "C-SSRS", "988", "911", "written consent", "supervisor"],
    "m2-intake-screens": ["item 9", "C-SSRS", "supervisor", "988", "911"],
    "m2-follow-up-cssrs": ["C-SSRS", "supervisor", "988", "911", "written consent"],
    "m3-grace-setting": ["withdrawal", "seizures or DTs", "sedatives", "medical staff", "written consent"],
    "m3-intake-review": ["C-SSRS", "988", "911", "naloxone", "medication for opioid use disorder",
                         "written consent"],
    "m4-leaving-inpatient": ["written consent", "42 CFR Part 2", "suicide-risk screen", "988", "911"],
    "m4-planning-a-week": ["keeps taking it as prescribed", "prescriber", "written consent"],
    "m5-rosa-group": ["supervisor", "988", "911", "withdrawal risk"],
    "m5-leon-medication": ["keeps taking it as prescribed", "prescriber", "written consent", "naloxone", "911"],
    "m6-victor-review": ["item 9", "C-SSRS", "supervisor", "988", "911"],
    "m6-positive-test": ["naloxone", "911", "prescriber", "written consent", "42 CFR Part 2", "supervisor"],
    "m7-felix-weekend": ["high-risk situation", "people to call", "988", "911"],
    "m7-imani-lapse": ["lapse", "C-SSRS", "supervisor", "agency's safety procedure", "988", "911"],
    "m8-quentin-safety-plan": ["item 9", "C-SSRS", "supervisor", "agency's safety procedure", "six parts",
                               "firearm", "988", "911"],
    "m8-renata-capstone": ["item 9", "supervisor", "withdrawal", "medical staff", "written consent", "988", "911"],
}
PRACTICE_ONLY = {"m0-practice"}  # Start Here's two-step practice case: no client, no risk


def test_every_case_says_what_safe_practice_its_good_endings_need():
    """A new case cannot slip past the rule: each one lists what its good endings must show."""
    cases = {path.stem for path in CONTENT_FILES} - PRACTICE_ONLY
    assert sorted(cases - set(SAFE_PRACTICE)) == []


def paths_to_good_endings(vignette):
    for path_taken in vignette.paths():
        node, seen = vignette.nodes[vignette.start], []
        for index in path_taken:
            choice = node.choices[index]
            seen += [node.situation, choice.text, choice.feedback]
            node = vignette.nodes[choice.target]
        if node.debrief.startswith("A good ending"):
            yield path_taken, " ".join([*seen, node.situation, node.debrief])


@pytest.mark.parametrize("vignette_id", sorted(SAFE_PRACTICE))
def test_every_path_to_a_good_ending_models_safe_practice(vignette_id):
    vignette = load(next(p for p in CONTENT_FILES if p.stem == vignette_id))
    good = list(paths_to_good_endings(vignette))
    assert good, "the case has a good ending"
    for path_taken, text in good:
        missing = [phrase for phrase in SAFE_PRACTICE[vignette_id] if phrase not in text]
        assert not missing, f"path {path_taken} reaches a good ending without {missing}"


def test_the_best_path_of_every_case_ends_well():
    for path in CONTENT_FILES:
        vignette = load(path)
        best = [p for p in vignette.paths() if _score(vignette, p) == vignette.max_score]
        assert best and all(_ending(vignette, p).debrief.startswith(("A good ending", "Well played"))
                            for p in best), vignette.id


def _score(vignette, path_taken):
    node, total = vignette.nodes[vignette.start], 0
    for index in path_taken:
        total += node.choices[index].score
        node = vignette.nodes[node.choices[index].target]
    return total


def _ending(vignette, path_taken):
    node = vignette.nodes[vignette.start]
    for index in path_taken:
        node = vignette.nodes[node.choices[index].target]
    return node
