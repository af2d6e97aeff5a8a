/**
 * Arrow keys, Space and letters act inside the course's tools.
 *
 * JupyterLab's command-mode shortcuts would take the arrow keys (and letters) pressed in an ipywidgets
 * view in an output area and move or change the notebook's cells instead. Lumino skips shortcuts for key
 * presses from an element marked `data-lm-suppress-shortcuts`; each widget view and each control in it is
 * marked, not the notebook, so Tab and Shift+Tab still move the focus and the notebook's own keys work
 * everywhere else.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

const WIDGET_OUTPUTS = [
  '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]',
  '.jp-OutputArea-output .jupyter-widgets'
];
// Lumino stops looking at the first element that matches a shortcut's selector, and the notebook's
// selectors end in ":focus": the mark must be on the focused control itself, not only on its view.
const CONTROLS =
  'input, select, textarea, button, a[href], [tabindex], [contenteditable="true"], [contenteditable=""]';
const MARK = 'data-lm-suppress-shortcuts';

function markWidgetViews(root: Element): void {
  for (const output of WIDGET_OUTPUTS) {
    root.querySelectorAll(output).forEach(view => {
      for (const element of [view, ...Array.from(view.querySelectorAll(CONTROLS))]) {
        if (!element.hasAttribute(MARK)) {
          element.setAttribute(MARK, 'true');
        }
      }
    });
  }
}

function watch(panel: NotebookPanel): void {
  const node = panel.content.node;
  markWidgetViews(node);
  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) {
      return;
    }
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      markWidgetViews(node);
    });
  });
  observer.observe(node, { childList: true, subtree: true });
  panel.disposed.connect(() => observer.disconnect());
}

export const widgetKeysPlugin: JupyterFrontEndPlugin<void> = {
  id: '@cod-iop/course-lab:widget-keys',
  description: "Keys pressed inside the course's tools act on the tool, not on the notebook's cells.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    tracker.widgetAdded.connect((_sender, panel) => watch(panel));
  }
};
