/**
 * Where the overview's GMV trend by month spends its time after a write, in
 * PostgreSQL, on a seeded data directory:
 *
 *   node --import tsx bench/month-trend.ts --data-dir <dir> [--runs 5]
 *
 * For exec, a manager and a staff member (the seed's demo accounts), each
 * statement Cube would send, run `runs` times apart (no Cube cache):
 * - `monthly + hourly tables`: the trend as the page asks it now (sales_trend,
 *   migration 041) on 近12个月, 近90天 and 本年;
 * - `raw orders`: the same trend on sales_overview, which has no rollup
 *   since migration 042 (what Cube read while a partition was missing);
 * - `removed rollup: partition build (SELECT)`: what the orders' rollup by
 *   day (removed with migration 042) rebuilt its current month from after an
 *   order today: its measures and dimensions by day over this month, from
 *   the orders (Cube wrapped it in CREATE TABLE … AS and indexed it; that
 *   part is not timed here). Kept to compare with the figures before.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { startRollupProbe } from '../cube/tools/rollup-probe.ts';
import { buildGmvTrendQuery } from '../web/src/features/overview/gmv-spend-trend/build-query.ts';
import { dateRangeFor } from '../web/src/lib/date-range.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { demoPeople } from './demo-people.ts';
import { timeStatement } from './stats.ts';

const args = parseArgs({
  options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '5' }, 'model-dir': { type: 'string' }, 'tables-only': { type: 'boolean', default: false } },
}).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[month-trend ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };

const config = loadConfig();
const port = await freePort();
const db = await startEmbeddedPostgres(dataDir, port);
const sql = postgres(embeddedUrl(dataDir, port), { max: 1, onnotice: () => {} });
const modelDir = args['model-dir'] ? path.resolve(args['model-dir']) : config.modelDir;
const probe = await startRollupProbe({ databaseUrl: embeddedUrl(dataDir, port), modelDir, timeZone: config.timeZone, preAggregations: false });
type PlanNode = { 'Relation Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; Plans?: PlanNode[] };
/** Rows each table's scans returned (EXPLAIN ANALYZE: actual rows × loops), per table. */
async function rowsRead(text: string, params: readonly unknown[]): Promise<Record<string, number>> {
  const [plan] = await sql.unsafe(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params as never[]);
  const read: Record<string, number> = {};
  const walk = (n: PlanNode): void => {
    if (n['Relation Name']) read[n['Relation Name']] = (read[n['Relation Name']] ?? 0) + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk((Object.values(plan!)[0] as Array<{ Plan: PlanNode }>)[0]!.Plan);
  return read;
}
const out: Record<string, unknown> = { data_dir: dataDir, runs, load_start: os.loadavg()[0] };
try {
  const [asOfRow] = await sql<{ as_of: string }[]>`SELECT value AS as_of FROM siyu.settings WHERE key = 'as_of'`;
  const asOf = String(asOfRow?.as_of ?? new Date().toISOString()).slice(0, 10);
  const people = await demoPeople(sql);
  const none = { team: null, channel: null, campaign: null };
  const month = `${asOf.slice(0, 7)}-01`;
  const partition: CubeQuery = {
    measures: ['sales_overview.gmv', 'sales_overview.order_count'],
    dimensions: ['sales_overview.category', 'sales_overview.channel', 'sales_overview.channel_type', 'sales_overview.campaign',
      'sales_overview.employee_id', 'sales_overview.employee', 'sales_overview.team_id', 'sales_overview.team'],
    timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'day', dateRange: [month, asOf] }],
  };
  const rows: Record<string, unknown> = {};
  for (const p of people) {
    const ctx = p;
    const cases: Array<[string, CubeQuery]> = [];
    for (const preset of ['last_12_months', 'last_90_days', 'this_year'] as const) {
      const range = dateRangeFor(preset, asOf)!;
      const q = buildGmvTrendQuery(range, none) as CubeQuery;
      cases.push([`${preset}: monthly + hourly tables`, q]);
      if (!args['tables-only']) cases.push([`${preset}: raw orders`, JSON.parse(JSON.stringify(q).replaceAll('sales_trend.', 'sales_overview.')) as CubeQuery]);
    }
    if (p.role === 'executive' && !args['tables-only']) cases.push(['removed rollup: partition build (SELECT), this month', partition]);
    for (const [name, query] of cases) {
      const [text, params] = await probe.statement(ctx, query);
      const timed = { ...(await timeStatement(sql, text, params, runs)), read: await rowsRead(text, params) };
      rows[`${p.username} · ${name}`] = timed;
      say(`${p.username} · ${name}: ${JSON.stringify(timed.ms)} (${timed.rows} rows, read ${JSON.stringify(timed.read)}, load ${os.loadavg()[0]!.toFixed(1)})`);
    }
  }
  const [size] = await sql<{ months: string; hours: string; orders: string }[]>`
    SELECT (SELECT count(*) FROM siyu.sales_months)::text AS months, (SELECT count(*) FROM siyu.sales_hours)::text AS hours,
           (SELECT count(*) FROM siyu.orders)::text AS orders`;
  out.tables = size;
  out.statements = rows;
  out.load_end = os.loadavg()[0];
} finally {
  await probe.stop();
  await sql.end({ timeout: 5 });
  await db.stop();
}
// Cube's timers would keep the process alive.
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(0));
