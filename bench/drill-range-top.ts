/**
 * The custom-range drill list's first page by the threshold walk (`sales_drill_range_top`, migration 063) against the
 * full ranking (`sales_drill_range`, migration 052), on a seeded data directory (docs/performance.md, "The custom-range
 * drill list's first page: the threshold walk"):
 *
 *   node --import tsx bench/drill-range-top.ts --data-dir <dir> [--runs 5] [--out file.json]
 *
 * As exec, the first page (50 rows by GMV) as the page sends it, and the same page asked of the full ranking's view,
 * on three kinds of custom range ending as-of − 1 − i days: the benchmark's (the 近12个月 start, about a year), 91 days
 * and 14 days. For each: the statement as Cube sends it, `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)` as Cube's role (its
 * settings), the two alternated, median of the runs; then through Cube's API (no rollups), each run after a new paid
 * order and 2.5 s, on another range: the list alone and the page with its total (list then attributes, beside the
 * total), walk and full ranking alternated. p50 / p95.
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
import { RANGE_DRILL_VIEW, RANGE_TOP_VIEW } from '../web/src/lib/drill/range.ts';
import { drillList, type NamedQuery } from '../web/src/page-loads.ts';
import { cubeSql, demoPeople, tokenFor } from './demo-people.ts';
import { orderWriter } from './new-order.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '5' }, out: { type: 'string' } } });
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[drill-range-top ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
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

/** The same page asked of the full ranking's view. */
const fullRanking = (query: object): object =>
  JSON.parse(JSON.stringify({ ...query, filters: undefined }).replaceAll(`"${RANGE_TOP_VIEW}.`, `"${RANGE_DRILL_VIEW}.`)) as object;

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
  const token = tokenFor((await demoPeople(sql)).find((p) => p.username === 'exec')!, secret);
  const kinds: Array<[string, (to: string) => string]> = [
    ['year (the benchmark\'s)', () => dateRangeFor('last_12_months', asOf)![0]], ['91 days', (to) => addDays(to, -90)], ['14 days', (to) => addDays(to, -13)],
  ];
  const results: Record<string, unknown> = { asOf };
  const writer = await orderWriter(sql, null);
  for (const [kind, fromOf] of kinds) {
    const queriesOf = (i: number): NamedQuery[] => {
      const to = addDays(asOf, -(i + 1));
      return drillList(`metric=gmv&from=${fromOf(to)}&to=${to}`, asOf).queries.filter((q) => ['list', 'list_total'].includes(q.name));
    };
    const list = (i: number): NamedQuery => queriesOf(i).find((q) => q.name === 'list')!;
    if (!JSON.stringify(list(0).query).includes(RANGE_TOP_VIEW)) throw new Error('the first page is not asked of the walk\'s view');
    const statement: Record<string, number[]> = { walk: [], full: [] };
    for (let r = 0; r < runs; r++) {
      for (const [which, query] of (r % 2 === 0 ? [['walk', list(r).query], ['full', fullRanking(list(r).query)]] : [['full', fullRanking(list(r).query)], ['walk', list(r).query]]) as Array<[string, object]>) {
        const asked = await cubeSql(cube.url, token, query, config.timeZone);
        if ('error' in asked) throw new Error(asked.error);
        const rows = await sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${asked.text}`, asked.params as postgres.ParameterOrJSON<never>[]);
        statement[which]!.push(Number(/Execution Time: ([\d.]+)/.exec(rows.map((x) => String(x['QUERY PLAN'])).join('\n'))?.[1]));
        if (r === 0) results[`sql ${kind} ${which}`] = asked.text;
        loads.push(os.loadavg()[0]!);
      }
    }
    say(`${kind}: statement walk ${pct(statement.walk!)}, full ranking ${pct(statement.full!)}`);
    // Through Cube, each run after a new order, on ranges not asked before.
    const through: Record<string, number[]> = { 'list walk': [], 'list full': [], 'page walk': [], 'page full': [] };
    for (let r = 0; r < runs; r++) {
      for (const which of r % 2 === 0 ? ['walk', 'full'] : ['full', 'walk']) {
        for (const shape of ['list', 'page']) {
          await writer.write();
          await new Promise((resolve) => setTimeout(resolve, 2500));
          const qs = queriesOf(runs + 4 * r + (shape === 'page' ? 2 : 0) + (which === 'full' ? 1 : 0));
          const t0 = performance.now();
          await Promise.all(qs.filter((q) => shape === 'page' || q.name === 'list').map(async (q) => {
            const rows = await load(cube.url, token, q.name === 'list' && which === 'full' ? fullRanking(q.query) : q.query);
            const next = shape === 'page' ? q.then?.(rows) : undefined;
            if (next) await load(cube.url, token, next);
          }));
          through[`${shape} ${which}`]!.push(performance.now() - t0);
          loads.push(os.loadavg()[0]!);
        }
      }
    }
    say(`${kind}: through Cube after a write, list walk ${pct(through['list walk']!)}, full ${pct(through['list full']!)}; `
      + `page with its total walk ${pct(through['page walk']!)}, full ${pct(through['page full']!)}`);
    results[kind] = { statement, through };
  }
  results.load = { mean: loads.reduce((a, b) => a + b, 0) / loads.length, max: Math.max(...loads) };
  say(`load mean ${(results.load as { mean: number }).mean.toFixed(1)}, max ${(results.load as { max: number }).max.toFixed(1)}`);
  if (args.out) writeFileSync(args.out, JSON.stringify(results, null, 2));
} finally {
  await sql.end();
  await cube.stop();
  await db.stop();
}
process.exit(0);
