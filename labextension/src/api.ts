/**
 * The course's server API (widgets/learner_server.py, under <base_url>course-api/). Every text a learner
 * reads comes from there; this side only shows it.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** What the server says about a notebook or a fetched module. */
export interface IModuleStatus {
  module: string | null;
  title: string | null;
  questions: number;
  unanswered: number[];
  written_empty: number[];
  problems: string[];
  ok: boolean;
  message: string;
  submit_warning: string | null;
  after_submit: string;
}

/** What the server says about a module's feedback. */
export interface IFeedbackStatus {
  released: boolean;
  fetched: boolean;
  page: string | null;
  message: string;
}

/** Said when the course's server cannot be reached: nothing a learner did caused it. */
export const NO_ANSWER =
  'The course could not check this just now. Save your work, wait a moment and try again.';

export async function courseApi<T>(
  endpoint: string,
  query: Record<string, string>
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url =
    URLExt.join(settings.baseUrl, 'course-api', endpoint) +
    URLExt.objectToQueryString(query);
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    throw new Error(`course-api/${endpoint} answered ${response.status}`);
  }
  return (await response.json()) as T;
}
