/**
 * Concurrent people: each logs in through the HTTP API, opens the overview
 * (all its queries at once, six in flight as a browser has), then drills
 * twice (a headline number's customer list, then the first customer's 360),
 * thinks a moment between pages and starts again, until the time is up.
 * People are spread over the demo accounts, so row limits (manager, staff)
 * and the roles that see everything are both in the mix. As a browser does,
 * each person asks the filter bar's option lists once per session (the same
 * store, lib/session-answers.ts), so a page counts only what it sent.
 */
import { BrowserClient, RequestError } from './http-client.ts';
import { customer360, drillList, overview, type PageContext, type PageLoad } from '../web/src/page-loads.ts';
import { isSessionKept } from '../web/src/lib/page-queries.ts';
import { SessionAnswers } from '../web/src/lib/session-answers.ts';
import { latency, type Latency } from './stats.ts';

export interface LoadTestOptions {
  baseUrl: string;
  accounts: string[];
  password: string;
  users: number;
  durationMs: number;
  /** Mean pause between pages; each pause is drawn from 0.5× to 1.5× of it. */
  thinkMs: number;
  context: PageContext;
  /** Each account's role (for the breakdown of a login that fails before /api/me). */
  roles?: Record<string, string>;
}

export interface LoadTestResult {
  users: number;
  /** How long people kept opening pages… */
  duration_s: number;
  /** …and until the last page they had started was answered. */
  elapsed_s: number;
  think_ms: number;
  accounts: number;
  logins: Latency;
  requests: number;
  requests_per_second: number;
  /** Every Cube query and API call, each timed on its own. */
  request: Latency;
  /** A page: all its requests, from the first sent to the last answered. */
  page: Latency;
  pages_opened: number;
  /** Per page: how often it was opened and the requests (Cube queries and API calls) one opening sent, on average. */
  pages?: Record<string, { opened: number; requests_per_open: number }>;
  /**
   * Where the requests' time went: each kind of request (login, an overview query by name, a drill list's query
   * per metric, a 360 query, an API call) per role, with its count, latency and errors; largest total first.
   */
  kinds?: RequestKind[];
  errors: number;
  error_samples: string[];
}

export interface RequestKind extends Latency {
  /** `login`, `overview: gmv_trend`, `list gmv: list`, `360: orders`, `GET /api/me`… */
  kind: string;
  role: string;
  /** Sum of the answered requests' times (ms): the kind's share of the run. */
  total_ms: number;
  errors: number;
}

