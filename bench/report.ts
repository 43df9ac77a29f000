/**
 * The benchmark's figures against issue #12's targets (set for 1,000,000
 * customers on a 2-core machine), as a table for the terminal and as
 * docs/benchmarks.md. Hand-written notes below the marker line of that file
 * are kept when it is written again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ms, type Latency } from './stats.ts';

export type Rollups = Record<string, string[] | null>;

export interface QueryFigures {
  name: string;
  /** Per role: the pre-aggregations Cube said answered ([] = raw tables, null = the role may not run it or the probe failed). */
  rollups: Rollups | null;
  rows: number;
  cold: Latency;
  warm: Latency;
}

export interface PageFigures {
  page: string;
  route: string;
  requests: string[];
  first_open_ms: number;
  queries: QueryFigures[];
  open: { cold: Latency; warm: Latency };
}

export interface ComparisonFigures {
  name: string;
  from: string;
  rollups: string[] | null;
  with_rollups: Latency;
  without_rollups: Latency;
  sql: Latency | null;
  without_over_with: number;
  sql_over_with: number | null;
  /** Cube with and without pre-aggregations give the same numbers. */
  same_with_and_without: boolean;
  /** The hand-written SQL gives the numbers Cube gives; null when there is none. */
  sql_matches: boolean | null;
}

export interface Results {
  scale: { customers: number; rows: number | null; tables: Record<string, number> | null };
  machine: { cores: number; cpu: string; ram_gb: number; os: string; node: string; load_average: { mean: number; max: number } | null };
  database: { size_mb: number; rollups_mb: number };
  date: string;
  commit: { sha: string; uncommitted: string[] };
  command: string;
  options: Record<string, number | string | boolean>;
  /** ms: the load; classify_ms: the materialized classification built after it. */
  seed: { rows: number; ms: number; rows_per_second: number; classify_ms?: number } | null;
  web: { build_ms: number | null; budget_kb: number | null; routes: Array<{ route: string; first_render_kb: number; with_charts_kb: number }> } | null;
  start: { first_ready_ms: number; ready_again_ms: number; first_overview_after_restart_ms: number };
  memory: { product_peak_rss_mb: number | null; postgres_peak_pss_mb: number | null };
  pages: PageFigures[];
  drill: {
    url: string;
    total_rows: number;
    first_page: { list: { cold: Latency; warm: Latency }; page_cold: Latency };
    deep_page: { page: number; list: { cold: Latency; warm: Latency } };
  };
  customer_360: { customers: number; page: Latency; query: Latency };
  csv: { rows: number; ms: number; bytes: number; complete: boolean; ms_per_100k_rows: number; target_rows: number };
  concurrency: import('./load-test.ts').LoadTestResult;
  /** Absent in results from before it was measured. */
  noisy_neighbour?: import('./noisy-neighbour.ts').NoisyNeighbourResult;
  comparison: ComparisonFigures[];
  targets: Target[];
}

export interface Target {
  id: string;
  what: string;
  target: string;
  /** The measured figure in words, with where it comes from. */
  measured: string;
  met: boolean | null;
  /** How far from the target, in words; empty when met. */
  gap: string;
}

const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;
export { kb };

function atMost(id: string, what: string, limit: number, value: number | null, where: string, unit: 'ms' | 'KB' = 'ms'): Target {
  const show = (v: number): string => (unit === 'ms' ? ms(v) : `${v.toFixed(1)} KB`);
  if (value === null || Number.isNaN(value)) return { id, what, target: `≤ ${show(limit)}`, measured: 'not measured', met: null, gap: '' };
  const met = value <= limit;
  return {
    id, what, target: `≤ ${show(limit)}`, measured: `${show(value)}${where ? ` (${where})` : ''}`, met,
    gap: met ? '' : `${show(value - limit)} over, ${(value / limit).toFixed(1)}× the target`,
  };
}

/** A ratio as people read it: one decimal from 1× up, two significant digits below (a rollup slower than the raw query is 0.048×, not 0.0×). */
export function times(value: number): string {
  return `${value >= 1 ? value.toFixed(1) : value.toPrecision(2)}×`;
}

/** Rollups ÷ raw for a compared query, from its medians (results.json's rounded field is for readers, not for this). */
function speedup(c: ComparisonFigures): number {
  return c.without_rollups.p50 / c.with_rollups.p50;
}

