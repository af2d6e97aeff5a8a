/**
 * nbgrader's Assignments panel, in plain words, without changing nbgrader's files.
 *
 * - Submit: the course's server is asked first; when questions are open, a written answer is empty or a
 *   cell is broken, the learner reads that and chooses "Go back" or "Submit anyway". After a submission,
 *   the learner reads what happens next.
 * - Validate (per notebook in the panel): the course's plain account instead of nbgrader's green button.
 * - Fetch Feedback: when the trainer has not released feedback yet, the learner reads that instead of
 *   nothing.
 * - "(view feedback)": opens the module's feedback page instead of a folder, and a keyboard reaches it.
 * - Times: each submission's time in the browser's own time zone, to the minute, instead of
 *   "2026-12-01 21:49:33.591542 UTC".
 *
 * The panel's buttons are nbgrader's; their clicks are caught in the capture phase, before nbgrader's own
 * handlers, and passed on (by clicking again) only when the learner goes ahead.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { courseApi, IFeedbackStatus, IModuleStatus, NO_ANSWER } from './api';
import { ask, shortTitle, tell } from './dialogs';

const FETCHED = '#fetched_assignments_list';
const SUBMITTED = '#submitted_assignments_list';
/** How long to wait for a submission to show in the panel before giving up on saying what comes next. */
const SUBMISSION_WAIT_MS = 180_000;
const NBGRADER_TIME = /^\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(UTC|Z|\+00:00)?\s*$/;

/** Clicks the course lets through to nbgrader (the learner has gone ahead). */
const goingAhead = new WeakSet<Element>();

function moduleOf(element: Element): string | null {
  const row = element.closest('.list_item');
  const name = row?.querySelector(':scope > div > .item_name');
  return name?.textContent?.trim() || null;
}

function submittedRow(module: string): Element | null {
  for (const row of Array.from(document.querySelectorAll(`${SUBMITTED} > .list_item`))) {
    if (moduleOf(row.querySelector('.item_name') ?? row) === module) {
      return row;
    }
  }
  return null;
}

function submissionCount(module: string): number {
  const row = submittedRow(module);
  return row ? row.querySelectorAll('.nested_list_item .item_name').length : 0;
}

function passOn(button: HTMLElement): void {
  goingAhead.add(button);
  try {
    button.click();
  } finally {
    goingAhead.delete(button);
  }
}

function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise(resolve => {
    const started = Date.now();
    const timer = window.setInterval(() => {
      if (condition()) {
        window.clearInterval(timer);
        resolve(true);
      } else if (Date.now() - started > timeoutMs) {
        window.clearInterval(timer);
        resolve(false);
      }
    }, 250);
  });
}

async function moduleStatus(module: string): Promise<IModuleStatus | null> {
  try {
    return await courseApi<IModuleStatus>('assignment-status', { assignment_id: module });
  } catch (error) {
    console.warn('The course server did not answer about', module, error);
    return null;
  }
}

async function submit(button: HTMLElement, module: string): Promise<void> {
  const status = await moduleStatus(module);
  const title = shortTitle(status?.title) || module;
  const warning = status ? status.submit_warning : NO_ANSWER;
  if (warning) {
    const goOn = await ask(`Submit · ${title}`, warning, 'Go back', 'Submit anyway');
    if (!goOn) {
      return;
    }
  }
  const before = submissionCount(module);
  passOn(button);
  if (status && (await waitFor(() => submissionCount(module) > before, SUBMISSION_WAIT_MS))) {
    await tell(`Submitted · ${title}`, status.after_submit);
  }
}

async function validateModule(module: string): Promise<void> {
  const status = await moduleStatus(module);
  if (!status) {
    await tell('Validate', NO_ANSWER);
    return;
  }
  const title = shortTitle(status.title) || module;
  await tell(`Validate · ${title}`, status.message);
}

async function feedbackStatus(module: string): Promise<IFeedbackStatus | null> {
  try {
    return await courseApi<IFeedbackStatus>('feedback-status', { assignment_id: module });
  } catch (error) {
    console.warn('The course server did not answer about feedback for', module, error);
    return null;
  }
}

