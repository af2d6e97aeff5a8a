"""A learner in headless Chromium on the hub: the hub's login page, then JupyterLab's Assignments panel.

Launched as tests/browser launches it (Debian's /usr/bin/chromium through Playwright; browser downloads
are not possible here). Screenshots of each step go to test-artifacts/hub/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "hub"
SECONDS = 180  # the first server start and the first JupyterLab page on a busy 2-core machine


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class HubBrowserLearner:
    """One learner's browser, open from sign-in to feedback; close() when done."""

    def __init__(self, site, name: str):
        self.site, self.name, self.shots = site, name, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=chromium(), headless=True,
                                                       args=CHROMIUM_ARGS, timeout=60_000)
        self.page = self.browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.set_default_timeout(SECONDS * 1000)

    def shot(self, step: str) -> None:
        self.shots += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.shots:02d}-{step}.png"))

    def sign_in(self) -> None:
        """The hub's login page with the Unix password; the hub starts the server and opens JupyterLab."""
        page = self.page
        page.goto(f"{self.site.url}/hub/login")
        page.fill("#username_input", self.name)
        page.fill("#password_input", self.site.passwords[self.name])
        self.shot("hub-login")
        page.click("#login_submit")
        page.wait_for_url(re.compile(rf"/user/{re.escape(self.name)}/lab"))
        expect(page.locator("#jp-menu-panel")).to_be_visible()
        self.shot("lab")

    def open_assignments(self) -> None:
        page = self.page
        page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-assignment-list"]').click()
        expect(page.locator("#released_assignments_list_loading")).to_be_hidden()
        expect(page.locator("#fetched_assignments_list_loading")).to_be_hidden()

    def fetch_and_submit(self, module: str) -> None:
        page = self.page
        self.open_assignments()
        released = page.locator("#released_assignments_list > .list_item", has_text=module)
        expect(released).to_have_count(1)
        self.shot("assignments-released")
        released.locator(".item_status button").click()
        fetched = page.locator("#fetched_assignments_list > .list_item", has_text=module)
        expect(fetched).to_have_count(1)
        fetched.get_by_role("button", name="Submit").click()
        # Nothing is answered: the course's Submit warns first; the learner submits anyway.
        warning = page.locator(".jp-Dialog").filter(has=page.locator(".jp-Dialog-header", has_text="Submit"))
        expect(warning).to_be_visible()
        self.shot("submit-warning")
        warning.get_by_role("button", name="Submit anyway").click()
        done = page.locator(".jp-Dialog").filter(has=page.locator(".jp-Dialog-header", has_text="Submitted"))
        expect(done).to_be_visible()
        self.shot("submitted")
        done.get_by_role("button", name="OK").click()
        expect(page.locator("#submitted_assignments_list > .list_item", has_text=module)).to_have_count(1)

    def fetch_feedback(self, module: str) -> str:
        """Fetch Feedback, then "(view feedback)" from the keyboard: the text of the feedback page, which
        opens in a JupyterLab tab."""
        page = self.page
        page.locator("#refresh_assignments_list").click()
        expect(page.locator("#submitted_assignments_list_loading")).to_be_hidden()
        submitted = page.locator("#submitted_assignments_list > .list_item", has_text=module)
        submitted.get_by_role("button", name="Fetch Feedback").click()
        link = submitted.get_by_role("link", name=re.compile("view feedback"))
        expect(link).to_have_count(1)
        self.shot("feedback-fetched")
        link.focus()
        page.keyboard.press("Enter")
        body = page.frame_locator(".jp-HTMLViewer:visible iframe").locator("body")
        expect(body).to_contain_text("Your score:")
        self.shot("feedback-page")
        return body.inner_text()

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()
