"""A written plan as a widget: its check, the plan as the client would see it, and a Save as PDF button.

The learner writes the plan as a dict in a code cell and passes it here. The view asks the model
(widgets.plans) once: the check's problems go into a live region (role="status", aria-live="polite") so a
screen reader announces them, the plan is shown as its one-page HTML, and the labelled Save as PDF button
(Tab reaches it; Space or Enter presses it) writes <client>-<kind>.pdf into the notebook's folder and says
where, in the same live region.

    from widgets.plans_view import plan_builder
    plan_builder("relapse-prevention", relapse_plan)
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from widgets.plans import PlanCheck, check, load_kind, pdf_name, render_html, render_pdf


def _status(paragraphs: list[str], items: list[str] = ()) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if items:
        body += "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"
    return f'<div role="status" aria-live="polite">{body}</div>'


def check_summary(result: PlanCheck) -> tuple[str, list[str]]:
    if result.ok:
        return "\u2713 The plan has every part it needs.", []
    count = len(result.problems)
    return f"\u2717 {count} thing{'s' if count > 1 else ''} to fix before this plan is complete:", result.problems


class PlanBuilder(w.VBox):
    """The check (live region), the rendered plan and a Save as PDF button for one plan dict."""

    def __init__(self, kind: str, plan, folder=None, **kwargs):
        self.kind, self.plan = kind, plan
        self.folder = Path.cwd() if folder is None else Path(folder)
        self.spec = load_kind(kind)
        self.result = check(kind, plan)
        self.status = w.HTML(_status(*self._summary()))
        self.page = w.HTML(render_html(kind, plan))
        self.save_button = w.Button(description="Save as PDF", icon="file-pdf",
                                    tooltip=f"Save this {self.spec.title.lower()} as a one-page PDF in this folder")
        self.save_button.on_click(lambda _: self.save())
        heading = w.HTML(f"<p><em>Not graded. Edit the plan in the cell above and run it again to check it; "
                         f"{html.escape(self.spec.notice)}</em></p>")
        super().__init__([heading, self.status, self.page, self.save_button], **kwargs)

    def _summary(self) -> tuple[list[str], list[str]]:
        first, items = check_summary(self.result)
        return [first], items

    def save(self) -> Path | None:
        target = self.folder / pdf_name(self.kind, self.plan)
        paragraphs, items = self._summary()
        try:
            render_pdf(self.kind, self.plan, target)
        except (OSError, ValueError) as error:
            self.status.value = _status([f"The PDF could not be saved: {error}", *paragraphs], items)
            return None
        saved = f"Saved as {target.name} in {target.parent}."
        if not self.result.ok:
            saved += " It still has the problems listed below."
        self.status.value = _status([saved, *paragraphs], items)
        return target


def plan_builder(kind: str, plan, folder=None) -> PlanBuilder:
    """Show the plan's check, the plan and a Save as PDF button: put this call on the last line of a cell."""
    return PlanBuilder(kind, plan, folder)