function atLeast(id: string, what: string, limit: number, value: number | null, where: string, format: (v: number) => string): Target {
  if (value === null || Number.isNaN(value)) return { id, what, target: `≥ ${format(limit)}`, measured: 'not measured', met: null, gap: '' };
  const met = value >= limit;
  return {
    id, what, target: `≥ ${format(limit)}`, measured: `${format(value)}${where ? ` (${where})` : ''}`, met,
    gap: met ? '' : `${times(limit / Math.max(value, 1e-9))} below the target`,
  };
}

/** A tile is served by a rollup when Cube said so for the executive's query. */
export function servedByRollup(q: QueryFigures): boolean | null {
  const exec = q.rollups?.executive;
  return exec === undefined || exec === null ? null : exec.length > 0;
}

export function evaluateTargets(r: Omit<Results, 'targets'>): Target[] {
  const tiles = r.pages.flatMap((p) => p.queries.map((q) => ({ page: p.page, q })));
  const probed = tiles.filter((t) => servedByRollup(t.q) !== null);
  const byRollup = probed.filter((t) => servedByRollup(t.q));
  const worst = (list: typeof tiles, pick: (q: QueryFigures) => number): { value: number; where: string } | null => {
    if (list.length === 0) return null;
    const top = list.reduce((a, b) => (pick(b.q) > pick(a.q) ? b : a));
    return { value: pick(top.q), where: `worst: ${top.page} ${top.q.name}` };
  };
  // Until some tile is served by a rollup, the figure is the worst tile of all (and says so).
  const coldRollup = worst(byRollup.length > 0 ? byRollup : tiles, (q) => q.cold.p95);
  const coldNote = byRollup.length > 0 || probed.length === 0 ? '' : 'no tile is served by a rollup yet, so over all tiles; ';
  const warm = worst(tiles, (q) => q.warm.p95);
  const bigScreen = r.pages.find((p) => p.page === 'big-screen');
  const byRollupCompared = r.comparison.filter((c) => (c.rollups?.length ?? 0) > 0);
  const speedups = byRollupCompared.length > 0 ? byRollupCompared : r.comparison;
  const slowest = speedups.length > 0 ? speedups.reduce((a, b) => (speedup(b) < speedup(a) ? b : a)) : null;
  const routes = r.web?.routes ?? [];
  const heaviest = routes.length > 0 ? routes.reduce((a, b) => (b.first_render_kb > a.first_render_kb ? b : a)) : null;
  const csvMs = r.csv.rows >= r.csv.target_rows ? r.csv.ms : r.csv.ms_per_100k_rows * (r.csv.target_rows / 100_000);
  const int = (v: number): string => Math.round(v).toLocaleString('en-US');

  return [
    {
      id: 'rollup_coverage', what: 'Tiles and KPIs answered by a rollup (executive)', target: 'all',
      measured: probed.length === 0 ? 'not probed' : `${byRollup.length} of ${probed.length}`,
      met: probed.length === 0 ? null : byRollup.length === probed.length,
      gap: probed.length === 0 || byRollup.length === probed.length ? ''
        : byRollup.length === 0 ? 'every tile read the raw tables'
          : `${probed.length - byRollup.length} read the raw tables: ${listed(probed.filter((t) => !servedByRollup(t.q)).map((t) => `${t.page} ${t.q.name}`))}`,
    },
    atMost('tile_cold_p95', 'Tile with Cube\'s cache defeated, served by a rollup: p95', 150, coldRollup?.value ?? null, `${coldNote}${coldRollup?.where ?? ''}`),
    atMost('tile_warm_p95', 'Tile warm (Cube cache): p95', 50, warm?.value ?? null, warm?.where ?? ''),
    atMost('big_screen_warm', 'Big-screen full refresh, warm: p95', 300, bigScreen?.open.warm.p95 ?? null, ''),
    atMost('big_screen_cold', 'Big-screen full refresh, cache defeated: p95', 1500, bigScreen?.open.cold.p95 ?? null, ''),
    atLeast('rollup_speedup', 'Pre-aggregated query against the same query on the raw tables (Cube without rollups)', 50, slowest ? speedup(slowest) : null,
      slowest ? `${byRollupCompared.length > 0 ? '' : 'no compared query is served by a rollup yet; '}smallest: ${slowest.name}` : '', times),
    atMost('drill_first_page', 'Drill-down list, first page with its total (cache defeated): p95', 300, r.drill.first_page.list.cold.p95, ''),
    atMost('drill_deep_page', `Drill-down list, a deep page (page ${r.drill.deep_page.page}, cache defeated): p95`, 500, r.drill.deep_page.list.cold.p95, ''),
    atMost('customer_360', 'Customer 360, all its queries: p95', 200, r.customer_360.page.p95, ''),
    atMost('csv_100k', `CSV export of ${int(r.csv.target_rows)} rows`, 10_000, csvMs,
      r.csv.rows >= r.csv.target_rows ? '' : `${int(r.csv.rows)} rows in ${ms(r.csv.ms)}, scaled to ${int(r.csv.target_rows)}`),
    atMost('concurrency_p95', `${r.concurrency.users} concurrent users: request p95`, 800, r.concurrency.request.p95, `page p95 ${ms(r.concurrency.page.p95)}`),
    {
      id: 'concurrency_errors', what: `${r.concurrency.users} concurrent users: errors`, target: '0',
      measured: `${r.concurrency.errors} of ${int(r.concurrency.requests)} requests`, met: r.concurrency.errors === 0,
      gap: r.concurrency.errors === 0 ? '' : `${r.concurrency.errors} errors (${r.concurrency.error_samples[0] ?? ''})`,
    },
    atLeast('seed_rows_per_second', 'Seed throughput', 250_000, r.seed?.rows_per_second ?? null, '', (v) => `${int(v)} rows/s`),
    atMost('ready_seeded', 'Start to ready on a seeded database (second start)', 60_000, r.start.ready_again_ms, ''),
    atMost('first_page_js', 'JavaScript of a first page (gzip), heaviest route', 250, heaviest?.first_render_kb ?? null, heaviest?.route ?? '', 'KB'),
  ];
}

