/**
 * `npm run bench [-- --customers N]`: the product at one scale, against the
 * targets of issue #12. Builds the web app, seeds its own embedded
 * PostgreSQL, starts the product (and, for the comparison, a second one with
 * SIYU_PRE_AGGREGATIONS=off), talks to them over HTTP as browsers do, prints
 * a table and writes bench/results.json and docs/benchmarks.md.
 *
 *   --customers N     seed size (default: the demo size)
 *   --runs N          timed runs per query, cold and warm (20)
 *   --open-runs N     timed openings per page, cold and warm (10)
 *   --compare-runs N  runs per compared query, each way (5)
 *   --users N --duration S --think MS   the concurrent users (50, 60 s, 1000 ms)
 *   --csv-rows N      rows of the CSV export (100000)
 *   --budget S        a query's (or page's) runs stop early, after at least 3, once they took S seconds (30)
 *   --data-dir DIR    seed into (or reuse the seeded data in) DIR and keep it
 *   --no-build        use web/dist as it is
 *   --doc FILE        where to write the report (docs/benchmarks.md)
 *   --render          measure nothing: write the report again from bench/results.json
 *
 * Figures, not assertions: compare runs on the same machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { cubeRoleName } from '../cube/database/cube-role.ts';
import { DATABASE_NAME, embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { openSql } from '../cube/database/connect.ts';
import { migrate } from '../cube/database/migrate.ts';
import type { SecurityContext } from '../cube/engine/security-context.ts';
import { freePort } from '../cube/ports.ts';
import { TABLES } from '../seed/tables.ts';
import { isSeeded, seedDatabase } from '../seed/load.ts';
import { buildDrillQuery, drillColumns, parseDrill, parsePage } from '../web/src/lib/drill.ts';
import { wholeListQuery } from '../web/src/lib/export-csv.ts';
import { addDays } from '../web/src/lib/date-range.ts';
import { parseFilters, resolveDateRange } from '../web/src/lib/filters.ts';
import { campaignWindow } from '../web/src/features/big-screen/build-queries.ts';
import { buildCampaignListQuery, pickCampaign, toCampaignOptions } from '../web/src/features/big-screen/campaigns.ts';
import { comparisons, sameTotals } from './compare.ts';
import { BrowserClient } from './http-client.ts';
import { runLoadTest } from './load-test.ts';
import { measureNoisyNeighbour } from './noisy-neighbour.ts';
import { customer360, drillList, tilePages, type CubeQuery, type NamedQuery, type PageContext, type PageLoad } from './pages.ts';
import { postgresMemorySampler, startProduct, type RunningProduct } from './product.ts';
import { consoleTable, evaluateTargets, kb, markdown, type ComparisonFigures, type PageFigures, type QueryFigures, type Results, type Rollups } from './report.ts';
import { startRollupProbe } from './rollup-probe.ts';
import { latency, ms } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string' },
    runs: { type: 'string', default: '20' },
    'open-runs': { type: 'string', default: '10' },
    'compare-runs': { type: 'string', default: '5' },
    users: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    think: { type: 'string', default: '1000' },
    'csv-rows': { type: 'string', default: '100000' },
    budget: { type: 'string', default: '30' },
    'data-dir': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    doc: { type: 'string', default: path.join('docs', 'benchmarks.md') },
    render: { type: 'boolean', default: false },
  },
});
const whole = (name: string, raw: string | undefined, min = 1): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${raw}`);
  return n;
};

const config = loadConfig({ logLevel: 'silent' });
const customers = whole('customers', args.customers ?? String(config.demoCustomers));
const runs = whole('runs', args.runs);
const openRuns = whole('open-runs', args['open-runs']);
const compareRuns = whole('compare-runs', args['compare-runs']);
const users = whole('users', args.users);
const durationMs = whole('duration', args.duration) * 1000;
const thinkMs = whole('think', args.think, 0);
const csvRows = whole('csv-rows', args['csv-rows']);
const budgetMs = whole('budget', args.budget) * 1000;
const docFile = path.resolve(ROOT_DIR, args.doc!);
const password = config.demoPassword;
const RESULTS_FILE = path.join(ROOT_DIR, 'bench', 'results.json');

const say = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** The same query, but not in Cube's result cache: only the row limit differs (the page's answer is the same). */
function uncached(query: CubeQuery, nonce: number): CubeQuery {
  return { ...query, limit: typeof query.limit === 'number' ? query.limit + 1 + nonce : 9_999 - nonce };
}

