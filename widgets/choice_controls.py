"""Choice controls that work from the keyboard: a radio group for "pick one answer", buttons for a case decision.

ipywidgets' own RadioButtons draw radios without a shared name, so each radio is a Tab stop of its own and
the arrow keys do nothing; its fixed row height makes long options overlap. ToggleButtons make every answer
a Tab stop and do not tell assistive technology which one is pressed. These two controls are drawn by
anywidget from the small script and style sheet below:

- ChoiceGroup: native radios sharing one name inside role="radiogroup", labelled by the question. Tab
  reaches the group once, the arrow keys move the answer, the browser reports which one is checked. Each
  option's text wraps beside its own radio. The checked option also gets a drawn box around it, besides
  the radio's dot, so colour is never the only sign. `.value`, `.options` and `.description` behave as in
  ipywidgets' RadioButtons.
- ChoiceButtons: a case decision as a list of buttons (one press makes the choice, as a counselor commits
  to a step) and, once a choice is made, a button to start again. After a choice the keyboard focus moves to
  the first choice of the next decision, or to "Play this case again" at the end, instead of being lost
  with the button that was pressed. A second press on a screen already answered (a double click) is ignored.

Focus outlines sit inside each control's padding, so no box clips them and no scrollbar appears.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets

# Outline and selected-state colour: #0b4f8a is 8.6:1 on white and 7.5:1 on the checked background.
_CSS = """
.course-choices { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 0.3em 1em; padding: 6px;
  box-sizing: border-box; max-width: 100%; overflow: visible; line-height: 1.4; }
.course-choices-label { flex: 1 0 100%; font-weight: 600; white-space: normal; overflow-wrap: anywhere; }
.course-choices-options { display: flex; flex-direction: column; gap: 0.3em; flex: 1 1 16em; min-width: 0; }
.course-choices-horizontal .course-choices-options { flex-direction: row; flex-wrap: wrap; }
.course-choice { display: flex; align-items: flex-start; gap: 0.5em; padding: 0.15em 0.5em; margin: 0;
  border: 2px solid transparent; border-radius: 4px; cursor: pointer; white-space: normal;
  overflow-wrap: anywhere; min-width: 0; }
