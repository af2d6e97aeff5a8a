/**
 * A written answer is typed, not destroyed.
 *
 * The written answer cell (a Markdown cell with metadata `curriculum.written_answer`) goes straight into
 * edit mode, with the cursor in its editor, on a single or a double click. JupyterLab by itself only
 * un-renders it on a double click and stays in command mode, where typing a sentence fires single-key
 * commands (a, b, m, y, d d, x ...) that add, change and delete cells.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Cell, MarkdownCell } from '@jupyterlab/cells';
import { INotebookTracker, Notebook, NotebookPanel } from '@jupyterlab/notebook';

/** The text nbgrader puts in an empty written answer (nbgrader_config.py, ClearSolutions.text_stub). */
export const STUB = 'Write your answer here.';

export function isWrittenAnswer(cell: Cell): boolean {
  const curriculum = cell.model.getMetadata('curriculum') as
    | { written_answer?: unknown }
    | undefined;
  return !!curriculum && typeof curriculum.written_answer === 'string';
}

function cellIndexOf(notebook: Notebook, target: EventTarget | null): number {
  if (!(target instanceof Node)) {
    return -1;
  }
  return notebook.widgets.findIndex(cell => cell.node.contains(target));
}

async function startTyping(notebook: Notebook, index: number): Promise<void> {
  const cell = notebook.widgets[index];
  const alreadyTyping =
    notebook.mode === 'edit' &&
    notebook.activeCellIndex === index &&
    !(cell as MarkdownCell).rendered;
  if (alreadyTyping) {
    return;
  }
  notebook.activeCellIndex = index;
  (cell as MarkdownCell).rendered = false;
  notebook.mode = 'edit';
  await cell.ready;
  // The editor is shown on the next paint; put the cursor in it then.
  requestAnimationFrame(() => {
    const editor = cell.editor;
    if (!editor) {
      return;
    }
    editor.focus();
    const text = cell.model.sharedModel.getSource();
    if (text.trim() === STUB) {
      // Typing replaces the stub instead of adding to it.
      editor.setSelection({
        start: { line: 0, column: 0 },
        end: editor.getPositionAt(text.length) ?? { line: 0, column: 0 }
      });
    }
  });
}

function selectStubWhenTyping(notebook: Notebook, index: number): void {
  const cell = notebook.widgets[index];
  const text = cell.model.sharedModel.getSource();
  if (text.trim() === STUB && cell.editor) {
    cell.editor.setSelection({
      start: { line: 0, column: 0 },
      end: cell.editor.getPositionAt(text.length) ?? { line: 0, column: 0 }
    });
  }
}

function watch(panel: NotebookPanel): void {
  const notebook = panel.content;
  const onPointer = (event: MouseEvent) => {
    if (event.button !== 0) {
      return;
    }
    const index = cellIndexOf(notebook, event.target);
    if (index < 0 || !isWrittenAnswer(notebook.widgets[index])) {
      return;
    }
    if (event.type === 'dblclick' && notebook.mode === 'edit') {
      // A double click in the editor selects a word; on the stub, select all of it instead.
      selectStubWhenTyping(notebook, index);
      return;
    }
    void startTyping(notebook, index);
  };
  // Enter (or any other way into edit mode) on an untouched answer: typing replaces the stub too.
  const onStateChanged = (_sender: Notebook, change: { name: string; newValue: unknown }) => {
    const index = notebook.activeCellIndex;
    const cell = notebook.widgets[index];
    if (change.name === 'mode' && change.newValue === 'edit' && cell && isWrittenAnswer(cell)) {
      requestAnimationFrame(() => selectStubWhenTyping(notebook, index));
    }
  };
  notebook.stateChanged.connect(onStateChanged);
  // Bubble phase, after the notebook's own handlers have chosen the cell.
  notebook.node.addEventListener('click', onPointer);
  notebook.node.addEventListener('dblclick', onPointer);
  panel.disposed.connect(() => {
    notebook.node.removeEventListener('click', onPointer);
    notebook.node.removeEventListener('dblclick', onPointer);
  });
}

export const writtenAnswerPlugin: JupyterFrontEndPlugin<void> = {
  id: '@cod-iop/course-lab:written-answer',
  description: 'A click or a double click on a written answer cell starts typing in it.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    tracker.widgetAdded.connect((_sender, panel) => watch(panel));
  }
};
