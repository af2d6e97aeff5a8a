/**
 * The course's Validate button on a module's toolbar, in place of nbgrader's.
 *
 * nbgrader's Validate says "Success! Your notebook passes all the tests." even when answers are wrong,
 * because its checks only test the form of an answer. The course's button saves the notebook and shows the
 * server's plain account: which questions are open, which answers are not in the right form, and that
 * correctness is decided at grading. It appears only where nbgrader's validate plugin is switched off (the
 * learner's view), so no toolbar has two Validate buttons.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ToolbarButton } from '@jupyterlab/apputils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';

import { courseApi, IModuleStatus, NO_ANSWER } from './api';
import { shortTitle, tell } from './dialogs';

export const NBGRADER_VALIDATE = '@jupyter/nbgrader:validate-assignment';

/** A module notebook carries nbgrader's grading metadata on its graded cells. */
export function isCourseModule(model: INotebookModel | null): boolean {
  if (!model) {
    return false;
  }
  for (let i = 0; i < model.cells.length; i++) {
    const nbgrader = model.cells.get(i).getMetadata('nbgrader') as
      | { grade?: boolean; solution?: boolean }
      | undefined;
    if (nbgrader && (nbgrader.grade || nbgrader.solution)) {
      return true;
    }
  }
  return false;
}

export async function validate(panel: NotebookPanel, button: ToolbarButton): Promise<void> {
  button.enabled = false;
  try {
    let status: IModuleStatus;
    try {
      await panel.context.save();
      status = await courseApi<IModuleStatus>('notebook-status', {
        path: panel.context.path
      });
    } catch (error) {
      console.warn('Validate: the course server did not answer', error);
      await tell('Validate', NO_ANSWER);
      return;
    }
    const title = shortTitle(status.title);
    await tell(title ? `Validate · ${title}` : 'Validate', status.message);
  } finally {
    button.enabled = true;
  }
}

class ValidateButton
  implements DocumentRegistry.IWidgetExtension<NotebookPanel, INotebookModel>
{
  createNew(panel: NotebookPanel): IDisposable {
    const button: ToolbarButton = new ToolbarButton({
      className: 'course-validate-button',
      label: 'Validate',
      tooltip: 'Check that every answer is in the right form (Validate)',
      onClick: () => void validate(panel, button)
    });
    button.hide();
    panel.toolbar.insertItem(10, 'course-validate', button);
    void panel.context.ready.then(() => {
      if (isCourseModule(panel.content.model)) {
        button.show();
      }
    });
    return button;
  }
}

export const validatePlugin: JupyterFrontEndPlugin<void> = {
  id: '@cod-iop/course-lab:validate',
  description: "Validate on a module's toolbar shows the course's plain account of the answers.",
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    if (app.hasPlugin(NBGRADER_VALIDATE)) {
      return; // nbgrader's own Validate is on in this view
    }
    app.docRegistry.addWidgetExtension('Notebook', new ValidateButton());
  }
};
