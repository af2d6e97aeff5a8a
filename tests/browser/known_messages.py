"""What the browser tests accept from JupyterLab itself, each entry explained, in one place.

Anything not listed here fails a test: console errors from our content, and serious or critical
accessibility violations inside our cells and outputs.
"""

from __future__ import annotations

import re

# Browser-console messages (type "error" and uncaught page errors) that JupyterLab, its extensions or
# the test set-up produce on their own. Each is matched as a regular expression against the message.
KNOWN_CONSOLE_MESSAGES: dict[str, str] = {
    # formgrader's grading page loads MathJax from a public CDN; offline the script is absent and the
    # page's own start-up code then reports it. Grading works without it (the course has no equations).
    r"^page error: MathJax is not defined": "formgrader without its CDN-hosted MathJax",
    r"^Failed to load resource: net::ERR_[A-Z_]+ \[https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/":
        "the same MathJax script, refused offline (reported or not, depending on timing)",
}

# Accessibility rules that axe reports in JupyterLab's own interface (menus, side bars, tool bars,
# cell prompts and editors), outside our cells' content. They are listed by the tests, not failed on,
# and each one is explained. A serious or critical rule missing from here fails the chrome test, so a
# new problem in JupyterLab's interface is seen and explained rather than ignored.
KNOWN_CHROME_RULES: dict[str, str] = {
    "aria-allowed-attr":
        "JupyterLab's toolbar buttons (the jp-button web component, also used for nbgrader's Validate and "
        "the file browser's Upload) carry aria-pressed='false' although they are not toggle buttons; "
        "screen readers announce them as 'not pressed' toggles. JupyterLab's toolkit, not our content.",
    "aria-input-field-name":
        "Each code cell's editor (CodeMirror, role=textbox) has no accessible name in JupyterLab 4.6; a "
        "screen reader says 'edit text' without naming the cell.",
    "aria-required-children":
        "The notebook's cell list has role=feed, whose children should be role=article; JupyterLab's "
        "cells are plain labelled divs.",
    "button-name":
        "The collapse buttons JupyterLab puts beside Markdown headings have no text or label.",
}


def unexpected_console_messages(messages: list[str]) -> list[str]:
    patterns = [re.compile(pattern) for pattern in KNOWN_CONSOLE_MESSAGES]
    return [m for m in messages if not any(p.search(m) for p in patterns)]