function listed(items: string[], max = 12): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

const verdict = (t: Target): string => (t.met === null ? '—' : t.met ? 'met' : `missed: ${t.gap}`);
const rollupCell = (q: { rollups: Rollups | null }): string => {
  if (!q.rollups) return '—';
  const show = (v: string[] | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.length === 0 ? 'raw' : v.join(' + '));
  const exec = show(q.rollups.executive);
  const others = ['manager', 'staff'].map((role) => show(q.rollups![role]));
  return others.every((o) => o === exec || o === 'n/a') ? exec : `${exec} (manager: ${others[0]}; staff: ${others[1]})`;
};

/** The terminal's summary: the targets, then each page's slowest tile. */
export function consoleTable(r: Results): string {
  const lines = [
    `${r.scale.customers.toLocaleString('en-US')} customers, ${(r.scale.rows ?? 0).toLocaleString('en-US')} rows; ${r.machine.cores} cores, ${r.machine.ram_gb} GB; ${r.commit.sha.slice(0, 10)}`,
    '',
    `${'target (issue #12, at 1M customers)'.padEnd(70)} ${'target'.padEnd(12)} measured`,
    ...r.targets.map((t) => `${t.what.slice(0, 70).padEnd(70)} ${t.target.padEnd(12)} ${t.measured}${t.met === false ? `  ← MISSED: ${t.gap}` : t.met ? '  ok' : ''}`),
    '',
    `${'page'.padEnd(26)} ${'open cold p95'.padStart(14)} ${'open warm p95'.padStart(14)}  slowest tile (cold p95)`,
    ...r.pages.map((p) => {
      const slow = p.queries.reduce((a, b) => (b.cold.p95 > a.cold.p95 ? b : a));
      return `${p.page.padEnd(26)} ${ms(p.open.cold.p95).padStart(14)} ${ms(p.open.warm.p95).padStart(14)}  ${slow.name} ${ms(slow.cold.p95)} [${rollupCell(slow)}]`;
    }),
    '',
    `${'compared query'.padEnd(40)} ${'rollups'.padStart(9)} ${'raw'.padStart(9)} ${'SQL'.padStart(9)} ${'raw÷rollup'.padStart(11)}`,
    ...r.comparison.map((c) => `${c.name.padEnd(40)} ${ms(c.with_rollups.p50).padStart(9)} ${ms(c.without_rollups.p50).padStart(9)} ${ms(c.sql?.p50).padStart(9)} ${times(speedup(c)).padStart(11)}`),
  ];
  return lines.join('\n');
}

