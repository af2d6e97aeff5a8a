"""Item analysis and mastery against values computed by hand on a tiny cohort.

Five learners, three one-point items (1 = right):

    learner  i1 i2 i3  total
    L1        1  1  1    3
    L2        1  1  0    2
    L3        1  0  1    2
    L4        1  0  0    1
    L5        0  0  0    0

Difficulty: i1 4/5 = 0.8, i2 2/5 = 0.4, i3 2/5 = 0.4.

Corrected point-biserial (item against the total of the *other* items), by hand:
    i1: x = 1,1,1,1,0  rest = 2,1,1,0,0  sxy = 0.8, sxx = 0.8, syy = 2.8  r = 0.8 / sqrt(2.24) = sqrt(2/7)
    i2: x = 1,1,0,0,0  rest = 2,1,2,1,0  sxy = 0.6, sxx = 1.2, syy = 2.8  r = 0.6 / sqrt(3.36) = sqrt(3/28)
    i3: x = 1,0,1,0,0  rest = 2,2,1,1,0  same sums as i2                 r = sqrt(3/28)

Upper-lower index with groups of 40% (2 learners): upper = L1, L2; lower = L5, L4.
    i1: 2/2 - 1/2 = 0.5    i2: 2/2 - 0/2 = 1.0    i3: 1/2 - 0/2 = 0.5
"""

import math

import pytest

from widgets.trainer import stats

SCORES = {
    "L1": {"i1": 1, "i2": 1, "i3": 1},
    "L2": {"i1": 1, "i2": 1, "i3": 0},
    "L3": {"i1": 1, "i2": 0, "i3": 1},
    "L4": {"i1": 1, "i2": 0, "i3": 0},
    "L5": {"i1": 0, "i2": 0, "i3": 0},
}
POINTS = {"i1": 1, "i2": 1, "i3": 1}


def column(item):
    return [SCORES[lr][item] for lr in sorted(SCORES)]


def rest(item):
    return [sum(SCORES[lr].values()) - SCORES[lr][item] for lr in sorted(SCORES)]


def totals():
    return [sum(SCORES[lr].values()) for lr in sorted(SCORES)]


def test_difficulty_is_the_share_of_learners_who_got_the_item_right():
    assert stats.difficulty(column("i1")) == pytest.approx(0.8)
    assert stats.difficulty(column("i2")) == pytest.approx(0.4)


def test_point_biserial_matches_the_hand_computed_correlations():
    assert stats.point_biserial(column("i1"), rest("i1")) == pytest.approx(math.sqrt(2 / 7))
    assert stats.point_biserial(column("i2"), rest("i2")) == pytest.approx(math.sqrt(3 / 28))
    assert stats.point_biserial(column("i3"), rest("i3")) == pytest.approx(math.sqrt(3 / 28))


def test_upper_lower_index_matches_the_hand_computed_group_differences():
    assert stats.upper_lower_index(column("i1"), totals(), fraction=0.4) == pytest.approx(0.5)
    assert stats.upper_lower_index(column("i2"), totals(), fraction=0.4) == pytest.approx(1.0)
    assert stats.upper_lower_index(column("i3"), totals(), fraction=0.4) == pytest.approx(0.5)


def test_item_analysis_combines_the_hand_computed_values_per_item():
    result = {s.item: s for s in stats.item_analysis(SCORES, POINTS)}
    assert result["i1"].difficulty == pytest.approx(0.8)
    assert result["i1"].point_biserial == pytest.approx(math.sqrt(2 / 7))
    assert result["i2"].point_biserial == pytest.approx(math.sqrt(3 / 28))
    assert all(s.n == 5 for s in result.values())


def test_item_analysis_scores_partial_credit_as_a_proportion_of_the_item_points():
    scores = {"A": {"q": 2}, "B": {"q": 1}, "C": {"q": 0}, "D": {"q": 1}}
    (only,) = stats.item_analysis(scores, {"q": 2})
    assert only.difficulty == pytest.approx((1 + 0.5 + 0 + 0.5) / 4)


def test_an_item_everyone_gets_right_has_no_discrimination_and_is_flagged_too_easy():
    scores = {lr: {"easy": 1, "other": i % 2} for i, lr in enumerate("ABCD")}
    result = {s.item: s for s in stats.item_analysis(scores, {"easy": 1, "other": 1})}
    assert result["easy"].point_biserial is None
    assert result["easy"].flags == ["too easy", "no variation"]


