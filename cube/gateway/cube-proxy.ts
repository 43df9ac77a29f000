/**
 * The only way from a browser to Cube: `/cubejs-api/v1/load` and `/meta`,
 * for a logged-in session. The server mints the Cube token from the session
 * (whatever Authorization header the browser sends is ignored), shows each
 * role only the views and members it may use, checks every query against
 * that surface (query-schema.ts), and answers errors in its own words: no
 * Cube text, SQL, value or address reaches the browser.
 */
import type { Account } from './accounts.ts';
import { HttpError } from './http-error.ts';
import { checkLoadQuery, checkQueryType, type CubeQuery, type Surface } from './query-schema.ts';
import { QueryAdmission } from './query-admission.ts';
import { AnswerCache } from './answer-cache.ts';
import type { CubeLoad } from '../engine/in-process-load.ts';
import { isDatabaseDown } from '../database/faults.ts';
import { CONTINUE_WAIT, stillRunning } from '../engine/continue-wait.ts';
import { CubeTokenMinter } from '../engine/cube-token.ts';
import { mayQueryView, mayUseMember } from '../engine/access-rules.ts';
import type { MetaCube, MetaResponse } from '../engine/meta.ts';
import type { Role, SecurityContext } from '../engine/security-context.ts';

export { HttpError };

export interface CubeProxyOptions {
  cubeUrl: string;
  apiSecret: string;
  /** The business time zone, read from the data. */
  timeZone: () => Promise<string>;
  /** Fair queuing and per-person budgets; one per server. */
  admission?: QueryAdmission;
  /** Answers kept while nothing they read changed (answer-cache.ts); only with a Cube in this process. */
  answers?: AnswerCache;
  /** Cube's gateway in this process (cube/engine/in-process-load.ts): loads skip HTTP. */
  cubeLoad?: CubeLoad;
  log?: (message: string) => void;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A statement stopped by its timeout (cube/engine/guarded-driver.ts), or Cube's queue giving up on it. */
const TIMED_OUT = /canceling statement due to statement timeout|Query execution timeout/i;
/** Two concurrent builds of one rollup table in Cube 0.33: transient, the table exists once the winner is done. */
const BUILD_RACE = /relation "[^"]+" already exists|Pre-aggregation table is not found for .* after it was successfully created/i;
const BUILD_RACE_RETRIES = 3;
/** An answer slower than this is logged with where its time went. */
const SLOW_MS = 5_000;
/** Whether Cube's error text is that race (exported for its test). */
export const isBuildRace = (text: string): boolean => BUILD_RACE.test(text);
const errorText = (body: Record<string, Json>): string => (typeof body.error === 'string' ? body.error : '');
/** Errors a query's own values cause in PostgreSQL. */
const VALUE_ERRORS = /invalid input syntax|out of range|value too long|date\/time field value/i;

export function contextOf(account: Account): SecurityContext {
  return { username: account.username, role: account.role, employeeId: account.employeeId, teamId: account.teamId };
}

/** /meta as a role may see it: the views it may query, without the members closed to it. */
export function metaForRole(meta: MetaResponse, role: Role): MetaResponse {
  const visible = (name: string): boolean => mayUseMember(role, name);
  return {
    cubes: meta.cubes
      .filter((c) => c.type === 'view' && mayQueryView(role, c.name))
      .map((c): MetaCube => ({
        ...c,
        measures: c.measures.filter((m) => visible(m.name)),
        dimensions: c.dimensions.filter((d) => visible(d.name)),
        segments: c.segments.filter((s) => visible(s.name)),
      })),
  };
}

export function surfaceOf(meta: MetaResponse, role: Role): Surface {
  const names = (pick: (c: MetaCube) => Array<{ name: string }>): Set<string> => new Set(meta.cubes.flatMap((c) => pick(c).map((m) => m.name)));
  const dimensions = meta.cubes.flatMap((c) => c.dimensions);
  return {
    measures: names((c) => c.measures),
    dimensions: names((c) => c.dimensions),
    times: new Set(dimensions.filter((d) => d.type === 'time').map((d) => d.name)),
    segments: names((c) => c.segments),
    masked: new Set(role === 'admin' ? [] : dimensions.filter((d) => d.meta?.pii).map((d) => d.name)),
  };
}

export class CubeProxy {
  /** Cube's /meta of the views (the same for every role before filtering). */
  private meta: Promise<MetaResponse> | null = null;
  private readonly surfaces = new Map<Role, { meta: MetaResponse; surface: Surface }>();

  private readonly admission: QueryAdmission;
  /** A person's token for Cube, reused for half its life (cube-token.ts). */
  private readonly tokens: CubeTokenMinter;

  constructor(private readonly options: CubeProxyOptions) {
    this.admission = options.admission ?? new QueryAdmission();
    this.tokens = new CubeTokenMinter(options.apiSecret);
  }

