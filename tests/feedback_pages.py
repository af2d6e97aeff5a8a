"""Reading written feedback for anything of the answer key: shared by the round trip, the demo and the
feedback tests.

A page gives the key away if it shows a marker of a hidden region, a word only mark schemes use, any line
of any module's hidden tests or mark scheme, or any module's solution line that the learner did not type
themselves.
"""

from __future__ import annotations

from pathlib import Path

from widgets.trainer.feedback import answer_key_text, leaks, own_answers, readings

# Never in a learner's feedback: region markers, the hidden marking call, and the words the course's mark
# schemes are written with (no learner-facing text uses them).
FORBIDDEN = ("BEGIN MARK SCHEME", "END MARK SCHEME", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION",
             "END SOLUTION", "expect(", "Rubric", "Common gaps", "Feedback tip")


def instructor_notebooks(source: Path) -> list[Path]:
    """Every instructor notebook under source/ (or under one module's folder)."""
    return sorted(p for p in source.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def key_in_page(page: Path, source: Path, submitted_notebook: Path | None = None) -> list[str]:
    """What of the key of the modules under `source` a feedback page shows; [] when nothing."""
    html = page.read_text(encoding="utf-8")
    text = readings(html)
    found = [f"{word!r}" for word in FORBIDDEN if word in text]
    key = answer_key_text(instructor_notebooks(source))
    own = own_answers(submitted_notebook) if submitted_notebook else ""
    return found + leaks(html, key, own)


def pages_giving_the_key_away(pages: list[tuple[Path, Path | None]], source: Path) -> dict[str, list[str]]:
    """{page: what it shows} for each (page, the learner's submitted notebook) that shows part of the key of
    any module under `source` (the course's source/ folder)."""
    found = {}
    for page, submitted in pages:
        problems = key_in_page(page, source, submitted)
        if problems:
            found[str(page)] = problems
    return found
