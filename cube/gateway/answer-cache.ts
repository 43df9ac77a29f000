/**
 * Answers kept in the app server while nothing they read has changed.
 *
 * Among 50 people every person re-opens the same pages with the same
 * queries; each repeat went the whole way (the proxy's fetch and JSON, Cube's
 * gateway, query normalisation and rewrite, SQL generation, the
 * orchestrator's rollup lookups, refresh keys and result cache, and back)
 * only to get the answer Cube's own cache already held: some 15-30 ms of CPU
 * per request. Here an answer is kept per scope (role, employee, team: what
 * the role rules rewrite a query with) and checked query, and served again
 * only while both of these stand:
 *
 * - **the data's fingerprint** is the one the answer was asked under: every
 *   table's change counter (siyu.data_changes, bumped in each writer's own
 *   transaction, migration 008; every cube's refresh key reads these
 *   counters) and the as-of classification's build (siyu.classification_builds,
 *   what the classification refresh keys read). Any write anywhere drops
 *   every kept answer (coarse, but exact).
 * - **Cube's rollup tables** are the ones it had when the answer was asked
 *   (`rollupTablesEpoch`, guarded-driver.ts: bumped when a build's statement
 *   ends and whenever Cube lists its rollup tables, which it does after each
 *   build before using it). After a write, Cube answers from the previous
 *   build until the new one is in; an answer asked then is kept only until
 *   that build ends, exactly as long as Cube itself would give it.
 *
 * And an answer is kept only when the fingerprint had been seen for
 * `settleMs` before the request started, and when Cube computed it (its
 * `lastRefreshTime`) at least `maxStatementMs` after the fingerprint was
 * first seen: Cube answers from its own cache under the refresh key it last
 * read, and renews that key in the background, so an answer from before a
 * write can reach the app server seconds after it (the targets page's
 * completion did, for as long as nothing else was written); and a statement
 * that began before the write may end after it. A result stored that late
 * came from a statement that began after the write (a page's statement ends
 * within the Cube role's 30-s timeout, cube/database/cube-role.ts). Such
 * answers are returned but not kept. Queries that read the wall clock (a relative date range such
 * as "today") and `renewQuery` are never kept, nor "Continue wait". At most
 * `maxEntries` answers and `maxRows` rows in all (an answer of more than a
 * tenth of that is not kept), the least recently used dropped first.
 *
 * The fingerprint is read at most every `pollMs` (one statement shared by
 * every request waiting on it), so a kept answer may outlive a write by that
 * long, as Cube's own refresh keys (1 s) do.
 */
import type { Sql } from 'postgres';
import type { SecurityContext } from '../engine/security-context.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface AnswerCacheOptions {
  /** The data's fingerprint: changes whenever anything a query may read changes. */
  fingerprint: () => Promise<string>;
  /** Cube's rollup tables' epoch (in-process). */
  epoch: () => number;
  /** How long a fingerprint read serves (ms). */
  pollMs?: number;
  /** How long a fingerprint must have been seen before an answer asked under it is kept (ms). */
  settleMs?: number;
  /** At most this many answers (least recently used dropped first). */
  maxEntries?: number;
  /** At most this many rows in all the kept answers together (memory; least recently used dropped first). */
  maxRows?: number;
  /** No answer is served older than this (ms), whatever the fingerprint. */
  maxAgeMs?: number;
  /** The longest a statement of Cube's may run (its role's statement timeout, with a margin), ms. */
  maxStatementMs?: number;
  now?: () => number;
  /** The wall clock, ms since the epoch (what Cube's lastRefreshTime is read against). */
  wallNow?: () => number;
}

interface State { fingerprint: string; seenSince: number; seenSinceWall: number; readAt: number }
interface Entry { answer: Record<string, Json>; fingerprint: string; epoch: number; at: number; rows: number }

/** The rows an answer holds (a multi answer's results together). */
function rowsOf(answer: Record<string, Json>): number {
  const results = Array.isArray(answer.results) ? answer.results as Array<Record<string, Json>> : [answer];
  return results.reduce((n, r) => n + (Array.isArray(r?.data) ? r.data.length : 0), 0);
}

/** What a kept answer was asked under, taken when the request starts. */
export interface AskedUnder { fingerprint: string; epoch: number; keep: boolean; since: number }