  private async call(path: string, account: Account, init: RequestInit = {}, stop?: AbortSignal): Promise<{ status: number; body: Record<string, Json> }> {
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(120_000);
      response = await fetch(`${this.options.cubeUrl}/cubejs-api/v1/${path}`, {
        ...init,
        headers: { ...(init.headers ?? {}), Authorization: this.tokens.token(contextOf(account)), 'Content-Type': 'application/json' },
        signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
      });
    } catch (error) {
      if (stop?.aborted) throw new HttpError(499, 'The request was cancelled.');
      this.options.log?.(`cube unreachable: ${(error as Error).message}`);
      throw new HttpError(503, 'The analytics engine is not reachable; try again shortly.');
    }
    let body: Record<string, Json>;
    try {
      body = (await response.json()) as Record<string, Json>;
    } catch {
      throw new HttpError(502, 'The analytics engine sent an unreadable answer.');
    }
    return { status: response.status, body };
  }

  /** As `call('load')`, through Cube's gateway in this process: the same answers, statuses and refusals. */
  private async loadInProcess(load: CubeLoad, account: Account, query: unknown, queryType: unknown, stop?: AbortSignal): Promise<{ status: number; body: Record<string, Json> }> {
    if (stop?.aborted) throw new HttpError(499, 'The request was cancelled.');
    try {
      const answer = await load(contextOf(account), query, queryType);
      return answer as { status: number; body: Record<string, Json> };
    } catch (error) {
      this.options.log?.(`cube unreachable: ${(error as Error).message}`);
      throw new HttpError(503, 'The analytics engine is not reachable; try again shortly.');
    }
  }

  /** Cube's error, in the product's words; Cube's own text goes to the server log only. */
  private fail(status: number, body: Record<string, Json>): never {
    const raw = typeof body.error === 'string' ? body.error : JSON.stringify(body.error ?? null);
    this.options.log?.(`cube answered ${status}: ${raw.split('\n')[0]}`);
    if (TIMED_OUT.test(raw)) {
      throw new HttpError(503, 'The query took too long and was stopped. Narrow the dates or filters, or try again in a minute.', { 'Retry-After': '30' });
    }
    // Database faults: the product says "unavailable", with a 503, never the address.
    if (isDatabaseDown(raw)) throw new HttpError(503, 'The database is not reachable right now; the numbers will be back when it is.', { 'Retry-After': '5' });
    if (VALUE_ERRORS.test(raw)) throw new HttpError(400, 'A filter value does not fit its member (for example text in a number filter).');
    if (status === 403) throw new HttpError(403, 'Your role may not query this.');
    if (status >= 400 && status < 500) throw new HttpError(400, 'The query cannot be answered as asked: check its members, filters and dates.');
    throw new HttpError(502, 'The query could not be run. Try again, or narrow it.');
  }

  private async fullMeta(account: Account): Promise<MetaResponse> {
    if (!this.meta) {
      this.meta = this.call('meta', account).then(({ status, body }) => {
        if (status !== 200) this.fail(status, body);
        return body as unknown as MetaResponse;
      });
      this.meta.catch(() => { this.meta = null; });
    }
    return this.meta;
  }

  private async forRole(account: Account): Promise<{ meta: MetaResponse; surface: Surface }> {
    const cached = this.surfaces.get(account.role);
    if (cached) return cached;
    const everything = await this.fullMeta(account);
    const meta = metaForRole(everything, account.role);
    const entry = { meta, surface: surfaceOf(meta, account.role) };
    this.surfaces.set(account.role, entry);
    return entry;
  }

  /** Members the role sees masked: not for filters or ordering. */
  async maskedMembers(account: Account): Promise<ReadonlySet<string>> {
    return (await this.forRole(account)).surface.masked;
  }

  async metaFor(account: Account): Promise<MetaResponse> {
    return (await this.forRole(account)).meta;
  }

  /** A checked query, as Cube will receive it (the business zone set). */
  async check(account: Account, rawQuery: unknown): Promise<CubeQuery | CubeQuery[]> {
    const { surface } = await this.forRole(account);
    return checkLoadQuery(rawQuery, surface, await this.options.timeZone());
  }

  /** `queryType: "multi"` (what @cubejs-client/core 1.x sends) answers with `results: [...]`. */
  async load(account: Account, rawQuery: unknown, rawQueryType?: unknown, stop?: AbortSignal): Promise<Record<string, Json>> {
    const queryType = checkQueryType(rawQueryType);
    const query = await this.check(account, rawQuery);
    const cost = this.admission.check(account, query);
    // Refusals first (above): a kept answer is served only to whom the query is allowed, as asked now.
    const cache = this.options.answers;
    const key = cache ? AnswerCache.key(contextOf(account), query, queryType) : null;
    const kept = cache && key !== null ? await cache.lookup(key) : null;
    if (kept && 'answer' in kept) return kept.answer;
    const asked = performance.now();
    let ran: number | null = null;
    const ask = () => this.admission.run(account, query,
      () => {
        ran = performance.now();
        return this.options.cubeLoad
          ? this.loadInProcess(this.options.cubeLoad, account, query, queryType, stop)
          : this.call('load', account, { method: 'POST', body: JSON.stringify({ query, queryType }) }, stop);
      },
      (answer) => answer.status === 200 && stillRunning(answer.body), cost).finally(() => {
      // Where a slow answer's time went: waiting for a slot here, or in Cube (its queue and the database).
      const done = performance.now();
      if (done - asked > SLOW_MS) {
        const slot = ran ?? done;
        this.options.log?.(`slow query (${account.role}, ${cost.heavy ? 'heavy' : 'light'}): waited ${Math.round(slot - asked)} ms for a slot, `
          + `${Math.round(done - slot)} ms in Cube; slots ${JSON.stringify(this.admission.queue.state(), ['running', 'heavy', 'waiting'])}`);
      }
    });
    let { status, body } = await ask();
    // Cube 0.33 can race two builds of one rollup (cube-js/cube#5735): the
    // loser fails although the table is there. The query itself is fine: ask again.
    for (let retry = 0; retry < BUILD_RACE_RETRIES && status !== 200 && isBuildRace(errorText(body)); retry++) {
      this.options.log?.(`cube: rollup build race (${errorText(body).split('\n')[0]}), asking again`);
      await new Promise((resolve) => setTimeout(resolve, 250 * (retry + 1)));
      ({ status, body } = await ask());
    }
    if (status !== 200) this.fail(status, body);
    if (typeof body.error === 'string' && !stillRunning(body)) this.fail(400, body);
    const answer = answerOf(query, body);
    if (cache && key !== null && kept && 'asked' in kept && !stillRunning(body)) await cache.keep(key, kept.asked, answer, computedAt(body));
    return answer;
  }
}

