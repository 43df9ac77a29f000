/**
 * Where the custom-range drill list's time goes (issue 19, docs/performance.md
 * "The custom-range drill list at month edges"): the queries its page sends
 * as exec (the ranked page, its total, the header, the page's attributes), on
 * the benchmark's own custom ranges (bench/drill-list.ts: the 近12个月 start
 * to as-of − 1 − i days), first page and a page 80 % down:
 *
 *   node --import tsx bench/drill-range-explain.ts --data-dir <dir> [--runs 5] [--out file.json]
 *
 * For each query: the statement as Cube sends it, `EXPLAIN (ANALYZE, BUFFERS)`
 * as Cube's role (its settings), median of the runs (each on another range);
 * then through Cube's API (Cube connected as its own role, no rollups), each
 * run after a new paid order and 2.5 s (so every refresh key changes and the
 * cache cannot answer), on another range: each query alone, and the page as
 * the page sends it (list then attributes, beside the total). p50 / p95.
 */
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { cubeRoleName, ensureCubeRole } from '../cube/database/cube-role.ts';
import { startCubeServer } from '../cube/engine/cube-server.ts';
import { freePort } from '../cube/ports.ts';
import { addDays, dateRangeFor } from '../web/src/lib/date-range.ts';
import { drillList, type NamedQuery } from '../web/src/page-loads.ts';
import { cubeSql, demoPeople, tokenFor } from './demo-people.ts';
import { orderWriter } from './new-order.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '5' }, out: { type: 'string' } } });
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[drill-range-explain ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const config = loadConfig();
const pct = (xs: number[]): string => `p50 ${percentile(xs, 50).toFixed(0)} / p95 ${percentile(xs, 95).toFixed(0)} ms`;

async function load(cubeUrl: string, token: string, query: object): Promise<Array<Record<string, unknown>>> {
  for (;;) {
    const response = await fetch(`${cubeUrl}/cubejs-api/v1/load`, {
      method: 'POST', headers: { Authorization: token, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: { ...query, timezone: config.timeZone } }),
    });
    const body = (await response.json()) as { error?: string; data?: Array<Record<string, unknown>> };
    if (body.error === 'Continue wait') continue;
    if (response.status !== 200 || !body.data) throw new Error(`Cube answered ${response.status}: ${body.error}`);
    return body.data;
  }
}

const pgPort = await freePort();
const db = await startEmbeddedPostgres(dataDir, pgPort);
const url = embeddedUrl(dataDir, pgPort);
const sql = postgres(url, { max: 1, onnotice: () => {} });
const roleUrl = await ensureCubeRole(sql, url);
const database = (await sql<{ db: string }[]>`SELECT current_database() AS db`)[0]!.db;
const roleSettings = await sql<{ s: string }[]>`
  SELECT unnest(setconfig) AS s FROM pg_db_role_setting WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = ${cubeRoleName(database)})`;
for (const { s } of roleSettings) {
  const [name, value] = s.split(/=(.*)/s);
  if (!/timeout/.test(name!)) await sql`SELECT set_config(${name!}, ${value!}, false)`;
}
const secret = randomBytes(32).toString('hex');
const cube = await startCubeServer({ databaseUrl: roleUrl, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: config.modelDir, systemSecret: secret, preAggregations: false });
const loads: number[] = [os.loadavg()[0]!];
try {
  const asOf = String((await sql<{ v: string }[]>`SELECT value AS v FROM siyu.settings WHERE key = 'as_of'`)[0]!.v).slice(0, 10);
  const exec = (await demoPeople(sql)).find((p) => p.username === 'exec')!;
  const token = tokenFor(exec, secret);
  const from = dateRangeFor('last_12_months', asOf)![0];
  const queriesOf = (i: number, page: number): NamedQuery[] =>
    drillList(`metric=gmv&from=${from}&to=${addDays(asOf, -(i + 1))}${page > 1 ? `&page=${page}` : ''}`, asOf).queries
      .filter((q) => ['list', 'list_total', 'summary'].includes(q.name));
  const first = queriesOf(0, 1);
  const total = Number((await load(cube.url, token, first.find((q) => q.name === 'list_total')!.query))[0]?.['sales_drill_range_totals.buyers'] ?? 0);
  const deepPage = Math.max(2, Math.floor((total * 0.8) / 50));
  say(`as of ${asOf}, range ${from}..${addDays(asOf, -1)}: ${total} customers, deep page ${deepPage}`);
  const results: Record<string, unknown> = { asOf, total, deepPage };

  // The statements, as Cube's role.
  const shapes: Array<[string, number, string]> = [['list (first page)', 1, 'list'], [`list (page ${deepPage})`, deepPage, 'list'], ['total', 1, 'list_total'], ['header', 1, 'summary']];
  for (const [label, page, name] of shapes) {
    const times: number[] = [];
    let plan = '';
    for (let r = 0; r < runs; r++) {
      const query = queriesOf(r + 1, page).find((q) => q.name === name)!.query;
      const asked = await cubeSql(cube.url, token, query, config.timeZone);
      if ('error' in asked) throw new Error(asked.error);
      const rows = await sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${asked.text}`, asked.params as postgres.ParameterOrJSON<never>[]);
      plan = rows.map((x) => String(x['QUERY PLAN'])).join('\n');
      times.push(Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1]));
      loads.push(os.loadavg()[0]!);
      if (r === 0) results[`sql ${label}`] = asked.text;
    }
    say(`statement ${label}: ${pct(times)}`);
    results[`statement ${label}`] = { ms: times, plan };
  }

  // Through Cube, each run after a new order, on a new range.
  const writer = await orderWriter(sql, null);
  // Each measurement on ranges of its own (the end 1 + r + runs·k days before as-of), all about a year long.
  let measured = 0;
  const through = async (label: string, page: number, run: (qs: NamedQuery[]) => Promise<unknown>): Promise<void> => {
    const times: number[] = [];
    const k = ++measured;
    for (let r = 0; r < runs; r++) {
      await writer.write();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const qs = queriesOf(runs * k + r, page);
      const t0 = performance.now();
      await run(qs);
      times.push(performance.now() - t0);
      loads.push(os.loadavg()[0]!);
    }
    say(`through Cube ${label}: ${pct(times)}`);
    results[`cube ${label}`] = times;
  };
  const page = async (qs: NamedQuery[]): Promise<void> => {
    await Promise.all(qs.filter((q) => q.name !== 'summary').map(async (q) => {
      const rows = await load(cube.url, token, q.query);
      const next = q.then?.(rows);
      if (next) await load(cube.url, token, next);
    }));
  };
  await through('first page with its total (list, attributes | total)', 1, page);
  await through(`page ${deepPage} with its total`, deepPage, page);
  await through('list alone (first page)', 1, async (qs) => load(cube.url, token, qs.find((q) => q.name === 'list')!.query));
  await through('total alone', 1, async (qs) => load(cube.url, token, qs.find((q) => q.name === 'list_total')!.query));
  results.load = { mean: loads.reduce((a, b) => a + b, 0) / loads.length, max: Math.max(...loads) };
  say(`load mean ${(results.load as { mean: number }).mean.toFixed(1)}, max ${(results.load as { max: number }).max.toFixed(1)}`);
  if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
} finally {
  await sql.end();
  await cube.stop();
  await db.stop();
}
process.exit(0);
