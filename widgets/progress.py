"""Repeated PHQ-9 or GAD-7 totals read as a trajectory across the instrument's severity bands.

The bands are the scoring tables in widgets.instruments (one source of truth with widgets.screening);
this module adds no threshold of its own. `trajectory` checks the scores once and says where a score moved
into another band and whether that band is worse (`band_changes` gives just those moves); `draw_trajectory`
draws a Trajectory on the shaded bands, and `progress_chart` does both in one call.

A PHQ-9 total hides item 9 (thoughts of death or self-harm), which is judged on its own: `reminder` gives
the sentence every PHQ-9 trajectory is shown with, so a falling total is never read as "no risk".

    >>> [c.to_band for c in band_changes("phq9", [8, 12, 11])]
    ['moderate']
    >>> moves = trajectory("gad7", [12, 8], weeks=[1, 4]).changes
    >>> [(c.from_week, c.to_week, c.to_band, c.worse) for c in moves]
    [(1, 4, 'mild', False)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt

from widgets.figures import FONT_SIZE, PALETTE, AccessibleFigure, new_figure
from widgets.instruments import Instrument, instrument

PROGRESS_INSTRUMENTS = ("phq9", "gad7")
# Section 14.1: item 9 is judged on its own, whatever the total; the steps are those of widgets.screening.
ITEM9_REMINDER = ("A PHQ-9 total does not show item 9 (thoughts of death or self-harm). Read item 9 on every week's "
                  "form: any answer above 0 needs the safety step that day (ask the C-SSRS screener questions, tell "
                  "your supervisor and follow your agency's safety procedure, the 988 Suicide & Crisis Lifeline, 911 "
                  "if the client is in immediate danger), whatever the total.")
# Light greys, darker for worse bands; each band is also named on the chart, so shade is never the only cue.
BAND_SHADES = ("#f7f7f7", "#e3e3e3", "#cfcfcf", "#bbbbbb", "#a7a7a7")


@dataclass(frozen=True)
class BandChange:
    from_week: int
    to_week: int
    from_score: int
    to_score: int
    from_band: str
    to_band: str
    worse: bool  # True when the new band is more severe


def _checked(instrument_key: str, scores: Sequence, weeks: Sequence | None):
    if instrument_key not in PROGRESS_INSTRUMENTS:
        raise ValueError(f"progress: instrument must be one of {', '.join(PROGRESS_INSTRUMENTS)}; "
                         f"got {instrument_key!r}")
    spec = instrument(instrument_key)
    if isinstance(scores, (str, bytes)) or not isinstance(scores, Sequence):
        raise ValueError(f"{instrument_key}: give the scores as a list of totals, one per week")
    for position, value in enumerate(scores, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= spec.max_total:
            raise ValueError(f"{instrument_key}: score {position} must be a whole number from 0 to "
                             f"{spec.max_total}; got {value!r}")
    weeks = list(range(1, len(scores) + 1)) if weeks is None else list(weeks)
    if len(weeks) != len(scores) or any(b <= a for a, b in zip(weeks, weeks[1:], strict=False)):
        raise ValueError(f"{instrument_key}: weeks must be increasing, one for each score")
    return spec, list(scores), weeks


def reminder(instrument_key: str) -> str:
    """What a trajectory of totals cannot show, said beside it ("" when there is nothing to add)."""
    return ITEM9_REMINDER if instrument_key == "phq9" else ""


@dataclass(frozen=True)
class Trajectory:
    """Checked weekly totals of one instrument and the band moves between them."""

    spec: Instrument
    scores: tuple[int, ...]
    weeks: tuple[int, ...]
    changes: tuple[BandChange, ...]

    @property
    def description(self) -> str:
        """The scores and band moves in words: the chart's text alternative."""
        spec = self.spec
        if not self.scores:
            return f"No {spec.name} scores yet."
        listed = "; ".join(f"week {w}: {s} ({spec.band_for(s).name})"
                           for w, s in zip(self.weeks, self.scores, strict=True))
        moves = [f"week {c.from_week} to {c.to_week}: {c.from_band} to {c.to_band} "
                 f"({'worse' if c.worse else 'better'})" for c in self.changes]
        bands = ", ".join(f"{b.name} {b.low}-{b.high}" for b in spec.bands)
        attribution = f" The bands are {spec.bands[0].reported_by}." if spec.bands[0].reported_by else ""
        return (f"{spec.name} totals by week on the severity bands ({bands}).{attribution} Scores: {listed}. "
                + (f"Band moves: {'; '.join(moves)}." if moves else "No band moves."))