const QUERY_ECHO_KEYS = ['measures', 'dimensions', 'timeDimensions', 'segments', 'order', 'limit', 'offset', 'total', 'timezone', 'responseFormat'];
const ANNOTATION_KEYS = ['measures', 'dimensions', 'segments', 'timeDimensions'];

/**
 * What a load answers: per result only the rows, the annotation of the
 * members asked for, the total when asked, and the query as the person sent
 * it (@cubejs-client/core reads its members, time dimensions and response
 * format). Cube's rewritten query carries the role's limits (whose ids and
 * scope members are none of the browser's business), and its data source,
 * database type, timings and refresh keys describe the server: all dropped.
 */
/**
 * When Cube computed the answer (its `lastRefreshTime`, the time its result was stored; the oldest of a multi
 * query's), in ms since the epoch; null when Cube did not say. answer-cache.ts keeps only answers computed late
 * enough after the data last changed.
 */
export function computedAt(body: Record<string, Json>): number | null {
  const results = Array.isArray(body.results) ? body.results as Array<Record<string, Json>> : [body];
  let oldest = Number.POSITIVE_INFINITY;
  for (const r of results) {
    const t = typeof r?.lastRefreshTime === 'string' ? Date.parse(r.lastRefreshTime) : Number.NaN;
    if (!Number.isFinite(t)) return null;
    oldest = Math.min(oldest, t);
  }
  return results.length > 0 ? oldest : null;
}

export function answerOf(own: CubeQuery | CubeQuery[], body: Record<string, Json>): Record<string, Json> {
  if (stillRunning(body)) return { error: CONTINUE_WAIT };
  const owns = Array.isArray(own) ? own : [own];
  const result = (raw: Json, index: number): Record<string, Json> => {
    const r = (raw ?? {}) as Record<string, Json>;
    // A compareDateRange query comes back as one result per range: its own time dimensions, the query's other keys.
    const echoed = (r.query ?? {}) as Record<string, Json>;
    const mine = (owns[index] ?? owns[0]!) as Record<string, Json>;
    const query: Record<string, Json> = {};
    for (const key of QUERY_ECHO_KEYS) {
      const value = key === 'timeDimensions' && echoed.timeDimensions !== undefined && mine.timeDimensions !== undefined
        && (mine.timeDimensions as Array<Record<string, Json>>).some((td) => td.compareDateRange !== undefined)
        ? (echoed.timeDimensions as Array<Record<string, Json>>).map((td) => Object.fromEntries(
          (['dimension', 'granularity', 'dateRange'] as const).filter((k) => td[k] !== undefined && td[k] !== null).map((k) => [k, td[k]!])))
        : mine[key];
      if (value !== undefined) query[key] = value;
    }
    if (mine.filters !== undefined) query.filters = mine.filters;
    const annotation: Record<string, Json> = {};
    const given = (r.annotation ?? {}) as Record<string, Json>;
    for (const key of ANNOTATION_KEYS) annotation[key] = given[key] ?? {};
    const out: Record<string, Json> = { query, data: r.data ?? [], annotation };
    if (r.total !== undefined) out.total = r.total;
    return out;
  };
  if (Array.isArray(body.results)) {
    const results = body.results.map(result);
    // Cube names the kind of query it ran (regularQuery, compareDateRangeQuery); its client needs that word.
    const queryType = typeof body.queryType === 'string' ? body.queryType : 'regularQuery';
    return { queryType, results, pivotQuery: { ...(results[0]?.query as Record<string, Json> ?? {}), queryType } };
  }
  return result(body, 0);
}
