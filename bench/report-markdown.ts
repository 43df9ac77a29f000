/**
 * docs/benchmarks.md from the results: the run, the targets of issue #19
 * (each a row with the figure measured and its verdict), then the figures
 * behind them. Hand-written notes below the marker line of that file are
 * kept when it is written again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ms, type Latency } from './stats.ts';
import { FRESHNESS_MS, speedup, structureCell, times, verdict, type Results } from './report.ts';

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
    `What the product does at one scale on one machine, measured by \`npm run bench\`, against the targets of issue #19, which are set for **1,000,000 customers on a 2-core machine**. Figures from a smaller scale say little about those targets: where one is met here it may still be missed at 1M.`,
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
    '| target (issue #19) | at 1M customers | measured here | verdict |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.what} | ${t.target} | ${t.measured} | ${verdict(t)} |`),
    '',
    '## Pages',
    '',
    'The pages on their default range (last 12 months). Each query of a page is timed alone, `runs` times: *warm* (the page\'s own query again and again, answered from Cube\'s result cache), then *after a write* (before each run one order is written as the product\'s writers write one, and the query goes with a different `limit`, so the answer is computed after the write: neither Cube\'s result cache nor its refresh-key window can answer). "Open" is the whole page: all its queries (and API calls) at once, at most six in flight as a browser has, from the first sent to the last answered, after a write. "Answered by" is what Cube reported answered the executive\'s query: its pre-aggregations, or else the product\'s tables its SQL reads (`customer_days`: the customer-day table behind the `sales_buyers` view), and the manager\'s and staff member\'s where it differs. p50 / p95.',
    '',
  ];
  for (const p of r.pages) {
    out.push(`### ${p.page} \`${p.route}\``, '',
      `Open after a write ${lat(p.open.cold)}${p.open.errors ? ` (${p.open.errors} runs answered an error: ${p.open.error?.replace(/\|/g, '/')})` : ''}; warm ${lat(p.open.warm)}; first open after start ${ms(p.first_open_ms)}.${p.requests.length > 0 ? ` With ${p.requests.map((x) => `\`${x.split('?')[0]}\``).join(', ')}.` : ''}`,
      '',
      '| query | answered by | rows | after a write | warm |',
      '|---|---|---:|---:|---:|',
      ...p.queries.map((q) => `| ${q.name} | ${structureCell(q)} | ${int(q.rows)} | ${lat(q.cold)}${q.errors ? ` (${q.errors} errors: ${q.error?.replace(/\|/g, '/')})` : ''} | ${lat(q.warm)} |`),
      '');
  }
  out.push(...rangeSections(r));
  if (r.comparison.length > 0) out.push(
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
  );
  out.push(
    '## Drill-down list, customer 360, CSV export',
    '',
    `- Drill-down list \`${r.drill.url}\` (${int(r.drill.total_rows)} customers; the range's end moves back a day each run so neither the page nor its total comes from Cube's cache). A page is two queries, one after the other, as the page sends them: the customers ranked on the facts with the total, then those customers' attributes by id. First page with its total ${lat(r.drill.first_page.list.cold)} (warm ${lat(r.drill.first_page.list.warm)}); the whole page with its header and filter bar ${lat(r.drill.first_page.page_cold)}; page ${r.drill.deep_page.page} ${lat(r.drill.deep_page.list.cold)} (warm ${lat(r.drill.deep_page.list.warm)}).`,
    ...(r.drill.preset ? [`- The same list on its preset range, \`${r.drill.preset.url}\` (近12个月, ${int(r.drill.preset.total_rows)} customers), each run after a new order (every cache key on the facts changes, as for the tiles): first page with its total ${lat(r.drill.preset.first_page)}; page ${r.drill.preset.deep_page.page} ${lat(r.drill.preset.deep_page.list)}.`] : []),
    `- Customer 360, ${r.customer_360.customers} different customers, all seven queries at once: ${lat(r.customer_360.page)}; one query ${lat(r.customer_360.query)}.`,
    `- CSV export through \`/api/export.csv\` (the all-customers list, streamed and counted, never held): ${int(r.csv.rows)} rows, ${(r.csv.bytes / 1_048_576).toFixed(1)} MB in ${ms(r.csv.ms)}${r.csv.complete ? ' (the whole list)' : ''}; ${ms(r.csv.ms_per_100k_rows)} per 100,000 rows.`,
    '',
    `## ${r.concurrency.users} concurrent users`,
    '',
    `Each logs in through \`POST /api/login\` (${r.concurrency.accounts} different demo accounts${r.concurrency.roles ? `, people by role: ${Object.entries(r.concurrency.roles).map(([role, k]) => `${k} ${role}`).join(', ')}` : ''}; managers and staff each see their own team's or their own customers), opens the overview, then a headline number's customer list, then the first customer's 360, with a pause of ${r.concurrency.think_ms} ms ± 50% between pages, again and again for ${r.concurrency.duration_s} s; the last pages started were answered ${r.concurrency.elapsed_s} s after the first login. A request is timed from when the browser sends it, a page from its first request to its last answer (so it includes requests waiting for one of the browser\'s six connections).`,
    '',
    '| | |',
    '|---|---|',
    `| requests | ${int(r.concurrency.requests)} (${r.concurrency.requests_per_second}/s), ${r.concurrency.pages_opened} pages |`,
    `| request p50 / p95 / max | ${ms(r.concurrency.request.p50)} / ${ms(r.concurrency.request.p95)} / ${ms(r.concurrency.request.max)} |`,
    `| page p50 / p95 / max | ${ms(r.concurrency.page.p50)} / ${ms(r.concurrency.page.p95)} / ${ms(r.concurrency.page.max)} |`,
    `| login p50 / p95 | ${ms(r.concurrency.logins.p50)} / ${ms(r.concurrency.logins.p95)} |`,
    `| errors | ${r.concurrency.errors}${r.concurrency.error_samples.length > 0 ? `: ${r.concurrency.error_samples.map((e) => `\`${e.replace(/\|/g, '/')}\``).join('; ')}` : ''} |`,
    '',
    ...requestKinds(r.concurrency),
    ...noisyNeighbour(r.noisy_neighbour),
    ...freshness(r.freshness),
    '## Seed, start-up, memory, web bundle',
    '',
    '| | |',
    '|---|---|',
    `| seed | ${r.seed ? `${int(r.seed.rows)} rows in ${ms(r.seed.ms)}: ${int(r.seed.rows_per_second)} rows/s (generation, COPY, constraints and ANALYZE, as \`npm run seed\` does)${r.seed.summaries_ms !== undefined ? `; in the same transaction the summary tables built from them (customer days, periods, participant conversions) in ${ms(r.seed.summaries_ms)}` : ''}${r.seed.classify_ms !== undefined ? `; then the classification materialized in ${ms(r.seed.classify_ms)}` : ''}` : 'not measured (data directory reused)'} |`,
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
    '- Queries come from the pages\' own pure query builders (`web/src/features/*/build-quer*.ts`, `web/src/lib/drill.ts`, `filters.ts`), called as each page calls them on opening with its default URL (range: last 12 months up to as-of), then with each other preset of the filter bar (`web/src/lib/date-range.ts`, \`--presets\`) and with custom ranges (\`from=…&to=…\`, none of them a preset) in the URL. Each page\'s list is its own `web/src/features/<page>/page-queries.ts`, which the page runs; `web/src/page-loads.ts` composes them.',
    '- Before timing, every page is opened once (its "first open after start": rollups that are not built yet are built then, or read from the raw tables meanwhile). The product is then stopped and started again on the same data (the "second start"), and every figure after that is taken on that second process.',
    '- Warm runs follow each other at once, inside the 2-s refresh-key window of the live cubes; after that window Cube runs the refresh-key SQL again before it answers from its cache. A query\'s (or page\'s) runs stop early, after at least 3, once they have taken `budget_s` seconds; `n` in `bench/results.json` says how many there were.',
    '- Cube\'s result cache is defeated by a new write and a different `limit` each run (results are the same; the SQL, hence the cache key, differs): one paid order is inserted through SQL as the live writers insert one (`bench/new-order.ts`, on the data date, in the big-screen\'s campaign), so the triggers and the data-version counters behind the refresh keys run, then the query is sent. A list\'s `total` count does not depend on the limit, so for lists the range moves instead.',
    '- Which pre-aggregation answered (and, when none did, which tables the SQL reads) is asked of a Cube of the same model started by the benchmark with a system secret (the product\'s Cube never tells), on the same database, under the executive\'s, the manager\'s and the staff member\'s security context.',
    '- Peak memory is the product process\'s VmHWM; PostgreSQL\'s is sampled every 2 s.',
    '',
    NOTES_MARKER,
    '',
  );
  const notes = keptNotes(docFile);
  return `${out.join('\n')}${notes}`;
}

/** The users' requests by kind and role: where their time went (largest total first). */
function requestKinds(c: Results['concurrency']): string[] {
  const kinds = c.kinds ?? [];
  if (kinds.length === 0) return [];
  const all = kinds.reduce((a, k) => a + k.total_ms, 0) || 1;
  const shown = kinds.slice(0, 40);
  return [
    `Where the requests' time went, by kind of request and role (${shown.length < kinds.length ? `the ${shown.length} largest of ${kinds.length}` : `all ${kinds.length}`}): \`overview: <query>\` is the overview's query by name, \`list <metric>: <query>\` the drill list's (\`list → attributes\` its second query), \`360: <query>\` the customer 360's; "total" is the sum of its answered requests' times and "share" that sum's part of all requests' times (waiting in the app server's queue and in Cube included).`,
    '',
    '| request | role | n | p50 | p95 | max | total | share | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...shown.map((k) => `| ${k.kind} | ${k.role} | ${k.n} | ${ms(k.p50)} | ${ms(k.p95)} | ${ms(k.max)} | ${ms(k.total_ms)} | ${((100 * k.total_ms) / all).toFixed(1)} % | ${k.errors} |`),
    '',
  ];
}

