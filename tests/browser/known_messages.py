"""What the browser tests accept from JupyterLab itself, each entry explained, in one place.

Anything not listed here fails a test: console errors from our content, and serious or critical
accessibility violations inside our cells and outputs.
"""

from __future__ import annotations

import re

# Browser-console messages (type "error" and uncaught page errors) that JupyterLab, its extensions or
# the test set-up produce on their own. Each is matched as a regular expression against the message.
KNOWN_CONSOLE_MESSAGES: dict[str, str] = {
    # The test server runs without internet: JupyterLab's and nbgrader's optional look-ups of remote
    # resources fail to load. Nothing in the course depends on them.
    r"Failed to load resource: net::ERR_(CONNECTION_REFUSED|NAME_NOT_RESOLVED|INTERNET_DISCONNECTED)":
        "an optional remote look-up, refused offline",
    # JupyterLab asks the server for the language-server list and for translations on start-up; a
    # server without jupyter-lsp language servers or language packs answers 404.
    r"Failed to load resource: the server responded with a status of 404 \(Not Found\)":
        "optional JupyterLab resources (language servers, language packs, favicon) absent by design",
}

# Accessibility rules that axe reports in JupyterLab's own interface (menus, side bars, tool bars,
# cell prompts and editors), outside our cells' content. They are listed by the tests, not failed on,
# and each one is explained. A serious or critical rule missing from here fails the chrome test, so a
# new problem in JupyterLab's interface is seen and explained rather than ignored.
KNOWN_CHROME_RULES: dict[str, str] = {}


def unexpected_console_messages(messages: list[str]) -> list[str]:
    patterns = [re.compile(pattern) for pattern in KNOWN_CONSOLE_MESSAGES]
    return [m for m in messages if not any(p.search(m) for p in patterns)]