/**
 * `n` timed runs, or fewer (at least 3) once they have taken the budget: at a
 * large scale a query on the raw tables can take many seconds, and a few of
 * its runs tell as much as twenty.
 */
async function timed(n: number, run: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    out.push(await run(i));
    if (out.length >= Math.min(3, n) && performance.now() - t0 > budgetMs) break;
  }
  return out;
}

async function openPage(client: BrowserClient, page: PageLoad, variant: (q: CubeQuery) => CubeQuery = (q) => q): Promise<number> {
  const t0 = performance.now();
  await Promise.all([...page.queries.map((named) => loadNamed(client, named, variant)), ...page.requests.map((p) => client.get(p))]);
  return performance.now() - t0;
}

/** A page's query and the query that follows it (the list's attributes): the time of both, one after the other. */
async function loadNamed(client: BrowserClient, { query, then }: NamedQuery, variant: (q: CubeQuery) => CubeQuery = (q) => q): Promise<number> {
  const answer = await client.load(variant(query));
  const next = then?.(answer.rows);
  return answer.ms + (next ? (await client.load(variant(next))).ms : 0);
}

function machine(load: number[]): Results['machine'] {
  return {
    cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim() ?? 'unknown', ram_gb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`, node: process.version,
    load_average: load.length > 0 ? { mean: Math.round((load.reduce((a, b) => a + b, 0) / load.length) * 10) / 10, max: Math.round(Math.max(...load) * 10) / 10 } : null,
  };
}

/** The machine's 1-minute load average through the run: others' work on a shared machine shows in every figure. */
function loadSampler(): { values: number[]; stop(): void } {
  const values: number[] = [os.loadavg()[0]!];
  const timer = setInterval(() => values.push(os.loadavg()[0]!), 5000);
  timer.unref();
  return { values, stop: () => clearInterval(timer) };
}

function commit(): Results['commit'] {
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: ROOT_DIR, encoding: 'utf8' });
  try {
    return {
      sha: git('rev-parse', 'HEAD').trim(),
      uncommitted: git('status', '--porcelain').split('\n').filter(Boolean).map((l) => l.slice(3)).filter((f) => f !== 'node_modules'),
    };
  } catch {
    return { sha: 'unknown', uncommitted: [] };
  }
}

function buildWeb(): { build_ms: number | null } {
  if (args['no-build']) return { build_ms: null };
  say('building the web app (npm run build:web)');
  const t0 = performance.now();
  const r = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT_DIR, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build:web failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
  return { build_ms: Math.round(performance.now() - t0) };
}

const ROUTES: Record<string, string> = {
  overview: '/', 'big-screen': '/big-screen', channels: '/channels', staff: '/staff', segments: '/segments', activities: '/activities',
  customers: '/customers', 'customer-360': '/customers/:id', planner: '/planner', actions: '/actions', login: '/login', 'not-found': '(not found)',
};

function bundleSizes(buildMs: number | null): Results['web'] {
  const file = path.join(config.webDistDir, 'sizes.json');
  if (!existsSync(file)) return { build_ms: buildMs, budget_kb: null, routes: [] };
  const sizes = JSON.parse(readFileSync(file, 'utf8')) as { firstRender?: Record<string, number>; withCharts?: Record<string, number>; budget?: number };
  return {
    build_ms: buildMs, budget_kb: sizes.budget ? kb(sizes.budget) : null,
    routes: Object.entries(sizes.firstRender ?? {}).map(([page, bytes]) => ({
      route: ROUTES[page] ?? page, first_render_kb: kb(bytes), with_charts_kb: kb(sizes.withCharts?.[page] ?? bytes),
    })).sort((a, b) => b.first_render_kb - a.first_render_kb),
  };
}

async function seed(dataDir: string, pgPort: number): Promise<Results['seed'] & { tables: Record<string, number> } | null> {
  const db = await startEmbeddedPostgres(dataDir, pgPort);
  const sql = openSql(db.url);
  try {
    await migrate(sql);
    if (await isSeeded(sql)) {
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers`;
      const n = row?.n ?? 0;
      if (n !== customers) throw new Error(`${dataDir} holds ${n.toLocaleString('en-US')} customers, not ${customers.toLocaleString('en-US')}: use another --data-dir`);
      say(`${dataDir} already holds these ${n.toLocaleString('en-US')} customers: reusing them, the seed is not timed`);
      return null;
    }
    say(`seeding ${customers.toLocaleString('en-US')} customers`);
    const t0 = performance.now();
    // The load (generation, COPY, keys, ANALYZE) is the throughput; the
    // classification built after it is timed on its own.
    let classifyFrom: number | null = null;
    const counts = await seedDatabase(sql, {
      customers, seed: config.demoSeed, asOf: config.demoAsOf, timeZone: config.timeZone,
      onProgress: (p) => { if (p.phase === 'classify' && classifyFrom === null) classifyFrom = performance.now(); },
    });
    const done = performance.now();
    const elapsed = (classifyFrom ?? done) - t0;
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      rows, ms: Math.round(elapsed), rows_per_second: Math.round(rows / (elapsed / 1000)),
      classify_ms: Math.round(done - (classifyFrom ?? done)), tables: counts,
    };
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