/** One person's heaviest queries beside another's fresh query (issue 19's "≤ +1 s" target, a figure here). */
function noisyNeighbour(n: Results['noisy_neighbour']): string[] {
  if (!n) return [];
  return [
    '## One person\'s heaviest queries beside another\'s fresh query',
    '',
    `\`${n.heavy_account}\` keeps ${n.heavy_queries} of the heaviest queries its role may send in flight (each answered one followed at once by another) (${n.heavy_shape ? `the heaviest the product admits: ${n.heavy_shape} of \`sales_overview\`` : 'every measure of \`sales_overview\`, per-second granularity, a year'}); meanwhile \`${n.other_account}\`'s query is timed with Cube's cache defeated, against the same query alone.`,
    '',
    '| | |',
    '|---|---|',
    `| alone p50 / p95 | ${ms(n.alone.p50)} / ${ms(n.alone.p95)} (${n.alone.n} runs) |`,
    `| beside the heavy queries p50 / p95 | ${ms(n.beside_heavy.p50)} / ${ms(n.beside_heavy.p95)} (${n.beside_heavy.n} runs) |`,
    `| added (p50) / ratio | ${ms(n.added_ms)} / ${n.ratio}× |`,
    `| the heavy queries sent meanwhile | ${Object.entries(n.heavy_answers).map(([status, count]) => `${count} × ${status}`).join(', ')}; slowest ${ms(n.heavy_max_ms)} |`,
    ...(n.refused ? [`| every measure by second over a year | answered ${n.refused.status}: ${n.refused.message} |`] : []),
    '',
  ];
}

