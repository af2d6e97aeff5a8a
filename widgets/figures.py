"""Figures every learner can use: a colour-blind-safe palette and a text alternative beside every chart.

A chart is shown as an HTML <figure>: the picture with a short `alt`, and the full text alternative as a
visible caption (screen readers and people who prefer text get the same facts as the picture). Pictures
are SVG, so they stay sharp when a learner zooms in.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # figures are rendered to files here; no GUI backend is ever needed
import matplotlib.pyplot as plt  # noqa: E402

# Okabe & Ito (2008) colour-universal-design palette: distinguishable with every common colour-vision
# deficiency. Pair colour with a second cue (hatching, markers, labels) wherever it carries meaning.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
SEQUENCE = [PALETTE[name] for name in ("blue", "orange", "bluish green", "vermillion", "reddish purple",
                                       "sky blue", "yellow", "black")]
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "oo", "--"]

FONT_SIZE = 11
# Every chart of the course is lettered at a size readable at normal zoom, including text added after the
# figure is made (labels, annotations), so the size is set for the whole kernel, not per figure.
matplotlib.rcParams["font.size"] = FONT_SIZE
# Text drawn as outlines looks the same on every machine, whatever fonts it has; a fixed salt makes the
# same chart the same SVG each time.
matplotlib.rcParams["svg.fonttype"] = "path"
matplotlib.rcParams["svg.hashsalt"] = "course-figure"


def new_figure(width: float = 7.5, height: float = 4.0, axes: bool = True):
    """A figure sized to be readable at normal zoom: `(figure, axes)`, or the bare figure with axes=False."""
    if not axes:
        return plt.figure(figsize=(width, height), dpi=100)
    return plt.subplots(figsize=(width, height), dpi=100)


@dataclass
class AccessibleFigure:
    """A rendered chart with its text alternative. Displays as HTML; `alt_text` is for tests and reports."""

    svg: bytes
    title: str
    alt_text: str

    @classmethod
    def from_matplotlib(cls, fig, title: str, alt_text: str) -> AccessibleFigure:
        buffer = io.BytesIO()
        # A tight box takes in whatever sticks out of the axes (legends below, labels beside).
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        plt.close(fig)
        return cls(svg=buffer.getvalue(), title=title, alt_text=alt_text)

    def to_html(self) -> str:
        data = base64.b64encode(self.svg).decode("ascii")
        return (
            '<figure class="course-figure" style="margin:0.5em 0">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.title)}" '
            'style="max-width:100%;height:auto">'
            '<figcaption style="font-size:0.95em;max-width:48em">'
            f"<strong>Text description:</strong> {html.escape(self.alt_text)}</figcaption></figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"{self.title}. {self.alt_text}"
