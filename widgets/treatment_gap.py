"""Module 1's treatment-gap chart: what care US adults with co-occurring disorders received.

The figures are data, each with its source key and status in the clinical reference:

- HAN-HA [P, abstract]: 2008-2014 NSDUH, Han et al., Health Affairs 2017. 52.5% received neither mental
  health nor substance use disorder care and 9.1% received both. The abstract does not give "one kind
  only"; it is computed here as 100 - 52.5 - 9.1 and labelled as computed.
- MAGNUS-2025 [S]: 2023 figures reported by a 2025 conference abstract (not a SAMHSA report). Shown only
  as a second, attributed bar, never as settled fact.

The 2018/2019 "48.6%" figures are a CONFLICT in the reference and are deliberately not used.

Each bar carries its full reference, as the reference gives it (authors, title, journal, year; the reference
gives no volume or pages for either), and the text alternative ends with them.

In a notebook:

    from widgets.treatment_gap import treatment_gap_chart
    treatment_gap_chart()
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.figures import HATCHES, PALETTE, AccessibleFigure, new_figure


@dataclass(frozen=True)
class Segment:
    label: str
    percent: float
    colour: str
    hatch: str
    note: str = ""  # how the number was obtained, when it was not read in the source


@dataclass(frozen=True)
class Bar:
    label: str  # the y-axis label, attribution included
    description: str  # how the text alternative introduces the bar
    source_key: str
    settled: bool  # False for figures the reference marks [S]: shown with attribution, not as fact
    segments: tuple[Segment, ...]
    citation: str  # the full reference, as the clinical reference gives it


NEITHER = ("Neither kind of care", PALETTE["vermillion"], HATCHES[3])
BOTH = ("Both kinds of care", PALETTE["bluish green"], HATCHES[0])

HAN_NEITHER = 52.5
HAN_BOTH = 9.1


def one_kind_only(neither: float = HAN_NEITHER, both: float = HAN_BOTH) -> float:
    """The share that received one kind of care only: what is left of 100% after neither and both."""
    return round(100 - neither - both, 1)


HAN = Bar(
    label="2008\u20132014\n(Han et al., 2017)",
    description=("Bar 1: adults with co-occurring disorders in the 2008\u20132014 National Survey on Drug Use "
                 "and Health (Han et al., Health Affairs, 2017)"),
    source_key="HAN-HA",
    settled=True,
    segments=(
        Segment(NEITHER[0], HAN_NEITHER, NEITHER[1], NEITHER[2]),
        Segment("One kind only", one_kind_only(), PALETTE["orange"], HATCHES[1],
                note=f"computed as 100 \u2212 {HAN_NEITHER} \u2212 {HAN_BOTH}"),
        Segment(BOTH[0], HAN_BOTH, BOTH[1], BOTH[2]),
    ),
    citation=("Han B, Compton WM, Blanco C, Colpe LJ. \u201cPrevalence, Treatment, And Unmet Treatment Needs Of US "
              "Adults With Mental Health And Substance Use Disorders.\u201d Health Affairs, 2017 (2008\u20132014 "
              "NSDUH data; figures from the abstract)"),
)

REPORTED_2023 = Bar(
    label="2023, reported by a\n2025 conference abstract\n(not settled)",
    description=("Bar 2: adults with co-occurring disorders in 2023, as reported by a 2025 conference abstract "
                 "(a secondary source, not a SAMHSA report; not a settled figure)"),
    source_key="MAGNUS-2025",
    settled=False,
    segments=(
        Segment(NEITHER[0], 53.2, NEITHER[1], NEITHER[2]),
        Segment("Mental health care only", 34.7, PALETTE["sky blue"], HATCHES[2]),
        Segment("Substance use care only", 3.4, PALETTE["yellow"], HATCHES[4]),
        Segment(BOTH[0], 8.7, BOTH[1], BOTH[2]),
    ),
    citation=("Conference abstract, \u201cTrends in Prevalence, Treatment Patterns, and Barriers to Care Among U.S. "
              "Adults With Co-Occurring Mental Disorders and Substance Use Disorders: Findings from 2021\u20132023 "
              "NSDUH\u201d (2025); a secondary source, not a SAMHSA report"),
)

TITLE = "Care received by US adults with co-occurring disorders"


def bars(include_reported: bool = True) -> tuple[Bar, ...]:
    return (HAN, REPORTED_2023) if include_reported else (HAN,)


def _number(percent: float) -> str:
    return f"{percent:g}%"


def alt_text(shown: tuple[Bar, ...]) -> str:
    """The text alternative: every number on the chart, in reading order, with its source and status."""
    parts = [f"Horizontal stacked bar chart: {TITLE.lower().replace('us ', 'US ')}, as a percentage of "
             "adults with co-occurring disorders."]
    for bar in shown:
        pieces = []
        for segment in bar.segments:
            note = f" ({segment.note})" if segment.note else ""
            pieces.append(f"{segment.label.lower()} {_number(segment.percent)}{note}")
        parts.append(f"{bar.description}: " + "; ".join(pieces) + ".")
    parts.append("Sources: " + "; ".join(f"bar {n}: {bar.citation}" for n, bar in enumerate(shown, start=1)) + ".")
    return " ".join(parts)


def treatment_gap_chart(include_reported: bool = True) -> AccessibleFigure:
    """The chart with its text alternative. Colour is never the only cue: each segment is hatched and labelled."""
    shown = bars(include_reported)
    fig, ax = new_figure(width=8.5, height=1.9 + 1.0 * len(shown))
    seen_labels: set[str] = set()
    for index, bar in enumerate(shown):
        y = len(shown) - 1 - index  # the first (settled) bar on top
        left = 0.0
        for segment in bar.segments:
            label = None if segment.label in seen_labels else segment.label
            seen_labels.add(segment.label)
            ax.barh(y, segment.percent, left=left, height=0.6, color=segment.colour, hatch=segment.hatch,
                    edgecolor="black", linewidth=0.8, label=label)
            centre = left + segment.percent / 2
            text = _number(segment.percent) + ("*" if segment.note else "")
            if segment.percent >= 6:
                ax.text(centre, y, text, ha="center", va="center", fontsize=10, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
            else:  # too narrow to hold its label: write it just above the bar
                ax.annotate(text, (centre, y + 0.3), xytext=(0, 8), textcoords="offset points",
                            ha="center", va="bottom", fontsize=9, fontweight="bold",
                            arrowprops={"arrowstyle": "-", "linewidth": 1.0})
            left += segment.percent
    ax.set_yticks([len(shown) - 1 - i for i in range(len(shown))], [bar.label for bar in shown])
    for tick in ax.get_yticklabels():
        settled = any(bar.label == tick.get_text() and bar.settled for bar in shown)
        tick.set_fontstyle("normal" if settled else "italic")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.5, len(shown) - 0.3)
    ax.set_xlabel("Percent of adults with co-occurring disorders\n"
                  f"* {HAN.segments[1].note}: Han et al. report neither and both.", fontsize=10)
    ax.set_title(TITLE, pad=48 if len(shown) > 1 else 30)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return AccessibleFigure.from_matplotlib(fig, title=TITLE, alt_text=alt_text(shown))