/** The overview's numbers a person clicks on, each opening its customer list. */
const DRILLED_METRICS = ['gmv', 'buyers', 'new_customers', 'repurchase_rate', 'churn_rate', 'ltv', 'roi'];

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const requestTimes: number[] = [];
  const pageTimes: number[] = [];
  const loginTimes: number[] = [];
  const perPage = new Map<string, { opened: number; requests: number }>();
  const errorSamples: string[] = [];
  const byKind = new Map<string, { kind: string; role: string; times: number[]; errors: number }>();
  const kindOf = (kind: string, role: string) => {
    const key = `${kind}\u0000${role}`;
    let entry = byKind.get(key);
    if (!entry) byKind.set(key, entry = { kind, role, times: [], errors: 0 });
    return entry;
  };
  const timed = (kind: string, role: string, ms: number): void => {
    requestTimes.push(ms);
    kindOf(kind, role).times.push(ms);
  };
  let errors = 0;
  const fail = (error: unknown, kind?: string, role?: string): void => {
    errors++;
    if (kind && role) kindOf(kind, role).errors++;
    const message = error instanceof RequestError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    if (errorSamples.length < 10 && !errorSamples.includes(message)) errorSamples.push(message);
  };
  const started = performance.now();
  const deadline = started + options.durationMs;
  const rampMs = Math.min(5_000, options.durationMs / 4);
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, options.thinkMs * (0.5 + Math.random())));

  type Answer = Awaited<ReturnType<BrowserClient['load']>>;
  /** `label`: the page as the breakdown names it (`overview`, `list gmv`, `360`). */
  async function open(client: BrowserClient, role: string, kept: SessionAnswers<Answer>, page: PageLoad, label: string): Promise<Array<Record<string, unknown>> | null> {
    const t0 = performance.now();
    let sent = page.requests.length;
    let firstRows: Array<Record<string, unknown>> | null = null;
    const ask = async (kind: string, query: PageLoad['queries'][number]['query']): Promise<Answer> => {
      sent++;
      try {
        const answer = await client.load(query);
        timed(kind, role, answer.ms);
        return answer;
      } catch (error) {
        kindOf(kind, role).errors++;
        throw error;
      }
    };
    await Promise.all([
      ...page.queries.map(async ({ name, query, then }) => {
        try {
          const kind = `${label}: ${name}`;
          const answer = isSessionKept(name) ? await kept.load('person', query, () => ask(kind, query)) : await ask(kind, query);
          if (name === 'list') firstRows = answer.rows;
          const next = then?.(answer.rows);
          if (next) await ask(`${label}: ${name} → attributes`, next);
        } catch (error) {
          fail(error);
        }
      }),
      ...page.requests.map(async (path) => {
        const kind = `${label}: GET ${path.split('?')[0]}`;
        try {
          timed(kind, role, (await client.get(path)).ms);
        } catch (error) {
          fail(error, kind, role);
        }
      }),
    ]);
    pageTimes.push(performance.now() - t0);
    const counted = perPage.get(page.page) ?? { opened: 0, requests: 0 };
    perPage.set(page.page, { opened: counted.opened + 1, requests: counted.requests + sent });
    return firstRows;
  }

  async function person(index: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, (rampMs * index) / options.users));
    const username = options.accounts[index % options.accounts.length]!;
    let client: BrowserClient;
    let limitedRole = false;
    // The account's role, as the breakdown names it (known after /api/me; `?` for a login that failed).
    let role = options.roles?.[username] ?? '?';
    const kept = new SessionAnswers<Answer>();
    try {
      const session = await BrowserClient.login(options.baseUrl, username, options.password);
      loginTimes.push(session.loginMs);
      kindOf('login', role).times.push(session.loginMs);
      client = session;
      // A staff member's or manager's list page asks their own slice with its remainder, as the page does.
      const me = await client.get('/api/me');
      role = (me.body as { role?: string }).role ?? role;
      limitedRole = role === 'staff' || role === 'manager';
    } catch (error) {
      fail(error, 'login', role);
      return;
    }
    let round = 0;
    while (performance.now() < deadline) {
      await open(client, role, kept, overview(options.context, limitedRole), 'overview');
      if (performance.now() >= deadline) break;
      await pause();
      const metric = DRILLED_METRICS[(index + round) % DRILLED_METRICS.length]!;
      const rows = await open(client, role, kept, drillList(`metric=${metric}&via=overview`, options.context.asOf, limitedRole, role === 'staff'), `list ${metric}`);
      if (performance.now() >= deadline) break;
      await pause();
      const first = (rows as Array<Record<string, unknown>> | null)?.[0];
      const customer = first ? Number(Object.entries(first).find(([k]) => k.endsWith('.customer'))?.[1]) : Number.NaN;
      if (Number.isInteger(customer) && customer > 0) await open(client, role, kept, customer360(customer), '360');
      await pause();
      round++;
    }
  }

  await Promise.all(Array.from({ length: options.users }, (_, i) => person(i)));
  const elapsedS = (performance.now() - started) / 1000;
  return {
    users: options.users,
    duration_s: Math.round(options.durationMs / 1000),
    elapsed_s: Math.round(elapsedS),
    think_ms: options.thinkMs,
    accounts: Math.min(options.users, options.accounts.length),
    logins: latency(loginTimes),
    requests: requestTimes.length,
    requests_per_second: Math.round((requestTimes.length / elapsedS) * 10) / 10,
    request: latency(requestTimes),
    page: latency(pageTimes),
    pages_opened: pageTimes.length,
    pages: Object.fromEntries([...perPage].map(([name, c]) => [name, { opened: c.opened, requests_per_open: Math.round((c.requests / c.opened) * 10) / 10 }])),
    kinds: [...byKind.values()]
      .map(({ kind, role, times, errors: failed }) => ({ kind, role, ...latency(times), total_ms: Math.round(times.reduce((a, b) => a + b, 0)), errors: failed }))
      .sort((a, b) => b.total_ms - a.total_ms),
    errors,
    error_samples: errorSamples,
  };
}
