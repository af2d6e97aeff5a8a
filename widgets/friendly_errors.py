"""Plain sentences instead of Python tracebacks for the mistakes a learner makes while typing an answer.

Most learners have never programmed. The commonest slips are an answer without quotes (`q2_answer = B`),
which Python reads as an unknown name, and a stray or missing character (`q2_answer = "B`), which Python
cannot read at all. Either one used to show a red traceback, and then a second one in the check cell
naming the variable the learner did type. Here each becomes one sentence saying what to type.

The cell still fails, so a learner's answer is never silently changed and nbgrader's Validate and
autograder still count the question as unanswered. `install()` is idempotent and does nothing outside
IPython; importing any part of the course's package installs it.
"""

from __future__ import annotations

import re
import sys
import textwrap
import types

ANSWER_LINE = re.compile(r"^\s*(?P<variable>q(?P<number>\d+)\w*?_answer)\s*=\s*(?P<value>.*?)\s*(#.*)?$")
ANSWER_VARIABLE = re.compile(r"^q(?P<number>\d+)\w*_answer$")
_MARKER = "_course_friendly_errors"


def _wrapped(text: str) -> list[str]:
    # Short lines: nbgrader's Validate dialog does not wrap them.
    return textwrap.wrap(f"\u2717 {text}", width=76, subsequent_indent="  ")


def _question(variable: str) -> str:
    match = ANSWER_VARIABLE.match(variable)
    return f"Question {match['number']}" if match else "This answer"


def _answer_line(code: str | None, name: str | None = None) -> re.Match | None:
    """The `qN_answer = ...` line of the cell: the one naming `name`, else the first."""
    lines = [ANSWER_LINE.match(line) for line in (code or "").splitlines()]
    found = [m for m in lines if m]
    if name:
        naming = [m for m in found if re.search(rf"\b{re.escape(name)}\b", m["value"])]
        found = naming or found
    return found[0] if found else None


def name_error_message(name: str, code: str | None) -> str:
    """What to say when Python meets a name it does not know."""
    if ANSWER_VARIABLE.match(name):
        return (f"{_question(name)} has no answer yet, or its answer cell has not been run. Run the answer "
                f"cell above (Shift+Enter), then run this one.")
    line = _answer_line(code, name)
    if line:
        return (f"{_question(line['variable'])}: put the answer in quotes, like this: "
                f"{line['variable']} = \"{name}\". Without quotes Python looks for something called {name}.")
    return (f"Python does not know the name {name!r}. If it is an answer, put it in quotes (\"{name}\"); "
            "otherwise check its spelling, and run the cells above this one first.")


def syntax_error_message(code: str | None, bad_line: str | None) -> str:
    """What to say when Python cannot read a line at all."""
    line = _answer_line(bad_line) or _answer_line(code)
    if line:
        variable = line["variable"]
        return (f"{_question(variable)}: Python cannot read this line: {line.group(0).strip()}  "
                f"An answer looks like {variable} = \"B\" (letters and words in straight quotes, numbers "
                "without quotes, nothing after them).")
    shown = f": {bad_line.strip()}" if bad_line and bad_line.strip() else ""
    return ("Python cannot read a line of this cell" + shown + ". Check for a missing quote or bracket, or "
            "a stray character; to start again, undo your typing with Ctrl+Z.")


def _cell_code(shell) -> str | None:
    history = shell.user_ns.get("_ih") or []
    return history[-1] if history else None


def _on_name_error(shell, etype, value, tb, tb_offset=None):
    name = getattr(value, "name", None) or (re.findall(r"'([^']+)'", str(value)) or ["?"])[0]
    lines = _wrapped(name_error_message(name, _cell_code(shell)))
    shell._showtraceback(etype, value, lines)  # IPython leaves showing it to the handler
    return lines


def _show_syntax_error(shell, filename=None, running_compiled_code=False):
    etype, value, _tb = shell._get_exc_info()
    bad_line = getattr(value, "text", None)
    shell._showtraceback(etype, value, _wrapped(syntax_error_message(_cell_code(shell), bad_line)))


def install(shell=None) -> bool:
    """Install the plain-sentence handlers in the running IPython kernel; False outside IPython."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython else None
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if getattr(shell, _MARKER, False):
        return True
    shell.set_custom_exc((NameError,), _on_name_error)
    shell.showsyntaxerror = types.MethodType(_show_syntax_error, shell)
    shell.showindentationerror = types.MethodType(_show_syntax_error, shell)
    setattr(shell, _MARKER, True)
    return True

