/**
 * Saved views on the page side: what a view keeps (the page and its URL
 * state), its share link, and an API failure in the page's words. Pure.
 */
import { ApiError } from './api.ts';
import type { MessageKey } from './i18n.tsx';

/** Where the share link lands: /v/<token> asks the server for the page and filters. */
export function shareLink(origin: string, token: string): string {
  return `${origin}/v/${token}`;
}

/** The address a view opens: its page with its state. */
export function viewHref(view: { page: string; state: string }): string {
  return view.state ? `${view.page}?${view.state}` : view.page;
}

/** The current page's state as a view keeps it: the query string without the language (a person's own choice). */
export function currentState(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('lang');
  return params.toString();
}

export function viewError(error: unknown): MessageKey {
  if (!(error instanceof ApiError)) return 'views.error.other';
  if (error.status === 400) return 'views.error.invalid';
  if (error.status === 404) return 'views.error.missing';
  if (error.status === 409) return /name/i.test(error.message) ? 'views.error.taken' : 'views.error.limit';
  return 'views.error.other';
}
