/**
 * Dialogs that show the server's plain text, one paragraph per line. Each dialog is named by its title and
 * described by its text, so a screen reader reads both when it opens (the focus moves into it).
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

let dialogs = 0;

export function textBody(text: string): Widget {
  const node = document.createElement('div');
  node.className = 'course-dialog-body';
  dialogs += 1;
  node.id = `course-dialog-text-${dialogs}`;
  for (const line of text.split('\n')) {
    if (line.trim()) {
      const paragraph = document.createElement('p');
      paragraph.textContent = line;
      node.appendChild(paragraph);
    }
  }
  return new Widget({ node });
}

/** "Validate · Module 2" from "Module 2 · Screening and assessment". */
export function shortTitle(title: string | null | undefined): string {
  return (title ?? '').split(' · ')[0].trim();
}

async function show(
  title: string,
  text: string,
  buttons: Dialog.IButton[],
  defaultButton: number
): Promise<Dialog.IResult<unknown>> {
  const body = textBody(text);
  const dialog = new Dialog({ title, body, buttons, defaultButton });
  dialog.node.setAttribute('aria-label', title);
  dialog.node.setAttribute('aria-describedby', body.node.id);
  try {
    return await dialog.launch();
  } finally {
    dialog.dispose();
  }
}

export async function tell(title: string, text: string): Promise<void> {
  await show(title, text, [Dialog.okButton({ label: 'OK' })], 0);
}

/** Ask before going on; true only when the learner chose `goOn`. */
export async function ask(
  title: string,
  text: string,
  goBack: string,
  goOn: string
): Promise<boolean> {
  const result = await show(
    title,
    text,
    [Dialog.cancelButton({ label: goBack }), Dialog.warnButton({ label: goOn })],
    0
  );
  return result.button.accept;
}