def trajectory(instrument_key: str, scores: Sequence[int], weeks: Sequence[int] | None = None) -> Trajectory:
    """Check the scores (weeks default to 1, 2, 3 ...) and find each move from one band to another between
    consecutive scores."""
    spec, scores, weeks = _checked(instrument_key, scores, weeks)
    changes = []
    for (w1, s1), (w2, s2) in zip(zip(weeks, scores, strict=True), zip(weeks[1:], scores[1:], strict=True),
                                  strict=False):
        b1, b2 = spec.band_for(s1), spec.band_for(s2)
        if b1 != b2:
            worse = spec.band_index(b2.name) > spec.band_index(b1.name)
            changes.append(BandChange(w1, w2, s1, s2, b1.name, b2.name, worse))
    return Trajectory(spec, tuple(scores), tuple(weeks), tuple(changes))


def band_changes(instrument_key: str, scores: Sequence[int], weeks: Sequence[int] | None = None) -> list[BandChange]:
    """Each move from one band to another between consecutive scores (weeks default to 1, 2, 3 ...)."""
    return list(trajectory(instrument_key, scores, weeks).changes)


def describe(instrument_key: str, scores: Sequence[int], weeks: Sequence[int] | None = None) -> str:
    """The scores and band moves in words: the chart's text alternative."""
    return trajectory(instrument_key, scores, weeks).description


def progress_chart(instrument_key: str, scores: Sequence[int], weeks: Sequence[int] | None = None,
                   title: str | None = None) -> AccessibleFigure:
    """Check the scores and draw them (see draw_trajectory)."""
    return draw_trajectory(trajectory(instrument_key, scores, weeks), title)


def draw_trajectory(result: Trajectory, title: str | None = None) -> AccessibleFigure:
    """The scores as a line on the instrument's shaded bands; a move into a worse band gets a labelled marker."""
    spec, scores, weeks = result.spec, list(result.scores), list(result.weeks)
    title = title or f"{spec.name} scores by week"
    with plt.rc_context({"font.size": FONT_SIZE}):
        fig, ax = new_figure(8.5, 4.8)
        right = (weeks[-1] if weeks else 1) + 0.6
        for index, band in enumerate(spec.bands):
            ax.axhspan(band.low - 0.5, band.high + 0.5, color=BAND_SHADES[index % len(BAND_SHADES)], zorder=0)
            ax.text(1.01, (band.low + band.high) / 2, f"{band.name} ({band.low}-{band.high})", va="center",
                    transform=ax.get_yaxis_transform())
            if index:
                ax.axhline(band.low - 0.5, color="#777777", linewidth=0.8, zorder=1)
        if scores:
            ax.plot(weeks, scores, marker="o", markersize=8, color=PALETTE["blue"], linewidth=2, zorder=3,
                    label="score")
            for week, value in zip(weeks, scores, strict=True):
                ax.annotate(str(value), (week, value), xytext=(0, 9), textcoords="offset points", ha="center")
            worse = [c for c in result.changes if c.worse]
            if worse:
                ax.plot([c.to_week for c in worse], [c.to_score for c in worse], linestyle="none", marker="^",
                        markersize=15, markerfacecolor="none", markeredgecolor=PALETTE["vermillion"],
                        markeredgewidth=2.5, zorder=4, label="moved into a worse band")
                for change in worse:
                    ax.annotate(f"into {change.to_band}", (change.to_week, change.to_score), xytext=(0, -22),
                                textcoords="offset points", ha="center", fontweight="bold",
                                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
            ax.legend(loc="upper left", fontsize=FONT_SIZE - 1)
        ax.set_xlim(min(weeks, default=1) - 0.6, right)
        ax.set_ylim(-0.5, spec.max_total + 0.5)
        ax.set_yticks([band.low for band in spec.bands] + [spec.max_total])
        ax.set_xticks(weeks)
        ax.set_xlabel("Week")
        ax.set_ylabel(f"{spec.name} total")
        ax.set_title(title)
    return AccessibleFigure.from_matplotlib(fig, title, result.description)
