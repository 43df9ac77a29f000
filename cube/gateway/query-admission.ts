/**
 * What one person may ask of the database, beyond what their role may see
 * (query-schema.ts): so that one person cannot hold it for everyone.
 * - Queries wait their turn per person (fair-queue.ts); shapes no page sends
 *   that cost far more than the pages' own are refused, and heavy ones run
 *   in their own lane (query-cost.ts).
 * - `renewQuery` (run again past Cube's cache) only for executives,
 *   operators and admins: the numbers refresh themselves within seconds of a
 *   change, and a staff member or manager repeating it on heavy queries
 *   held every page (issue 19).
 * - Journey days: the database keeps the classification of the 8 days most
 *   recently asked for (migration 010); each new day costs a full
 *   classification (over a minute at a million customers) and pushes out
 *   someone else's day. One person may have at most `journeyDays` different
 *   days classified in `journeyWindowMs`, fewer than the days kept, so no
 *   one can empty the cache of everyone else's days.
 */
import { createHash } from 'node:crypto';
import type { Account } from './accounts.ts';
import { FairQueue, DEFAULT_FAIR_QUEUE_LIMITS, type FairQueueLimits } from './fair-queue.ts';
import { HttpError } from './http-error.ts';
import { costOf, DEFAULT_COST_LIMITS, type CostLimits, type QueryCost } from './query-cost.ts';
import type { CubeQuery } from './query-schema.ts';

export interface AdmissionLimits extends FairQueueLimits, CostLimits {
  /** Different journey days one person may ask for within the window. */
  journeyDays: number;
  journeyWindowMs: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = {
  ...DEFAULT_FAIR_QUEUE_LIMITS,
  ...DEFAULT_COST_LIMITS,
  // Half of siyu.classification_days_kept() (8).
  journeyDays: 4,
  journeyWindowMs: 10 * 60_000,
};

const RENEWING_ROLES: ReadonlySet<string> = new Set(['executive', 'operator', 'admin']);
const JOURNEY_DAY_MEMBERS: ReadonlySet<string> = new Set(['journey_flows.from_date', 'journey_flows.to_date', 'journey_counts.from_date', 'journey_counts.to_date']);

/** The person behind a request; the peer comparison's team queries (`name#team`) count as theirs. */
export function personOf(account: Pick<Account, 'username'>): string {
  return account.username.split('#')[0]!;
}

/** The journey days a query asks for (the required top-level `equals` filters). */
export function journeyDaysOf(query: CubeQuery | CubeQuery[]): string[] {
  const days = new Set<string>();
  for (const q of Array.isArray(query) ? query : [query]) {
    for (const f of (q.filters as Array<Record<string, unknown>> | undefined) ?? []) {
      if (JOURNEY_DAY_MEMBERS.has(String(f.member ?? f.dimension)) && Array.isArray(f.values)) {
        for (const v of f.values) days.add(String(v).slice(0, 10));
      }
    }
  }
  return [...days];
}

export class QueryAdmission {
  readonly queue: FairQueue;
  /** Per person: journey day → when it was last asked for. */
  private readonly journeyDays = new Map<string, Map<string, number>>();

  constructor(private readonly limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS, private readonly now: () => number = Date.now) {
    this.queue = new FairQueue(limits);
  }

  /** Refuses what this person may not ask for now; a query that passes is charged to them. Its cost: which lane it runs in. */
  check(account: Pick<Account, 'username' | 'role'>, query: CubeQuery | CubeQuery[]): QueryCost {
    const cost = costOf(query, this.limits);
    const queries = Array.isArray(query) ? query : [query];
    if (!RENEWING_ROLES.has(account.role) && queries.some((q) => q.renewQuery === true)) {
      throw new HttpError(403, 'Your role may not force a query past the cache (renewQuery): '
        + 'the numbers refresh themselves within seconds of a change.');
    }
    this.chargeJourneyDays(personOf(account), journeyDaysOf(query));
    return cost;
  }

  /** Runs the query in the person's turn, in its lane (see FairQueue.run). */
  run<T>(account: Pick<Account, 'username'>, query: unknown, work: () => Promise<T>, stillRunning: (result: T) => boolean, cost: QueryCost = { heavy: false }): Promise<T> {
    const key = createHash('sha1').update(JSON.stringify(query)).digest('base64url');
    return this.queue.run(personOf(account), key, work, stillRunning, cost.heavy);
  }

  private chargeJourneyDays(person: string, days: string[]): void {
    if (days.length === 0) return;
    const now = this.now();
    const seen = this.journeyDays.get(person) ?? new Map<string, number>();
    for (const [day, at] of seen) if (now - at >= this.limits.journeyWindowMs) seen.delete(day);
    const fresh = days.filter((d) => !seen.has(d));
    if (seen.size + fresh.length > this.limits.journeyDays) {
      const oldest = Math.min(...seen.values());
      const wait = Math.max(1, Math.ceil((oldest + this.limits.journeyWindowMs - now) / 1000));
      throw new HttpError(429, `You have compared ${seen.size} different days in the last `
        + `${Math.round(this.limits.journeyWindowMs / 60_000)} minutes, the most one person may: each new day is classified `
        + `for every customer. Compare days you already looked at, or try again in ${Math.ceil(wait / 60)} minute(s).`,
      { 'Retry-After': String(wait) });
    }
    for (const d of days) seen.set(d, now);
    this.journeyDays.set(person, seen);
  }
}