export const NOTES_MARKER = '<!-- Hand-written notes below this line are kept when `npm run bench` writes this file again. -->';

function keptNotes(file: string): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(NOTES_MARKER);
  return at < 0 ? '' : text.slice(at + NOTES_MARKER.length).replace(/^\n+/, '');
}

export function markdown(r: Results, docFile: string): string {
  const int = (v: number): string => v.toLocaleString('en-US');
  const lat = (l: Latency): string => `${ms(l.p50)} / ${ms(l.p95)}`;
  const out: string[] = [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/run.ts). Rerun it rather than editing the figures by hand. -->',
    '',
    `What the product does at one scale on one machine, measured by \`npm run bench\`, against the targets of issue #12, which are set for **1,000,000 customers on a 2-core machine**. Figures from a smaller scale say little about those targets: where one is met here it may still be missed at 1M.`,
    '',
    '## The run',
    '',
    '| | |',
    '|---|---|',
    `| scale | ${int(r.scale.customers)} customers, ${r.scale.rows === null ? 'rows not counted' : `${int(r.scale.rows)} rows`}${r.scale.tables ? ` (${r.seed ? '' : 'the catalogue\'s estimate, the data directory was reused: '}${Object.entries(r.scale.tables).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${int(n)}`).join(', ')})` : ''} |`,
    `| machine | ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.ram_gb} GB RAM, ${r.machine.os}, Node ${r.machine.node} |`,
    `| load average during the run | ${r.machine.load_average ? `${r.machine.load_average.mean} mean, ${r.machine.load_average.max} max (1-minute, the benchmark and the product included; above ${r.machine.cores}, processes were waiting for a core, and other people's work on a shared machine shows here)` : '—'} |`,
    `| database | ${int(r.database.size_mb)} MB on disk, of which rollup tables ${int(r.database.rollups_mb)} MB |`,
    `| date | ${r.date} |`,
    `| commit | \`${r.commit.sha}\`${r.commit.uncommitted.length > 0 ? ` with uncommitted changes in ${r.commit.uncommitted.length} files (${r.commit.uncommitted.slice(0, 8).join(', ')}${r.commit.uncommitted.length > 8 ? ', …' : ''})` : ''} |`,
    `| command | \`${r.command}\` |`,
    `| options | ${Object.entries(r.options).map(([k, v]) => `${k} ${v}`).join(', ')} |`,
    '',
    '## Against the targets',
    '',
    '| target (issue #12) | at 1M customers | measured here | verdict |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.what} | ${t.target} | ${t.measured} | ${verdict(t)} |`),
    '',
    '## Pages',
    '',
    'Each query of a page is timed alone, `runs` times: *warm* (the page\'s own query again and again, answered from Cube\'s result cache), then *cache defeated* (a different `limit` each run, so a rollup or the raw tables must answer). "Open" is the whole page: all its queries (and API calls) at once, at most six in flight as a browser has, from the first sent to the last answered. "Rollup" is what Cube reported answered the executive\'s query (raw = the raw tables), and the manager\'s and staff member\'s where it differs. p50 / p95.',
    '',
  ];
  for (const p of r.pages) {
    out.push(`### ${p.page} \`${p.route}\``, '',
      `Open, cache defeated ${lat(p.open.cold)}; warm ${lat(p.open.warm)}; first open after start ${ms(p.first_open_ms)}.${p.requests.length > 0 ? ` With ${p.requests.map((x) => `\`${x.split('?')[0]}\``).join(', ')}.` : ''}`,
      '',
      '| query | rollup | rows | cache defeated | warm |',
      '|---|---|---:|---:|---:|',
      ...p.queries.map((q) => `| ${q.name} | ${rollupCell(q)} | ${int(q.rows)} | ${lat(q.cold)} | ${lat(q.warm)} |`),
      '');
  }
  out.push(
    '## With pre-aggregations, without them, and hand-written SQL',
    '',
    'The same query, cache defeated the same way, through the product (rollups as the model has them) and through a second product on the same database started with `SIYU_PRE_AGGREGATIONS=off` (every `pre_aggregations` block left out of the model), interleaved run by run; and, where there is one, SQL written by hand on the raw tables. "Same numbers" checks the three agree (totals of each answer). p50 / p95.',
    '',
    '| query | rollup | with rollups | without | hand SQL | without ÷ with | SQL ÷ with | same numbers |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...r.comparison.map((c) => `| ${c.name} | ${c.rollups === null ? '—' : c.rollups.length === 0 ? 'raw' : c.rollups.join(' + ')} | ${lat(c.with_rollups)} | ${lat(c.without_rollups)} | ${c.sql ? lat(c.sql) : '—'} | ${times(speedup(c))} | ${c.sql ? times(c.sql.p50 / c.with_rollups.p50) : '—'} | ${c.same_with_and_without ? 'yes' : '**no**'}${c.sql_matches === null ? '' : c.sql_matches ? ', SQL yes' : ', SQL **no**'} |`),
    '',
    r.comparison.map((c) => `- ${c.name}: ${c.from}`).join('\n'),
    '',
    '## Drill-down list, customer 360, CSV export',
    '',
    `- Drill-down list \`${r.drill.url}\` (${int(r.drill.total_rows)} customers; the range's end moves back a day each run so neither the page nor its total comes from Cube's cache). A page is two queries, one after the other, as the page sends them: the customers ranked on the facts with the total, then those customers' attributes by id. First page with its total ${lat(r.drill.first_page.list.cold)} (warm ${lat(r.drill.first_page.list.warm)}); the whole page with its header and filter bar ${lat(r.drill.first_page.page_cold)}; page ${r.drill.deep_page.page} ${lat(r.drill.deep_page.list.cold)} (warm ${lat(r.drill.deep_page.list.warm)}).`,
    `- Customer 360, ${r.customer_360.customers} different customers, all seven queries at once: ${lat(r.customer_360.page)}; one query ${lat(r.customer_360.query)}.`,
    `- CSV export through \`/api/export.csv\` (the all-customers list, streamed and counted, never held): ${int(r.csv.rows)} rows, ${(r.csv.bytes / 1_048_576).toFixed(1)} MB in ${ms(r.csv.ms)}${r.csv.complete ? ' (the whole list)' : ''}; ${ms(r.csv.ms_per_100k_rows)} per 100,000 rows.`,
    '',
    `## ${r.concurrency.users} concurrent users`,
    '',
    `Each logs in through \`POST /api/login\` (${r.concurrency.accounts} different demo accounts: executive, operator, admin, the manager, the staff member and employees' own accounts, so row limits are in the mix), opens the overview, then a headline number's customer list, then the first customer's 360, with a pause of ${r.concurrency.think_ms} ms ± 50% between pages, again and again for ${r.concurrency.duration_s} s; the last pages started were answered ${r.concurrency.elapsed_s} s after the first login. A request is timed from when the browser sends it, a page from its first request to its last answer (so it includes requests waiting for one of the browser\'s six connections).`,
    '',
    '| | |',
    '|---|---|',
    `| requests | ${int(r.concurrency.requests)} (${r.concurrency.requests_per_second}/s), ${r.concurrency.pages_opened} pages |`,
    `| request p50 / p95 / max | ${ms(r.concurrency.request.p50)} / ${ms(r.concurrency.request.p95)} / ${ms(r.concurrency.request.max)} |`,
    `| page p50 / p95 / max | ${ms(r.concurrency.page.p50)} / ${ms(r.concurrency.page.p95)} / ${ms(r.concurrency.page.max)} |`,
    `| login p50 / p95 | ${ms(r.concurrency.logins.p50)} / ${ms(r.concurrency.logins.p95)} |`,
    `| errors | ${r.concurrency.errors}${r.concurrency.error_samples.length > 0 ? `: ${r.concurrency.error_samples.map((e) => `\`${e.replace(/\|/g, '/')}\``).join('; ')}` : ''} |`,
    '',
    ...noisyNeighbour(r.noisy_neighbour),
    '## Seed, start-up, memory, web bundle',
    '',
    '| | |',
    '|---|---|',
    `| seed | ${r.seed ? `${int(r.seed.rows)} rows in ${ms(r.seed.ms)}: ${int(r.seed.rows_per_second)} rows/s (generation, COPY, constraints and ANALYZE, as \`npm run seed\` does)${r.seed.classify_ms !== undefined ? `; then the classification materialized in ${ms(r.seed.classify_ms)}` : ''}` : 'not measured (data directory reused)'} |`,
    `| start to ready, first start after the seed | ${ms(r.start.first_ready_ms)} (spawn of \`cube/start.ts\` to \`/healthz\` 200; demo accounts are made here) |`,
    `| start to ready, second start on the same data | ${ms(r.start.ready_again_ms)} |`,
    `| first overview after that start | ${ms(r.start.first_overview_after_restart_ms)} (all its queries, nothing in Cube's cache) |`,
    `| web build (\`npm run build:web\`, which \`npm start\` runs first) | ${ms(r.web?.build_ms ?? null)} |`,
    `| peak memory of the product process (app server + Cube) | ${r.memory.product_peak_rss_mb ?? '—'} MB RSS |`,
    `| peak memory of PostgreSQL (all its processes, shared pages counted once) | ${r.memory.postgres_peak_pss_mb ?? '—'} MB PSS |`,
    '',
  );
  if (r.web && r.web.routes.length > 0) {
    out.push('JavaScript per route (gzip), from `web/dist/sizes.json`: what the first render loads (entry, the page\'s chunk and their static imports), and with the chart chunk the page then loads.', '',
      '| route | first render | with charts |', '|---|---:|---:|',
      ...r.web.routes.map((w) => `| \`${w.route}\` | ${w.first_render_kb} KB | ${w.with_charts_kb} KB |`), '');
  }
  out.push(
    '## Method',
    '',
    '- `npm run bench -- --customers N` builds the web app, seeds a fresh embedded PostgreSQL in a scratch directory (timed: that is the seed figure), then starts the product as `npm start` does, in a child process (`node --import tsx cube/start.ts`, `DATA_DIR` on that directory), and talks to it only through its HTTP API, logged in as the demo accounts like a browser.',
    '- Queries come from the pages\' own pure query builders (`web/src/features/*/build-quer*.ts`, `web/src/lib/drill.ts`, `filters.ts`), called as each page calls them on opening with its default URL (range: last 12 months up to as-of). Each page\'s list is its own `web/src/features/<page>/page-queries.ts`, which the page runs; `web/src/page-loads.ts` composes them.',
    '- Before timing, every page is opened once (its "first open after start": rollups that are not built yet are built then, or read from the raw tables meanwhile). The product is then stopped and started again on the same data (the "second start"), and every figure after that is taken on that second process.',
    '- Warm runs follow each other at once, inside the 2-s refresh-key window of the live cubes; after that window Cube runs the refresh-key SQL again before it answers from its cache. A query\'s (or page\'s) runs stop early, after at least 3, once they have taken `budget_s` seconds; `n` in `bench/results.json` says how many there were.',
    '- Cube\'s result cache is defeated with a different `limit` each run (results are the same; the SQL, hence the cache key, differs). A list\'s `total` count does not depend on the limit, so for lists the range moves instead.',
    '- Which pre-aggregation answered is asked of a Cube of the same model started by the benchmark with a system secret (the product\'s Cube never tells), on the same database, under the executive\'s, the manager\'s and the staff member\'s security context.',
    '- Peak memory is the product process\'s VmHWM; PostgreSQL\'s is sampled every 2 s.',
    '',
    NOTES_MARKER,
    '',
  );
  const notes = keptNotes(docFile);
  return `${out.join('\n')}${notes}`;
}