/** A relative date range ("today", "last 7 days") reads the clock: such a query is never kept. */
function readsClock(query: unknown): boolean {
  const queries = Array.isArray(query) ? query : [query];
  return queries.some((q) => {
    const record = (q ?? {}) as Record<string, unknown>;
    if (record.renewQuery === true) return true;
    const times = Array.isArray(record.timeDimensions) ? record.timeDimensions as Array<Record<string, unknown>> : [];
    return times.some((td) => typeof td.dateRange === 'string' || (Array.isArray(td.compareDateRange) && td.compareDateRange.some((r) => typeof r === 'string')));
  });
}

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  private state: State | null = null;
  private reading: Promise<State> | null = null;
  private readonly pollMs: number;
  private readonly settleMs: number;
  private readonly maxEntries: number;
  private readonly maxRows: number;
  private rows = 0;
  private readonly maxAgeMs: number;
  private readonly maxStatementMs: number;
  private readonly now: () => number;
  private readonly wallNow: () => number;
  /** Served from here, and asked of Cube (for the benchmark's report and the tests). */
  readonly counts = { hits: 0, misses: 0, kept: 0, notKept: 0 };

  constructor(private readonly options: AnswerCacheOptions) {
    this.pollMs = options.pollMs ?? 500;
    this.settleMs = options.settleMs ?? 3_000;
    this.maxEntries = options.maxEntries ?? 5_000;
    this.maxRows = options.maxRows ?? 200_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.maxStatementMs = options.maxStatementMs ?? 35_000;
    this.now = options.now ?? (() => performance.now());
    this.wallNow = options.wallNow ?? (() => Date.now());
  }

  /** The key: the scope the role rules rewrite with (not the user name) and the checked query. */
  static key(context: SecurityContext, query: unknown, queryType: string | undefined): string | null {
    if (readsClock(query)) return null;
    return JSON.stringify([context.role, context.employeeId ?? null, context.teamId ?? null, queryType ?? null, query]);
  }

  private async current(): Promise<State> {
    const now = this.now();
    if (this.state && now - this.state.readAt < this.pollMs) return this.state;
    if (!this.reading) {
      const started = now;
      const startedWall = this.wallNow();
      this.reading = this.options.fingerprint().then((fingerprint) => {
        const same = this.state?.fingerprint === fingerprint;
        const seenSince = same ? this.state!.seenSince : started;
        const seenSinceWall = same ? this.state!.seenSinceWall : startedWall;
        if (!same) {
          this.entries.clear();
          this.rows = 0;
        }
        this.state = { fingerprint, seenSince, seenSinceWall, readAt: started };
        return this.state;
      }).finally(() => { this.reading = null; });
    }
    return this.reading;
  }

  /** The kept answer for `key`, if it still stands; else what an answer asked now would be kept under. */
  async lookup(key: string): Promise<{ answer: Record<string, Json> } | { asked: AskedUnder }> {
    const epoch = this.options.epoch();
    const state = await this.current();
    const entry = this.entries.get(key);
    if (entry && entry.fingerprint === state.fingerprint && entry.epoch === epoch && this.now() - entry.at <= this.maxAgeMs) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.counts.hits++;
      return { answer: entry.answer };
    }
    if (entry) this.drop(key, entry);
    this.counts.misses++;
    // The epoch is taken before the fingerprint is awaited: a build ending meanwhile makes the answer not kept.
    return { asked: { fingerprint: state.fingerprint, epoch, keep: this.now() - state.seenSince >= this.settleMs, since: state.seenSinceWall } };
  }

  /**
   * Keeps an answer Cube gave, if nothing changed while it was asked and Cube computed it late enough after the
   * data last changed (`computedAt`: its lastRefreshTime, ms since the epoch; null when unknown: not kept).
   */
  async keep(key: string, asked: AskedUnder, answer: Record<string, Json>, computedAt: number | null): Promise<void> {
    if (!asked.keep || this.options.epoch() !== asked.epoch || computedAt === null || computedAt < asked.since + this.maxStatementMs) {
      this.counts.notKept++;
      return;
    }
    const state = await this.current();
    if (state.fingerprint !== asked.fingerprint || this.options.epoch() !== asked.epoch) {
      this.counts.notKept++;
      return;
    }
    const rows = rowsOf(answer);
    if (rows > this.maxRows / 10) {
      this.counts.notKept++;
      return;
    }
    const previous = this.entries.get(key);
    if (previous) this.drop(key, previous);
    this.entries.set(key, { answer, fingerprint: asked.fingerprint, epoch: asked.epoch, at: this.now(), rows });
    this.rows += rows;
    this.counts.kept++;
    while (this.entries.size > this.maxEntries || this.rows > this.maxRows) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.drop(oldest, entry);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.rows -= entry.rows;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The rows of all kept answers together. */
  get keptRows(): number {
    return this.rows;
  }
}

/** The data's fingerprint (see above): every table's change counter and the as-of classification's build. */
export const FINGERPRINT_SQL = `
  SELECT concat_ws('|',
    (SELECT string_agg(table_name || '=' || changes, ',' ORDER BY table_name) FROM siyu.data_changes),
    (SELECT string_agg(row_to_json(b)::text, ',') FROM siyu.classification_builds AS b)) AS fingerprint`;

/** The product's kept answers on its database, logging now and then (the benchmark's product log) what they spared Cube. */
export function answerCacheOn(sql: Sql, epoch: () => number, log?: (message: string) => void): AnswerCache {
  const cache = new AnswerCache({
    epoch,
    fingerprint: async () => String((await sql.unsafe<{ fingerprint: string }[]>(FINGERPRINT_SQL))[0]?.fingerprint),
  });
  let last = '';
  setInterval(() => {
    const line = JSON.stringify(cache.counts);
    if (line !== last) log?.(`kept answers: ${line}, ${cache.size} kept now`);
    last = line;
  }, 30_000).unref();
  return cache;
}