.course-choice input { flex: none; width: 1.1em; height: 1.1em; margin: 0.15em 0 0 0; accent-color: #0b4f8a; }
.course-choice input:focus-visible { outline: 3px solid #0b4f8a; outline-offset: 2px; }
.course-choice.course-choice-checked { border-color: #0b4f8a; background: #e8f1fa; color: #000000; }
.course-decision { display: flex; flex-direction: column; gap: 0.4em; padding: 6px; box-sizing: border-box;
  overflow: visible; }
.course-decision ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column;
  gap: 0.4em; }
.course-decision button { display: block; width: 100%; box-sizing: border-box; margin: 0; text-align: left;
  white-space: normal; overflow-wrap: anywhere; line-height: 1.35; padding: 0.4em 0.8em; min-height: 2.4em;
  font: inherit; color: #000000; background: #eeeeee; border: 1px solid #757575; border-radius: 2px;
  cursor: pointer; }
.course-decision button:hover { background: #dddddd; }
.course-decision button:focus-visible { outline: 3px solid #0b4f8a; outline-offset: 2px; }
.course-decision button.vignette-restart { width: auto; align-self: flex-start; }
.course-decision [hidden] { display: none; }
"""

_ESM = """
let groups = 0;

function focusFirst(root, selector) {
  const target = root.querySelector(selector);
  if (target) target.focus();
  return Boolean(target);
}

function renderGroup(model, el) {
  groups += 1;
  const name = `course-choice-${groups}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("course-choices");
  const label = document.createElement("div");
  label.className = "course-choices-label";
  label.id = `${name}-label`;
  const box = document.createElement("div");
  box.className = "course-choices-options";
  box.setAttribute("role", "radiogroup");
  box.setAttribute("aria-labelledby", label.id);
  el.append(label, box);

  function mark() {
    const index = model.get("index");
    box.querySelectorAll("input").forEach((input, i) => {
      input.checked = i === index;
      input.closest("label").classList.toggle("course-choice-checked", i === index);
    });
  }
  function draw() {
    label.textContent = model.get("description");
    const width = model.get("label_width");
    label.style.flex = width ? `0 0 ${width}` : "";
    label.style.maxWidth = width ? "100%" : "";
    el.classList.toggle("course-choices-horizontal", model.get("orientation") === "horizontal");
    box.textContent = "";
    model.get("labels").forEach((text, i) => {
      const option = document.createElement("label");
      option.className = "course-choice";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = String(i);
      const span = document.createElement("span");
      span.textContent = text;
      option.append(input, span);
      box.append(option);
    });
    mark();
  }
  box.addEventListener("change", (event) => {
    model.set("index", Number(event.target.value));
    model.save_changes();
    mark();
  });
  model.on("change:labels change:description change:label_width change:orientation", draw);
  model.on("change:index", mark);
  model.on("msg:custom", (message) => {
    if (message && message.do === "focus") focusFirst(box, "input:checked") || focusFirst(box, "input");
  });
  draw();
}

function renderDecision(model, el) {
  el.classList.add("course-decision");
  const list = document.createElement("ul");
  list.setAttribute("aria-label", model.get("label"));
  const restart = document.createElement("button");
  restart.type = "button";
  restart.className = "vignette-restart";
  el.append(list, restart);
  let answered = -1;  // the screen a choice was already sent for: a double click is one choice
  let moveFocus = false;

  function draw() {
    const screen = model.get("screen");
    list.textContent = "";
    model.get("choices").forEach((text, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "vignette-choice";
      button.textContent = text;
      button.addEventListener("click", () => {
        if (answered === screen) return;
        answered = screen;
        moveFocus = true;
        model.send({ event: "choose", index, screen });
      });
      item.append(button);
      list.append(item);
    });
    list.hidden = model.get("choices").length === 0;
    restart.textContent = model.get("restart_label");
    restart.title = model.get("restart_tooltip");
    restart.hidden = !model.get("can_restart");
    if (moveFocus) {
      moveFocus = false;
      const next = list.querySelector("button") || (restart.hidden ? null : restart);
      if (next) next.focus();
    }
  }
  restart.addEventListener("click", () => {
    moveFocus = true;
    model.send({ event: "restart" });
  });
  model.on("change", draw);
  draw();
}

export default {
  render({ model, el }) {
    if (model.get("kind") === "decision") renderDecision(model, el);
    else renderGroup(model, el);
  },
};
"""


def _same(a, b) -> bool:
    # True == 1 in Python, but a Yes/No item and a 0-3 item must not mix their answers.
    return a == b and isinstance(a, bool) == isinstance(b, bool)


class _CourseWidget(anywidget.AnyWidget):
    _esm = _ESM
    _css = _CSS
    kind = traitlets.Unicode(help="Which control the script draws: group or decision.").tag(sync=True)


class ChoiceGroup(_CourseWidget):
    """One question's answers as a native radio group. Set `.value` to one of the option values, or None."""

    kind = traitlets.Unicode("group").tag(sync=True)
    description = traitlets.Unicode(help="The question or item, shown as the group's label.").tag(sync=True)
    labels = traitlets.List(traitlets.Unicode(), help="The options' texts, in the order shown.").tag(sync=True)
    index = traitlets.Int(None, allow_none=True, help="The checked option's position, or None.").tag(sync=True)
    orientation = traitlets.Unicode("vertical", help="vertical (one option a line) or horizontal (wrapping row)."
                                    ).tag(sync=True)
    label_width = traitlets.Unicode("", help="Width of the label beside the options; empty: label above."
                                    ).tag(sync=True)
    value = traitlets.Any(None, allow_none=True, help="The checked option's value, or None.")

    def __init__(self, options, value=None, **kwargs):
        self.options = [option if isinstance(option, tuple) else (str(option), option) for option in options]
        super().__init__(labels=[text for text, _ in self.options], **kwargs)
        self.value = value

    @traitlets.validate("value")
    def _valid_value(self, proposal):
        value = proposal["value"]
        if value is not None and not any(_same(value, v) for _, v in self.options):
            raise traitlets.TraitError(f"{value!r} is not one of the options of {self.description!r}")
        return value

    @traitlets.observe("value")
    def _value_to_index(self, change) -> None:
        new = change["new"]
        self.index = None if new is None else next(i for i, (_, v) in enumerate(self.options) if _same(v, new))

    @traitlets.observe("index")
    def _index_to_value(self, change) -> None:
        new = change["new"]
        self.value = None if new is None else self.options[new][1]


class ChoiceButtons(_CourseWidget):
    """A decision's choices as a list of buttons, and a button to start again once a choice has been made.

    `on_choose(index, screen)` receives each press with the screen it was drawn for; `show(choices)` draws the
    next screen; `on_restart()` receives a press on the restart button.
    """

    kind = traitlets.Unicode("decision").tag(sync=True)
    label = traitlets.Unicode("Your choices", help="Accessible name of the list of choices.").tag(sync=True)
    choices = traitlets.List(traitlets.Unicode(), help="The choices of the decision on screen.").tag(sync=True)
    screen = traitlets.Int(0, help="Counts the screens drawn; a press names the screen it came from.").tag(sync=True)
    can_restart = traitlets.Bool(False, help="Show the restart button.").tag(sync=True)
    restart_label = traitlets.Unicode("Play this case again").tag(sync=True)
    restart_tooltip = traitlets.Unicode("Start the case from the beginning").tag(sync=True)

    def __init__(self, on_choose: Callable[[int, int], None], on_restart: Callable[[], None], **kwargs):
        super().__init__(**kwargs)
        self._on_choose, self._on_restart = on_choose, on_restart
        self.on_msg(self._message)

    def show(self, choices, can_restart: bool) -> None:
        with self.hold_sync():
            self.choices = list(choices)
            self.can_restart = can_restart
            self.screen += 1

    def press(self, index: int, screen: int | None = None) -> None:
        """What a press on choice `index` of screen `screen` (default: the one shown) sends from the browser."""
        self._message(self, {"event": "choose", "index": index, "screen": self.screen if screen is None else screen},
                      [])

    def press_restart(self) -> None:
        self._message(self, {"event": "restart"}, [])

    def _message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        if content.get("event") == "choose" and isinstance(content.get("index"), int):
            self._on_choose(content["index"], content.get("screen"))
        elif content.get("event") == "restart" and self.can_restart:
            self._on_restart()