/** Every other preset and the custom ranges: each page's slowest ranged tile and its opening. */
function rangeSections(r: Results): string[] {
  const ranges = r.ranges ?? [];
  if (ranges.length === 0) return [];
  const lat = (l: Latency | null): string => (l ? `${ms(l.p50)} / ${ms(l.p95)}` : '—');
  const slowest = (tiles: NonNullable<Results['ranges']>[number]['tiles']) => tiles.reduce((a, b) => (b.cold.p95 > a.cold.p95 ? b : a));
  return [
    '## Other presets and custom ranges',
    '',
    'The same pages with another date range in the URL: every preset the filter bar offers that was asked for (`presets` above; the pages\' 环比 and 同比 come with them), and custom ranges, a different one each run. Only the queries the range changes are timed (after a write, as above); the page is then opened whole after a write (presets). "Tiles" is how many queries the range changed; p50 / p95.',
    '',
    ...(r.ranges_cut ? ['**Cut short**: the run reached its `--deadline` here, so the ranges below are those it had timed by then.', ''] : []),
    '| range | page | tiles | slowest tile | its p50 / p95 | open p50 / p95 |',
    '|---|---|---:|---|---:|---:|',
    ...ranges.map((x) => {
      const s = slowest(x.tiles);
      const errors = x.tiles.reduce((a, t) => a + (t.errors ?? 0), 0) + (x.errors ?? 0);
      return `| ${x.range} | ${x.page} | ${x.tiles.length}${errors ? ` (${errors} runs answered an error)` : ''} | ${s.name} | ${lat(s.cold)} | ${lat(x.open)} |`;
    }),
    '',
  ];
}

/** A new order's way to the big-screen and to an overview tile (issue 19: ≤ 7 s, with margin). */
function freshness(f: Results['freshness']): string[] {
  if (!f) return [];
  return [
    '## A new order on the screens',
    '',
    `${f.runs} times: one paid order written as the live writers write one, then the big-screen\'s live query (the campaign\'s GMV by hour today) and the overview\'s GMV tile asked again every ${f.poll_ms} ms through the app server, exactly as the browser asks them (so Cube\'s cache answers until its refresh key sees the write), until each shows the order\'s amount. Timed from before the INSERT.`,
    '',
    '| | p50 | p95 | slowest | margin to 7 s (slowest) |',
    '|---|---:|---:|---:|---:|',
    ...([['big-screen', f.big_screen], ['overview tile', f.overview], ['both', f.both]] as const).map(([what, l]) =>
      `| ${what} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.max)} | ${ms(FRESHNESS_MS - l.max)} |`),
    '',
    ...(f.missed > 0 ? [`${f.missed} orders were not seen on both within ${ms(f.give_up_ms)} (counted as ${ms(f.give_up_ms)}).`, ''] : []),
  ];
}
