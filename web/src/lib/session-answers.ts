/**
 * Answers a browser keeps for the rest of a person's session: the filter
 * bar's option lists (teams, channels, campaigns), which every page asks for
 * and which hardly change, so opening the next page does not ask Cube again
 * (issue 19: they were 3 of the overview's 14 requests, on every page).
 *
 * Kept per scope: who is logged in, their role, team and employee, and the
 * data's date. The server scopes every query by the session (a manager's
 * lists are their team's), so an answer is only ever reused for the same
 * person: the store holds one scope at a time and drops everything when the
 * scope changes (another login in the same tab), and the session clears it
 * on logout and expiry. The data's date is in the scope so that the day's
 * roll-over (a new `asOf` from /api/me) asks again.
 *
 * Staleness: an answer is reused for at most MAX_AGE_MS after it was asked
 * (a campaign or team added by an import shows up on the next page opened
 * after that, or at once on a reload, which starts a new store). Cube has no
 * "dimension version" the browser could read, so a time bound it is.
 * A failed load is not kept: the next page asks again.
 *
 * In memory only (one tab's session): not in sessionStorage, so nothing of
 * one person's scope outlives the page for another to read.
 */
import type { ResultSet } from '@cubejs-client/core';
import { stableKey } from './stable-key.ts';

/** Five minutes: long next to a page visit, short next to how often teams or campaigns change. */
export const MAX_AGE_MS = 5 * 60_000;

/** What the server scopes a person's queries by (lib/api.ts `Me`). */
export interface ScopeOwner {
  username: string;
  role: string;
  teamId: number | null;
  employeeId: number | null;
  asOf: string;
}

export function scopeKey(me: ScopeOwner): string {
  return stableKey([me.username, me.role, me.teamId, me.employeeId, me.asOf]);
}

interface Kept<T> {
  at: number;
  answer: Promise<T>;
}

export class SessionAnswers<T> {
  private scope: string | null = null;
  private kept = new Map<string, Kept<T>>();

  constructor(private readonly maxAgeMs = MAX_AGE_MS, private readonly now: () => number = Date.now) {}

  /**
   * The answer to `query` within `scope`: the one kept (asked or still in
   * flight, so two pages opened at once share one request), else `ask()`'s.
   */
  load(scope: string, query: unknown, ask: () => Promise<T>): Promise<T> {
    if (scope !== this.scope) this.clear(scope);
    const key = stableKey(query);
    const kept = this.kept.get(key);
    const now = this.now();
    if (kept && now - kept.at < this.maxAgeMs) return kept.answer;
    const answer = ask();
    const entry = { at: now, answer };
    this.kept.set(key, entry);
    // A failure is not kept (and does not drop a newer entry for the same query).
    answer.catch(() => { if (this.kept.get(key) === entry) this.kept.delete(key); });
    return answer;
  }

  /** Asks again on the next load (a retry). */
  forget(query: unknown): void {
    this.kept.delete(stableKey(query));
  }

  /** Drops every answer (logout, expiry, another person). */
  clear(scope: string | null = null): void {
    this.kept.clear();
    this.scope = scope;
  }
}

/** The browser's one store (lib/use-session-cube-query.ts reads it, lib/session.tsx clears it). */
export const sessionAnswers = new SessionAnswers<ResultSet>();
