import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { assignmentsPlugin } from './assignments';
import { validatePlugin } from './validate';
import { widgetKeysPlugin } from './widgetKeys';
import { writtenAnswerPlugin } from './writtenAnswer';

const plugins: JupyterFrontEndPlugin<any>[] = [
  writtenAnswerPlugin,
  widgetKeysPlugin,
  validatePlugin,
  assignmentsPlugin
];

export default plugins;
