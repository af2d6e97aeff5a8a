"""Reading written feedback for anything of the answer key (shared by the round trip, the demo and the
feedback tests), and reading the learner's page as a reader sees it, one question at a time.

A page gives the key away if it shows a marker of a hidden region, a word only mark schemes use, any line
of any module's hidden tests or mark scheme, or any module's solution line that the learner did not type
themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# -- The learner's page, as a reader sees it -------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
FEEDBACK_FIXTURE = ROOT / "tests" / "fixtures" / "feedback-page" / "source"
FEEDBACK_MODULE = "01-feedback-module"
WRITTEN_ID = "q6_written_both"
# What the learner typed after `qN_answer =`: right, wrong, right (its check gives no explanation), left
# unanswered, and an unquoted numeral (not a value Python can read).
TYPED = {"q1_answer": '"B"', "q2_answer": '"II"', "q3_answer": "52.5", "q5_answer": "II"}
WRITTEN = ("Each condition can keep the other going.\n\n"
           "If only the drinking is treated, her low mood can pull her back to it.")
TRAINER_SCORE = 1.5
TRAINER_COMMENT = "You explained the two-way link well.\n\nNext time, say that neither condition has to wait."


@dataclass
class PageQuestion:
    number: int
    wording: str
    options: list[str]
    fields: dict[str, str]  # "Your answer", "Result", "Points"
    why: str | None
    source: str | None
    comment: str | None
    text: str


def _after_heading(section, title: str):
    heading = section.find("h3", string=title)
    return heading.find_next_sibling() if heading else None


def questions_on_page(page: str) -> dict[int, PageQuestion]:
    """Each question section of a feedback page, read as text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    found = {}
    for section in soup.find_all("section"):
        heading = section.find("h2")
        match = re.fullmatch(r"Question (\d+)", heading.get_text(strip=True)) if heading else None
        if not match:
            continue
        wording = section.find(class_="wording")
        terms = section.find_all("dt")
        why, comment = _after_heading(section, "Why"), _after_heading(section, "Your trainer's comment")
        source = section.find(class_="source")
        found[int(match[1])] = PageQuestion(
            number=int(match[1]),
            wording=" ".join(wording.get_text().split()) if wording else "",
            options=[" ".join(li.get_text().split()) for li in wording.find_all("li")] if wording else [],
            fields={dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in terms},
            why=why.get_text(" ", strip=True) if why else None,
            source=source.get_text(" ", strip=True) if source else None,
            comment=comment.get_text("\n", strip=True) if comment else None,
            text=section.get_text(" ", strip=True))
    return found


def _submit(course, learner: str) -> None:
    """The learner's answers, typed into the released notebook and placed where `nbgrader collect` puts them."""
    import nbformat

    release = course.root / "release" / FEEDBACK_MODULE / f"{FEEDBACK_MODULE}.ipynb"
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        for variable, typed in TYPED.items():
            if cell.cell_type == "code" and cell.source.lstrip().startswith(f"{variable} ="):
                cell.source = f"{variable} = {typed}"
        if cell.metadata.get("curriculum", {}).get("written_answer") == WRITTEN_ID:
            cell.source = WRITTEN
    folder = course.root / "submitted" / learner / FEEDBACK_MODULE
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{FEEDBACK_MODULE}.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")


def feedback_before_and_after_marking(root: Path, learner: str = "ana.answers") -> dict[str, Path]:
    """A throwaway course on the feedback fixture: nbgrader generates and autogrades one learner's module and
    writes their feedback ("waiting"); the trainer marks the written answer and comments on it, as the
    formgrader stores them, and the feedback is written again ("marked")."""
    import shutil

    from widgets.trainer.nbgrader_course import Course

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(FEEDBACK_FIXTURE, root / "source")
    (root / ".exchange").mkdir()
    course = Course.open(root)
    api = course.api()
    assert api.generate_assignment(FEEDBACK_MODULE, force=True, create=True)["success"]
    _submit(course, learner)
    result = api.autograde(FEEDBACK_MODULE, learner, force=True, create=True)
    assert result["success"], result
    page = course.root / "feedback" / learner / FEEDBACK_MODULE / f"{FEEDBACK_MODULE}.html"
    pages = {}
    for step in ("waiting", "marked"):
        if step == "marked":
            with course.gradebook() as gb:
                gb.find_grade(WRITTEN_ID, FEEDBACK_MODULE, FEEDBACK_MODULE, learner).manual_score = TRAINER_SCORE
                gb.find_comment(WRITTEN_ID, FEEDBACK_MODULE, FEEDBACK_MODULE, learner).manual_comment = \
                    TRAINER_COMMENT
                gb.db.commit()
        result = api.generate_feedback(FEEDBACK_MODULE, learner, force=True)
        assert result["success"], result
        pages[step] = root / f"{step}.html"
        shutil.copy(page, pages[step])
    pages["written"] = page
    pages["submitted"] = course.root / "submitted" / learner / FEEDBACK_MODULE / f"{FEEDBACK_MODULE}.ipynb"
    return pages