def test_an_item_weaker_learners_get_right_is_flagged_negatively_discriminating():
    # The strong learners (high on a, b) miss c; the weak ones get it right.
    scores = {"A": {"a": 1, "b": 1, "c": 0}, "B": {"a": 1, "b": 1, "c": 0},
              "C": {"a": 0, "b": 0, "c": 1}, "D": {"a": 1, "b": 0, "c": 1}}
    result = {s.item: s for s in stats.item_analysis(scores, {"a": 1, "b": 1, "c": 1})}
    assert result["c"].point_biserial < 0
    assert "negatively discriminating" in result["c"].flags


@pytest.mark.parametrize(("p", "r", "expected"), [
    (0.95, 0.5, ["too easy"]),
    (0.2, 0.3, ["too hard"]),
    (0.5, 0.1, ["does not discriminate"]),
    (0.5, -0.1, ["negatively discriminating"]),
    (0.6, 0.45, []),
])
def test_flags_name_each_problem_in_plain_language(p, r, expected):
    assert stats.flags(p, r) == expected
    assert all(flag in stats.FLAG_TEXT for flag in expected)


def test_item_analysis_refuses_a_learner_without_a_score_for_every_item():
    with pytest.raises(ValueError, match="L9 has no score for i2"):
        stats.item_analysis({"L9": {"i1": 1}}, {"i1": 1, "i2": 1})


def test_difficulty_refuses_scores_that_are_not_proportions():
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.difficulty([0.5, 2])


def test_mastery_is_the_share_of_an_objectives_points_across_its_items():
    scores = {"L": {"a": 1, "b": 0, "c": 1}}
    result = stats.mastery(scores, {"a": 1, "b": 1, "c": 2}, {"a": "1.1", "b": "1.2", "c": "1.2"})
    assert result == {"L": {"1.1": pytest.approx(1.0), "1.2": pytest.approx(1 / 3)}}


def test_below_threshold_lists_only_objectives_strictly_under_it():
    mastery = {"L": {"1.1": 0.8, "1.2": 1 / 3}, "M": {"1.1": 1.0, "1.2": 0.8}}
    assert stats.below_threshold(mastery, 0.8) == {"L": ["1.2"]}


def test_below_threshold_refuses_a_percentage_given_as_a_whole_number():
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.below_threshold({}, 80)


def test_score_bands_count_each_learner_once_with_full_marks_in_the_top_band():
    counts = stats.score_bands([0.49, 0.5, 0.69, 0.7, 0.8, 1.0])
    assert counts == {"below 50%": 1, "50-69%": 2, "70-79%": 1, "80-100%": 2}


def test_summary_gives_the_median_of_an_even_count_as_the_middle_mean():
    assert stats.summary([0.2, 0.4, 0.6, 1.0]) == {"n": 4, "mean": pytest.approx(0.55), "median": pytest.approx(0.5),
                                                   "min": 0.2, "max": 1.0}


def test_summary_gives_the_median_of_an_odd_count_as_the_middle_value():
    assert stats.summary([1.0, 0.2, 0.6]) == {"n": 3, "mean": pytest.approx(0.6), "median": 0.6, "min": 0.2, "max": 1.0}


def test_summary_and_mean_refuse_no_values():
    with pytest.raises(ValueError):
        stats.summary([])
    with pytest.raises(ValueError):
        stats.mean([])


@pytest.mark.parametrize("constant", [0.0, 1.0, 0.5, 0.7, 1 / 3, 0.1])
def test_pearson_is_undefined_when_a_variable_does_not_vary(constant):
    varying = [i % 3 for i in range(12)]
    assert stats.pearson([constant] * 12, varying) is None
    assert stats.pearson(varying, [constant] * 12) is None


def test_pearson_is_undefined_for_fewer_than_two_pairs_and_refuses_lists_of_different_lengths():
    assert stats.pearson([], []) is None
    assert stats.pearson([1.0], [0.0]) is None
    with pytest.raises(ValueError, match="same length"):
        stats.pearson([0.0, 1.0], [1.0])
