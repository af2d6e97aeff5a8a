"""The four-quadrant model: place a client by mental-health and substance-use severity, and chart clients.

TIP 42 (2005), Figure 2-1 "Level of Care Quadrants" [T42-05-FIG21] defines the quadrants by low versus
high severity of each disorder; this module invents no severity scale beyond "low" and "high".

`place` is the model; `draw_placements` charts clients already placed, so a view places each client once
(`quadrant_chart` places and charts in one call).

    >>> place("high", "low").quadrant
    'II'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from widgets.figures import FONT_SIZE, PALETTE, SEQUENCE, AccessibleFigure, new_figure

SEVERITIES = ("low", "high")
SOURCE = "T42-05-FIG21"
SEVERITY_NOT_DIAGNOSIS = ("Reported by a column on the quadrant model in Psychiatric Services (2008): the quadrants are based on severity, not on "
                          "specific diagnoses; severity was understood as dysfunction in psychological, cognitive, "
                          "social and job performance.")


@dataclass(frozen=True)
class Quadrant:
    numeral: str
    mental_health: str  # "low" or "high"
    substance_use: str
    description: str  # the figure's own description of who is in the quadrant
    setting: str  # the typical service setting, as the figure gives it
    short_setting: str  # a few words for the chart
    subgroups: tuple[str, ...] = ()


QUADRANTS = {
    "I": Quadrant(
        "I", "low", "low", "low-severity substance use and low-severity mental disorder",
        "intermediate outpatient mental health or chemical dependency programs, with consultation or "
        "collaboration as needed; some are managed in primary care",
        "outpatient mental health\nor SUD programs; some\nin primary care"),
    "II": Quadrant(
        "II", "high", "low", "high-severity mental disorder with low-severity SUD (for example, in remission)",
        "usually the mental health system, through intermediate-level programs with integrated case management",
        "mental health system,\nintegrated case\nmanagement"),
    "III": Quadrant(
        "III", "low", "high", "severe SUD with low- or moderate-severity mental disorder",
        "usually intermediate-level substance abuse programs, sometimes coordinated with mental health programs",
        "substance abuse\nprograms, sometimes\nwith mental health"),
    "IV": Quadrant(
        "IV", "high", "high", "two subgroups, each needing intensive, comprehensive, integrated services",
        "intensive, comprehensive, integrated services",
        "intensive,\ncomprehensive,\nintegrated services",
        subgroups=("serious and persistent mental illness (SPMI) with severe, unstable SUD",
                   "severe, unstable SUD with severe, unstable behavioral problems (for example violence or "
                   "suicidality) that do not yet meet SPMI criteria")),
}


@dataclass(frozen=True)
class Placement:
    quadrant: str
    mental_health: str
    substance_use: str
    setting: str
    subgroups: tuple[str, ...]
    source: str
    text: str


def _severity(name: str, value) -> str:
    normal = value.strip().lower() if isinstance(value, str) else value
    if normal not in SEVERITIES:
        raise ValueError(f"quadrant: {name} severity must be \"low\" or \"high\"; got {value!r}")
    return normal


def place(mh_severity: str, su_severity: str) -> Placement:
    """The quadrant for a mental-health severity and a substance-use severity, each "low" or "high"."""
    mh, su = _severity("mental-health", mh_severity), _severity("substance-use", su_severity)
    quadrant = next(q for q in QUADRANTS.values() if (q.mental_health, q.substance_use) == (mh, su))
    text = f"Quadrant {quadrant.numeral}: {mh} mental-health severity, {su} substance-use severity. "
    if quadrant.subgroups:
        # Figure 2-1 describes quadrant IV only by its two subgroups; "high and high" is this tool's grid.
        listed = "; ".join(f"({letter}) {s}" for letter, s in zip("ab", quadrant.subgroups, strict=True))
        text += (f"TIP 42 (2005), Figure 2-1 describes quadrant IV by two subgroups: {listed}. Both need intensive, "
                 "comprehensive, integrated services.")
    else:
        text += (f"TIP 42 (2005), Figure 2-1 describes it as {quadrant.description}; "
                 f"typical setting: {quadrant.setting}.")
    return Placement(quadrant.numeral, mh, su, quadrant.setting, quadrant.subgroups, SOURCE, text)


MAX_PER_QUADRANT = 8  # two columns of four names fit in a cell
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
# Where each quadrant sits on the chart: x = substance-use severity, y = mental-health severity.
_CELL = {"I": (0, 0), "II": (0, 1), "III": (1, 0), "IV": (1, 1)}


def quadrant_chart(clients: Iterable[tuple[str, str, str]],
                   title: str = "Clients in the four quadrants") -> AccessibleFigure:
    """Place named clients, each (name, mental-health severity, substance-use severity), and chart them."""
    return draw_placements([(str(name), place(mh, su)) for name, mh, su in clients], title)


def draw_placements(placed: Sequence[tuple[str, Placement]],
                    title: str = "Clients in the four quadrants") -> AccessibleFigure:
    """Chart clients already placed, each (name, Placement); an AccessibleFigure. A ValueError when more
    clients share a quadrant than its cell can show."""
    for numeral in QUADRANTS:
        if sum(p.quadrant == numeral for _, p in placed) > MAX_PER_QUADRANT:
            raise ValueError(f"quadrant chart: at most {MAX_PER_QUADRANT} clients fit in quadrant {numeral}")
    with plt.rc_context({"font.size": FONT_SIZE}):
        fig, ax = new_figure(8.0, 7.0)
        for numeral, (col, row) in _CELL.items():
            ax.add_patch(Rectangle((col, row), 1, 1, facecolor="white", edgecolor=PALETTE["black"], linewidth=1.5))
            ax.text(col + 0.05, row + 0.93, f"Quadrant {numeral}", fontweight="bold", va="top")
            ax.text(col + 0.05, row + 0.83, QUADRANTS[numeral].short_setting, va="top", fontsize=FONT_SIZE - 1,
                    color="#333333")
        slots: dict[str, int] = {}
        for index, (name, placement) in enumerate(placed):
            col, row = _CELL[placement.quadrant]
            slot = slots.get(placement.quadrant, 0)
            slots[placement.quadrant] = slot + 1
            x, y = col + 0.12 + 0.45 * (slot % 2), row + 0.40 - 0.12 * (slot // 2)
            ax.plot(x, y, marker=MARKERS[index % len(MARKERS)], markersize=11, linestyle="none",
                    color=SEQUENCE[index % len(SEQUENCE)], markeredgecolor=PALETTE["black"])
            ax.annotate(name, (x, y), xytext=(9, 0), textcoords="offset points", va="center")
        ax.set_xlim(0, 2)
        ax.set_ylim(0, 2)
        ax.set_xticks([0.5, 1.5], ["low", "high"])
        ax.set_yticks([0.5, 1.5], ["low", "high"])
        ax.set_xlabel("Substance-use severity")
        ax.set_ylabel("Mental-health severity")
        ax.set_title(title)
        ax.set_aspect("equal")
    lines = [f"{name}: quadrant {p.quadrant} ({p.mental_health} mental-health, {p.substance_use} "
             f"substance-use severity)" for name, p in placed]
    alt = ("Four-quadrant grid (quadrants as in TIP 42, 2005, Figure 2-1; this chart's layout): substance-use "
           "severity low to high from left to right, "
           "mental-health severity low to high from bottom to top. "
           + ("; ".join(lines) + "." if lines else "No clients placed yet."))
    return AccessibleFigure.from_matplotlib(fig, title, alt)