async function main(): Promise<void> {
  const keep = Boolean(args['data-dir']);
  const dataDir = keep ? path.resolve(args['data-dir']!) : mkdtempSync(path.join(os.tmpdir(), 'siyu-bench-'));
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  // The products' own output, kept after the run (the data directory is not): .tmp/ is git-ignored.
  const logFile = path.join(ROOT_DIR, '.tmp', 'bench-product.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const pgPort = await freePort();
  const started = new Date();
  const load = loadSampler();
  const products: RunningProduct[] = [];
  const stopAll = async (): Promise<void> => {
    for (const p of products.splice(0).reverse()) await p.stop().catch(() => undefined);
  };

  try {
    const web = buildWeb();
    const seeded = await seed(dataDir, pgPort);

    const productEnv = async (extra: Record<string, string> = {}): Promise<{ env: Record<string, string>; port: number }> => {
      const port = await freePort();
      return {
        port,
        env: {
          PORT: String(port), HOST: '127.0.0.1', CUBE_PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort),
          DATABASE_URL: '', CUBE_DATABASE_URL: '', DEMO_CUSTOMERS: String(customers), DEMO_PASSWORD: password, LIVE: '', LIVE_RATES: '',
          SIYU_PRE_AGGREGATIONS: 'on', LOG_LEVEL: 'info', ...extra,
        },
      };
    };
    const start = async (extra: Record<string, string> = {}): Promise<RunningProduct> => {
      const { env, port } = await productEnv(extra);
      const p = await startProduct({ env, port, logFile, timeoutMs: 60 * 60_000 });
      products.push(p);
      return p;
    };

    say('starting the product (first start on the fresh data)');
    let product = await start();
    const firstReadyMs = product.readyMs;
    const pgMemory = postgresMemorySampler(dataDir);
    const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
    let exec = await BrowserClient.login(product.url, 'exec', password);
    const me = (await exec.get('/api/me')).body as { asOf: string; timeZone: string };
    const asOf = me.asOf.slice(0, 10);
    const timeZone = me.timeZone;

    // What a browser knows before it builds its queries: the campaigns, a team and one of its employees, a channel.
    const campaignRows = (await exec.load(buildCampaignListQuery() as CubeQuery)).rows;
    const [someone] = (await exec.load({ dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1 } as CubeQuery)).rows;
    const [aChannel] = (await exec.load({ dimensions: ['channel_roi.channel'], filters: [{ member: 'channel_roi.channel', operator: 'set' }], order: { 'channel_roi.channel': 'asc' }, limit: 1 } as CubeQuery)).rows;
    const context: PageContext = {
      asOf, campaignRows,
      team: String(someone?.['staff_performance.team']), employeeId: Number(someone?.['staff_performance.employee_id']),
      channel: String(aChannel?.['channel_roi.channel']),
    };
    const pages = tilePages(context);
    const range = resolveDateRange(parseFilters(new URLSearchParams()), asOf)!;
    const campaign = pickCampaign(toCampaignOptions(campaignRows), asOf, null)!;

    // First opening of every page: rollups not built yet are built now (or the raw tables answer meanwhile).
    const firstOpen = new Map<string, number>();
    for (const page of pages) {
      say(`first open: ${page.page}`);
      firstOpen.set(page.page, await openPage(exec, page));
      say(`  first open took ${ms(firstOpen.get(page.page))}`);
    }
    const drillBase = `metric=gmv&from=${range[0]}`;
    await openPage(exec, drillList(`${drillBase}&to=${asOf}`, asOf));

    say('stopping and starting the product again on the same data');
    const peakFirst = product.peakRssMb();
    await product.stop();
    products.pop();
    product = await start();
    const readyAgainMs = product.readyMs;
    exec = await BrowserClient.login(product.url, 'exec', password);
    const firstOverviewMs = await openPage(exec, pages[0]!);

    // Every tile alone: cache defeated, then warm.
    const figures: PageFigures[] = [];
    for (const page of pages) {
      say(`timing ${page.page}: ${page.queries.length} queries × ${runs} runs`);
      const queries: QueryFigures[] = [];
      for (const { name, query } of page.queries) {
        const rows = (await exec.load(query)).rows.length;
        // Warm: the same query again, right away (within the live cubes' 2-s refresh-key window).
        const warm = await timed(runs, async () => (await exec.load(query)).ms);
        const cold = await timed(runs, async (i) => (await exec.load(uncached(query, i))).ms);
        queries.push({ name, rollups: null, rows, cold: latency(cold), warm: latency(warm) });
        // Figures as they come, so a run stopped early still tells what it measured.
        say(`  ${name}: cold p95 ${ms(latency(cold).p95)}, warm p95 ${ms(latency(warm).p95)}`);
      }
      const openWarm = await timed(openRuns, () => openPage(exec, page));
      const openCold = await timed(openRuns, (i) => openPage(exec, page, (q) => uncached(q, 1000 + i)));
      figures.push({
        page: page.page, route: page.route, requests: page.requests, first_open_ms: Math.round(firstOpen.get(page.page) ?? Number.NaN),
        queries, open: { cold: latency(openCold), warm: latency(openWarm) },
      });
      say(`  open: cold p95 ${ms(latency(openCold).p95)}, warm p95 ${ms(latency(openWarm).p95)}`);
    }

    // The drill-down list behind the overview's GMV: first page with its total, and a deep page.
    say('timing the drill-down list');
    // The list as the page loads it: the ranked page with its total, then the page's attributes.
    const listOf = (to: string, page = 1): NamedQuery => drillList(`${drillBase}&to=${to}${page > 1 ? `&page=${page}` : ''}`, asOf).queries.find((x) => x.name === 'list')!;
    const total = (await exec.load(listOf(asOf).query)).total ?? 0;
    const deepPage = Math.max(2, Math.floor((total * 0.8) / 50));
    await loadNamed(exec, listOf(asOf, deepPage));
    const first = {
      warm: await timed(runs, () => loadNamed(exec, listOf(asOf))),
      cold: await timed(runs, (i) => loadNamed(exec, listOf(addDays(asOf, -(i + 1))))),
      page: await timed(openRuns, (i) => openPage(exec, drillList(`${drillBase}&to=${addDays(asOf, -(100 + i))}`, asOf))),
    };
    const deep = {
      warm: await timed(runs, () => loadNamed(exec, listOf(asOf, deepPage))),
      cold: await timed(runs, (i) => loadNamed(exec, listOf(addDays(asOf, -(i + 1)), deepPage))),
    };
    say(`  ${total} customers; first page cold p95 ${ms(latency(first.cold).p95)}, whole page ${ms(latency(first.page).p95)}, page ${deepPage} ${ms(latency(deep.cold).p95)}`);

    // The customer 360 of different customers, each with orders.
    say('timing the customer 360');
    const someCustomers = (await owner.unsafe(`
      SELECT customer.id FROM siyu.customers AS customer
      WHERE EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = customer.id)
      ORDER BY (customer.id::bigint * 2654435761) % 1000003 LIMIT $1`, [runs])).map((r) => Number(r.id));
    const c360Page: number[] = [];
    const c360Query: number[] = [];
    for (const id of someCustomers) {
      const page = customer360(id);
      const t0 = performance.now();
      const answers = await Promise.all(page.queries.map(({ query }) => exec.load(query)));
      c360Page.push(performance.now() - t0);
      c360Query.push(...answers.map((a) => a.ms));
    }
    say(`  360: page p95 ${ms(latency(c360Page).p95)}, query p95 ${ms(latency(c360Query).p95)}`);

    // The CSV export of the all-customers list, streamed and counted.
    say(`timing a CSV export of up to ${csvRows.toLocaleString('en-US')} rows`);
    // The export reads the whole row in one query, as the page's export link does.
    const allCustomers = buildDrillQuery(parseDrill(new URLSearchParams('metric=customers'), asOf), parsePage(new URLSearchParams())) as CubeQuery;
    const csv = await exec.exportCsv({
      query: wholeListQuery(allCustomers), filename: 'bench',
      columns: drillColumns('customers').map((c) => ({ member: c.member, title: c.id })),
    }, csvRows);
    say(`  ${csv.rows} rows in ${ms(csv.ms)}`);

    // Concurrent people, spread over the demo accounts.
    // Accounts that may log in: active, and their employee (if any) still active.
    const accountNames = (await owner`
      SELECT account.username FROM siyu.accounts AS account
      LEFT JOIN siyu.employees AS employee ON employee.id = account.employee_id
      WHERE account.active AND (account.employee_id IS NULL OR employee.active)`).map((r) => String(r.username));
    const named = ['exec', 'manager', 'staff', 'ops', 'admin'].filter((a) => accountNames.includes(a));
    const employees = accountNames.filter((a) => /^e\d+$/.test(a)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const spread = Math.max(0, users - named.length);
    const accounts = [...named, ...Array.from({ length: Math.min(spread, employees.length) }, (_, i) => employees[Math.floor((i * employees.length) / Math.min(spread, employees.length))]!)];
    say(`${users} concurrent users for ${durationMs / 1000} s over ${accounts.length} accounts`);
    const concurrency = await runLoadTest({ baseUrl: product.url, accounts, password, users, durationMs, thinkMs, context });
    say(`  page p95 ${ms(concurrency.page.p95)}, request p95 ${ms(concurrency.request.p95)}, ${concurrency.errors} errors of ${concurrency.requests} requests`);
    const peakRss = Math.max(peakFirst ?? 0, product.peakRssMb() ?? 0) || null;

    say('one staff member\'s heaviest queries beside an executive\'s fresh query');
    const staff = await BrowserClient.login(product.url, 'staff', password);
    const staffMeta = (await staff.get('/cubejs-api/v1/meta')).body as { cubes: Array<{ name: string; measures: Array<{ name: string }> }> };
    const bigScreen = pages.find((p) => p.page === 'big-screen');
    const freshQuery = (bigScreen?.queries.find((q) => q.name === 'gmv_by_hour_today') ?? pages[0]!.queries[0]!).query;
    const noisy = await measureNoisyNeighbour({
      heavy: staff, heavyAccount: 'staff', other: exec, otherAccount: 'exec', asOf, runs: Math.max(5, Math.min(runs, 10)), heavyQueries: 5,
      fresh: (i) => uncached(freshQuery, 3000 + i),
      heavyMeasures: staffMeta.cubes.find((c) => c.name === 'sales_overview')?.measures.map((m) => m.name) ?? ['sales_overview.gmv'],
    });
    say(`  alone p50 ${ms(noisy.alone.p50)}, beside p50 ${ms(noisy.beside_heavy.p50)} (+${ms(noisy.added_ms)}, ${noisy.ratio}×); heavy: ${JSON.stringify(noisy.heavy_answers)}`);

    // The same queries with rollups, without (a second product on the same database), and as hand-written SQL.
    say('starting a second product with SIYU_PRE_AGGREGATIONS=off on the same database');
    const ownerUrl = embeddedUrl(dataDir, pgPort);
    // Its own Cube role would be given a fresh password and lock the first product's pool out: it reads as the owner.
    const raw = await start({ DATABASE_URL: ownerUrl, CUBE_DATABASE_URL: ownerUrl, SIYU_PRE_AGGREGATIONS: 'off' });
    const rawClient = await BrowserClient.login(raw.url, 'exec', password);
    const window = campaignWindow(campaign.startsOn, campaign.endsOn, asOf);
    const compared = comparisons(pages, range, timeZone, window);
    const comparisonFigures: ComparisonFigures[] = [];
    for (const c of compared) {
      say(`comparing ${c.name}`);
      const withRows = (await exec.load(c.query)).rows;
      const withoutRows = (await rawClient.load(c.query)).rows;
      const sqlRows = c.handWritten ? await c.handWritten.run(owner) : null;
      const times = { with: [] as number[], without: [] as number[], sql: [] as number[] };
      // Interleaved run by run, so the three meet the same database state.
      await timed(compareRuns, async (i) => {
        const t0 = performance.now();
        times.with.push((await exec.load(uncached(c.query, 2000 + i))).ms);
        times.without.push((await rawClient.load(uncached(c.query, 2000 + i))).ms);
        if (c.handWritten) {
          const t1 = performance.now();
          await c.handWritten.run(owner);
          times.sql.push(performance.now() - t1);
        }
        return performance.now() - t0;
      });
      const totals = (rows: ReadonlyArray<Record<string, unknown>>): number[] => Object.keys(rows[0] ?? {})
        .filter((k) => rows.some((r) => r[k] !== null && r[k] !== '' && !Number.isNaN(Number(r[k]))))
        .sort().map((k) => rows.reduce((s, r) => s + Number(r[k] ?? 0), 0));
      const w = latency(times.with);
      const wo = latency(times.without);
      const s = c.handWritten ? latency(times.sql) : null;
      comparisonFigures.push({
        name: c.name, from: c.from, rollups: null, with_rollups: w, without_rollups: wo, sql: s,
        without_over_with: Number((wo.p50 / w.p50).toPrecision(2)),
        sql_over_with: s ? Number((s.p50 / w.p50).toPrecision(2)) : null,
        same_with_and_without: sameTotals(totals(withRows), totals(withoutRows)),
        sql_matches: c.handWritten && sqlRows ? sameTotals(c.handWritten.totals(sqlRows), c.handWritten.cubeTotals(withRows)) : null,
      });
      say(`  with rollups p50 ${ms(w.p50)}, without ${ms(wo.p50)}${s ? `, SQL ${ms(s.p50)}` : ''}`);
    }

    // Which pre-aggregation answered, as Cube reports it, under three roles' row limits.
    say('asking Cube which pre-aggregation answers each query');
    const contextOf = async (username: string): Promise<SecurityContext | null> => {
      try {
        const c = await BrowserClient.login(product.url, username, password);
        const m = (await c.get('/api/me')).body as { username: string; role: SecurityContext['role']; employeeId: number | null; teamId: number | null };
        return { username: m.username, role: m.role, employeeId: m.employeeId, teamId: m.teamId };
      } catch {
        return null;
      }
    };
    const roles = (await Promise.all(['exec', 'manager', 'staff'].map(contextOf))).filter((x): x is SecurityContext => x !== null);
    const probe = await startRollupProbe({ databaseUrl: ownerUrl, modelDir: config.modelDir, timeZone });
    try {
      for (const [pi, page] of pages.entries()) {
        for (const [qi, { query }] of page.queries.entries()) {
          const rollups: Rollups = {};
          for (const ctx of roles) rollups[ctx.role] = await probe.rollupsFor(ctx, query);
          figures[pi]!.queries[qi]!.rollups = rollups;
        }
      }
      const execContext = roles.find((r) => r.role === 'executive');
      for (const [i, c] of compared.entries()) comparisonFigures[i]!.rollups = execContext ? await probe.rollupsFor(execContext, c.query) : null;
    } finally {
      await probe.stop();
      // Tables the probe built are the owner's, which the product's Cube role cannot read: leave none behind.
      const stray = await owner`SELECT tablename FROM pg_tables WHERE schemaname = 'siyu_pre_aggregations' AND tableowner <> ${cubeRoleName(DATABASE_NAME)}`;
      for (const { tablename } of stray) await owner.unsafe(`DROP TABLE IF EXISTS siyu_pre_aggregations."${String(tablename).replace(/"/g, '""')}"`);
    }

    pgMemory.stop();
    load.stop();
    const [sizes] = await owner`
      SELECT pg_database_size(current_database())::bigint AS database,
             COALESCE((SELECT SUM(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass))
                       FROM pg_tables WHERE schemaname = 'siyu_pre_aggregations'), 0)::bigint AS rollups`;
    // Reused data: the row counts the seed's ANALYZE left in the catalogue.
    const tables = seeded?.tables ?? Object.fromEntries((await owner`
      SELECT relname, reltuples::bigint AS n FROM pg_class
      WHERE relnamespace = 'siyu'::regnamespace AND relkind = 'r' AND relname IN ${owner([...TABLES])}`).map((r) => [String(r.relname), Number(r.n)]));
    const base: Omit<Results, 'targets'> = {
      scale: { customers, rows: seeded?.rows ?? Object.values(tables).reduce((a, b) => a + b, 0), tables },
      machine: machine(load.values),
      database: { size_mb: Math.round(Number(sizes?.database ?? 0) / 1_048_576), rollups_mb: Math.round(Number(sizes?.rollups ?? 0) / 1_048_576) },
      date: started.toISOString(),
      commit: commit(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ') || `--customers ${customers}`}`.replace(/ -- $/, ''),
      options: { runs, open_runs: openRuns, compare_runs: compareRuns, budget_s: budgetMs / 1000, users, duration_s: durationMs / 1000, think_ms: thinkMs, csv_rows: csvRows },
      seed: seeded ? { rows: seeded.rows, ms: seeded.ms, rows_per_second: seeded.rows_per_second, classify_ms: seeded.classify_ms } : null,
      web: bundleSizes(web.build_ms),
      start: { first_ready_ms: Math.round(firstReadyMs), ready_again_ms: Math.round(readyAgainMs), first_overview_after_restart_ms: Math.round(firstOverviewMs) },
      memory: { product_peak_rss_mb: peakRss, postgres_peak_pss_mb: pgMemory.peakMb() },
      pages: figures,
      drill: {
        url: `/customers?${drillBase}&to=<as-of − n days>`, total_rows: total,
        first_page: { list: { cold: latency(first.cold), warm: latency(first.warm) }, page_cold: latency(first.page) },
        deep_page: { page: deepPage, list: { cold: latency(deep.cold), warm: latency(deep.warm) } },
      },
      customer_360: { customers: someCustomers.length, page: latency(c360Page), query: latency(c360Query) },
      csv: { ...csv, ms: Math.round(csv.ms), ms_per_100k_rows: Math.round((csv.ms / Math.max(1, csv.rows)) * 100_000), target_rows: csvRows },
      concurrency,
      noisy_neighbour: noisy,
      comparison: comparisonFigures,
    };
    await owner.end({ timeout: 5 });
    await stopAll();

    const results: Results = { ...base, targets: evaluateTargets(base) };
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(docFile, markdown(results, docFile));
    process.stdout.write(`${consoleTable(results)}\n\nwrote bench/results.json and ${path.relative(ROOT_DIR, docFile)}\n`);
  } finally {
    await stopAll();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The report again from the last results (after editing the notes, or the report's code). */
function render(): void {
  const { targets: _old, ...base } = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results;
  const results: Results = { ...base, targets: evaluateTargets(base) };
  writeFileSync(docFile, markdown(results, docFile));
  process.stdout.write(`${consoleTable(results)}\n\nwrote ${path.relative(ROOT_DIR, docFile)} from ${path.relative(ROOT_DIR, RESULTS_FILE)}\n`);
}

if (args.render) {
  render();
  process.exit(0);
}

main().then(() => process.exit(0), (error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
