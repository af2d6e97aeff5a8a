"""Item analysis and mastery: pure functions over plain numbers (no nbgrader, no plotting).

Scores are proportions of an item's points (0.0-1.0), so partial credit is handled the same way as
right/wrong. Learners without a graded submission are left out of a module's statistics.

* Difficulty: the mean proportion of the item's points earned (for a right/wrong item, the share of
  learners who got it right). High means easy.
* Discrimination, point-biserial: the correlation between the item and the learner's score on the
  *other* items of the module (the corrected item-total correlation, so an item is not correlated
  with itself). Upper-lower index: the item's difficulty among the top 27% of learners (by module
  total) minus its difficulty among the bottom 27%.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Plain-language thresholds, the usual rules of thumb in classroom item analysis.
TOO_EASY = 0.90
TOO_HARD = 0.30
WEAK_DISCRIMINATION = 0.20
FEW_LEARNERS = 10

FLAG_TEXT = {
    "too easy": "almost everyone gets it right: it tells you little",
    "too hard": "most learners miss it: check the teaching and the wording",
    "does not discriminate": "strong and weak learners do about as well: it may be testing something else",
    "negatively discriminating": "weaker learners do better than stronger ones: check the answer key",
    "no variation": "everyone scored the same, so discrimination cannot be computed",
}


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean as a float; statistics.StatisticsError (a ValueError) for no values."""
    return statistics.fmean(values)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson correlation; None with fewer than two pairs or when either variable does not vary
    (correlation undefined)."""
    if len(xs) != len(ys):
        raise ValueError(f"pearson needs two lists of the same length, got {len(xs)} and {len(ys)}")
    # Checked on the values themselves: a series of equal scores such as 0.7 can leave a rounding
    # residue in its spread, which would otherwise read as a correlation of about zero.
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def difficulty(item_scores: Sequence[float]) -> float:
    """Mean proportion correct (each score is a proportion of the item's points)."""
    for s in item_scores:
        if not 0 <= s <= 1:
            raise ValueError(f"item scores must be proportions between 0 and 1, got {s}")
    return mean(item_scores)


def point_biserial(item_scores: Sequence[float], rest_scores: Sequence[float]) -> float | None:
    """Corrected item-total correlation: the item against the total of the other items."""
    return pearson(item_scores, rest_scores)


def upper_lower_index(item_scores: Sequence[float], totals: Sequence[float], fraction: float = 0.27) -> float | None:
    """Difficulty in the top group minus difficulty in the bottom group (by total score).

    Each group holds round(fraction * n) learners, at least one; ties at the boundary are broken by
    the learner's order in the lists, so the index is deterministic. None with fewer than 2 learners.
    """
    n = len(item_scores)
    if n != len(totals):
        raise ValueError("upper_lower_index needs one total per learner")
    if n < 2:
        return None
    size = max(1, round(fraction * n))
    order = sorted(range(n), key=lambda i: (totals[i], -i))
    lower, upper = order[:size], order[-size:]
    return mean([item_scores[i] for i in upper]) - mean([item_scores[i] for i in lower])


def flags(p: float, r: float | None) -> list[str]:
    """Plain-language flags for an item's difficulty p and discrimination r."""
    found = []
    if p >= TOO_EASY:
        found.append("too easy")
    if p <= TOO_HARD:
        found.append("too hard")
    if r is None:
        found.append("no variation")
    elif r < 0:
        found.append("negatively discriminating")
    elif r < WEAK_DISCRIMINATION:
        found.append("does not discriminate")
    return found


@dataclass
class ItemStats:
    item: str
    n: int
    difficulty: float
    point_biserial: float | None
    upper_lower: float | None
    flags: list[str] = field(default_factory=list)


def item_analysis(scores: Mapping[str, Mapping[str, float]], points: Mapping[str, float]) -> list[ItemStats]:
    """Item statistics for one module.

    scores: {learner: {item: points earned}}; points: {item: maximum points}. Every learner must have
    a score for every item (a graded submission has one for each graded cell).
    """
    learners = sorted(scores)
    items = list(points)
    for learner in learners:
        missing = [i for i in items if i not in scores[learner]]
        if missing:
            raise ValueError(f"{learner} has no score for {', '.join(missing)}")
    totals = [sum(scores[lr][i] for i in items) for lr in learners]
    results = []
    for item in items:
        if points[item] <= 0:
            continue
        proportions = [scores[lr][item] / points[item] for lr in learners]
        rest = [total - scores[lr][item] for total, lr in zip(totals, learners, strict=True)]
        if not proportions:
            continue
        p = difficulty(proportions)
        r = point_biserial(proportions, rest)
        d = upper_lower_index(proportions, totals)
        results.append(ItemStats(item, len(learners), p, r, d, flags(p, r)))
    return results


def mastery(scores: Mapping[str, Mapping[str, float]], points: Mapping[str, float],
            objective_of: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """Per learner, the share of each objective's points earned: {learner: {objective: 0.0-1.0}}."""
    result: dict[str, dict[str, float]] = {}
    for learner, earned in scores.items():
        totals: dict[str, list[float]] = {}
        for item, got in earned.items():
            objective = objective_of.get(item)
            if objective is None or points.get(item, 0) <= 0:
                continue
            pair = totals.setdefault(objective, [0.0, 0.0])
            pair[0] += got
            pair[1] += points[item]
        result[learner] = {o: got / out_of for o, (got, out_of) in totals.items()}
    return result


def below_threshold(mastery_by_learner: Mapping[str, Mapping[str, float]], threshold: float) -> dict[str, list[str]]:
    """Learners with at least one objective below the threshold, and which objectives."""
    if not 0 < threshold <= 1:
        raise ValueError(f"the mastery threshold must be between 0 and 1, got {threshold}")
    out = {}
    for learner, by_objective in sorted(mastery_by_learner.items()):
        low = sorted(o for o, value in by_objective.items() if value < threshold - 1e-9)
        if low:
            out[learner] = low
    return out


BANDS = [(0.0, 0.5, "below 50%"), (0.5, 0.7, "50-69%"), (0.7, 0.8, "70-79%"), (0.8, 1.0, "80-100%")]


def score_bands(proportions: Sequence[float]) -> dict[str, int]:
    """How many learners fall in each score band (the last band includes 100%)."""
    counts = {label: 0 for _, _, label in BANDS}
    for value in proportions:
        for low, high, label in BANDS:
            if low <= value < high or (label == BANDS[-1][2] and value >= low):
                counts[label] += 1
                break
    return counts


def summary(values: Sequence[float]) -> dict[str, float]:
    """Mean, median, minimum and maximum."""
    if not values:
        raise ValueError("summary of no values")
    return {"n": len(values), "mean": mean(values), "median": statistics.median(values),
            "min": min(values), "max": max(values)}