async function fetchFeedback(button: HTMLElement, module: string): Promise<void> {
  const status = await feedbackStatus(module);
  if (status && !status.released) {
    await tell(`Feedback · ${module}`, status.message);
    return;
  }
  passOn(button);
}

async function openFeedback(app: JupyterFrontEnd, module: string): Promise<void> {
  const status = await feedbackStatus(module);
  if (!status) {
    await tell(`Feedback · ${module}`, NO_ANSWER);
    return;
  }
  if (!status.page) {
    await tell(`Feedback · ${module}`, status.message);
    return;
  }
  await app.commands.execute('docmanager:open', { path: status.page, factory: 'HTML Viewer' });
}

function buttonText(element: Element): string {
  return (element.textContent ?? '').trim();
}

function onClick(app: JupyterFrontEnd, event: MouseEvent): void {
  const target = event.target instanceof Element ? event.target : null;
  const control = target?.closest('button, a');
  if (!control || goingAhead.has(control) || !control.closest(`${FETCHED}, ${SUBMITTED}`)) {
    return;
  }
  const module = moduleOf(control);
  const text = buttonText(control);
  let action: (() => Promise<void>) | null = null;
  if (module && control.matches(`${FETCHED} button`) && text === 'Submit') {
    action = () => submit(control as HTMLElement, module);
  } else if (module && control.matches(`${FETCHED} .nested_list_item button`) && text === 'Validate') {
    action = () => validateModule(moduleOf(control.closest('.assignment-notebooks') ?? control) ?? module);
  } else if (module && control.matches(`${SUBMITTED} button`) && text === 'Fetch Feedback') {
    action = () => fetchFeedback(control as HTMLElement, module);
  } else if (control.matches(`${SUBMITTED} a`) && text.includes('view feedback')) {
    const owner = moduleOf(control.closest('.assignment-notebooks') ?? control);
    action = owner ? () => openFeedback(app, owner) : null;
  }
  if (action) {
    event.preventDefault();
    event.stopImmediatePropagation();
    void action();
  }
}

/** "1 Dec 2026, 4:49 PM" in the browser's own time zone and language. */
export function localTime(date: Date): string {
  return new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit'
  }).format(date);
}

function tidySubmissions(): void {
  const rows = document.querySelectorAll(`${SUBMITTED} .nested_list_item .item_name`);
  rows.forEach(name => {
    for (const node of Array.from(name.childNodes)) {
      const match = node.nodeType === Node.TEXT_NODE ? NBGRADER_TIME.exec(node.textContent ?? '') : null;
      if (match) {
        const when = new Date(`${match[1]}T${match[2]}${(match[3] ?? '').slice(0, 4)}Z`);
        if (!isNaN(when.getTime())) {
          const time = document.createElement('time');
          time.dateTime = when.toISOString();
          time.textContent = localTime(when);
          name.replaceChild(time, node);
        }
      }
    }
    name.querySelectorAll('a').forEach(link => {
      if (!link.hasAttribute('tabindex') && buttonText(link).includes('view feedback')) {
        // nbgrader's link has no address, so a keyboard cannot reach it: make it a real link.
        link.classList.add('course-feedback-link');
        link.setAttribute('href', '#');
        link.setAttribute('role', 'link');
        link.setAttribute('tabindex', '0');
      }
    });
  });
}

function watchPanel(): void {
  let pending = false;
  const observer = new MutationObserver(mutations => {
    if (pending) {
      return;
    }
    const inPanel = mutations.some(
      m => m.target instanceof Element && m.target.closest(SUBMITTED) !== null
    );
    if (inPanel) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        tidySubmissions();
      });
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
}

export const assignmentsPlugin: JupyterFrontEndPlugin<void> = {
  id: '@cod-iop/course-lab:assignments',
  description: "nbgrader's Assignments panel in plain words: Submit warns, feedback opens as a page.",
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    document.addEventListener('click', event => onClick(app, event), true);
    watchPanel();
  }
};