/** One person's heaviest queries beside another's fresh query (issue 19's "≤ +1 s" target, a figure here). */
function noisyNeighbour(n: Results['noisy_neighbour']): string[] {
  if (!n) return [];
  return [
    '## One person\'s heaviest queries beside another\'s fresh query',
    '',
    `\`${n.heavy_account}\` keeps ${n.heavy_queries} of the heaviest queries its role may send in flight (each answered one followed at once by another) (every measure of \`sales_overview\`, per-second granularity, a year); meanwhile \`${n.other_account}\`'s query is timed with Cube's cache defeated, against the same query alone.`,
    '',
    '| | |',
    '|---|---|',
    `| alone p50 / p95 | ${ms(n.alone.p50)} / ${ms(n.alone.p95)} (${n.alone.n} runs) |`,
    `| beside the heavy queries p50 / p95 | ${ms(n.beside_heavy.p50)} / ${ms(n.beside_heavy.p95)} (${n.beside_heavy.n} runs) |`,
    `| added (p50) / ratio | ${ms(n.added_ms)} / ${n.ratio}× |`,
    `| the heavy queries sent meanwhile | ${Object.entries(n.heavy_answers).map(([status, count]) => `${count} × ${status}`).join(', ')}; slowest ${ms(n.heavy_max_ms)} |`,
    '',
  ];
}
