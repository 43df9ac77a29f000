/**
 * The overview's GMV trend by day after a write, in PostgreSQL, on a seeded
 * data directory (docs/performance.md, "The team day table"):
 *
 *   node --import tsx bench/day-trend.ts --data-dir <dir> [--runs 11] [--inserts 0]
 *
 * For exec, a manager and a staff member (the seed's demo accounts), on
 * 近7天, 本月, 近30天, 上月 and 62 days, each statement Cube would send, run
 * `runs` times, each run after a new paid order today (committed; the bench
 * deletes its orders at the end):
 * - `team day table`: the trend as the page asks it now (sales_day_trend,
 *   migration 051);
 * - `before`: the same query on the view the page asked before (sales_live,
 *   the hourly table, up to 31 days; sales_daily, the daily table, beyond).
 * With each, the rows the plan read from its tables (EXPLAIN ANALYZE: the
 * scans' actual rows × loops), once after the runs. With `--inserts N`, what
 * the table's insert trigger adds to a single-order INSERT (trigger-cost.ts),
 * and a team move of the busiest employee with only the table's move trigger
 * on, and with none (3 each, rolled back); the table is rebuilt after.
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
import { addDays, dateRangeFor } from '../web/src/lib/date-range.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { demoPeople } from './demo-people.ts';
import { latency } from './stats.ts';
import { insertCost, timed } from './trigger-cost.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '11' }, inserts: { type: 'string', default: '0' } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[day-trend ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };

type Plan = { 'Relation Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; Plans?: Plan[] };
/** Rows each table's scans returned (actual rows × loops), summed per table. */
function rowsRead(plan: Plan, into: Record<string, number> = {}): Record<string, number> {
  if (plan['Relation Name']) into[plan['Relation Name']] = (into[plan['Relation Name']] ?? 0) + (plan['Actual Rows'] ?? 0) * (plan['Actual Loops'] ?? 1);
  for (const child of plan.Plans ?? []) rowsRead(child, into);
  return into;
}

const config = loadConfig();
const port = await freePort();
const db = await startEmbeddedPostgres(dataDir, port);
const sql = postgres(embeddedUrl(dataDir, port), { max: 1, onnotice: () => {} });
const probe = await startRollupProbe({ databaseUrl: embeddedUrl(dataDir, port), modelDir: config.modelDir, timeZone: config.timeZone, preAggregations: false });
const out: Record<string, unknown> = { data_dir: dataDir, runs, load_start: os.loadavg()[0] };
let firstId = 0;
try {
  const [asOfRow] = await sql<{ as_of: string }[]>`SELECT value AS as_of FROM siyu.settings WHERE key = 'as_of'`;
  const asOf = String(asOfRow?.as_of ?? new Date().toISOString()).slice(0, 10);
  const people = await demoPeople(sql);
  const [sample] = await sql<{ customer_id: number; channel_id: number; employee_id: number }[]>`
    SELECT customer_id, channel_id, employee_id FROM siyu.orders WHERE employee_id IS NOT NULL ORDER BY id DESC LIMIT 1`;
  firstId = (await sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`)[0]!.n;
  let next = firstId;
  const write = async (): Promise<void> => {
    await sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
              VALUES (${next++}, ${sample!.customer_id}, ${sample!.employee_id}, ${sample!.channel_id}, ${`${asOf} 12:00+08`}, 99.00, 1, 'core', 'paid')`;
  };
  const none = { team: null, channel: null, campaign: null };
  const ranges: Array<[string, [string, string]]> = [
    ['last_7_days', dateRangeFor('last_7_days', asOf)!], ['this_month', dateRangeFor('this_month', asOf)!],
    ['last_30_days', dateRangeFor('last_30_days', asOf)!], ['last_month', dateRangeFor('last_month', asOf)!], ['62_days', [addDays(asOf, -61), asOf]],
  ];
  const rows: Record<string, unknown> = {};
  for (const p of people) {
    for (const [name, range] of ranges) {
      const q = buildGmvTrendQuery(range, none) as CubeQuery;
      const days = (Date.parse(range[1]) - Date.parse(range[0])) / 86_400_000 + 1;
      const before = JSON.parse(JSON.stringify(q).replaceAll('sales_day_trend.', days <= 31 ? 'sales_live.' : 'sales_daily.')) as CubeQuery;
      for (const [label, query] of [['team day table', q], [days <= 31 ? 'before: hourly table' : 'before: daily table', before]] as const) {
        const [text, params] = await probe.statement(p, query);
        const times: number[] = [];
        let bars = 0;
        for (let run = 0; run < runs; run++) {
          await write();
          const t0 = performance.now();
          bars = (await sql.unsafe(text, params as never[])).length;
          times.push(performance.now() - t0);
        }
        const [plan] = await sql.unsafe<Array<{ 'QUERY PLAN': Array<{ Plan: Plan }> }>>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params as never[]);
        const read = rowsRead(plan!['QUERY PLAN'][0]!.Plan);
        const key = `${p.username} · ${name} · ${label}`;
        rows[key] = { bars, ms: latency(times), rows_read: read };
        say(`${key}: ${JSON.stringify(latency(times))} (${bars} bars, read ${JSON.stringify(read)}, load ${os.loadavg()[0]!.toFixed(1)})`);
      }
    }
  }
  const [size] = await sql<{ team_days: string; days: string; hours: string; orders: string }[]>`
    SELECT (SELECT count(*) FROM siyu.sales_team_days)::text AS team_days, (SELECT count(*) FROM siyu.sales_days)::text AS days,
           (SELECT count(*) FROM siyu.sales_hours)::text AS hours, (SELECT count(*) FROM siyu.orders)::text AS orders`;
  out.tables = size;
  if (Number(args.inserts) > 0) {
    out.insert_cost = await insertCost(sql, { triggers: ['sales_team_days_insert'], fromId: next + 10_000, asOf, inserts: Number(args.inserts), on: 'orders' });
    await sql`DELETE FROM siyu.orders WHERE id >= ${next + 10_000}`;
    const [busy] = await sql<{ id: number; team_id: number; other: number }[]>`
      SELECT e.id, e.team_id, (SELECT min(t.id) FROM siyu.teams AS t WHERE t.id <> e.team_id) AS other
      FROM siyu.employees AS e JOIN siyu.orders AS o ON o.employee_id = e.id GROUP BY e.id ORDER BY count(*) DESC LIMIT 1`;
    // Only this table's move trigger (the period tables' own move triggers take minutes at 200k and are not this
    // table's cost): every user trigger of the employees held inside a transaction rolled back, this one on or off.
    const moves: Record<string, number[]> = { with: [], without: [] };
    for (let k = 0; k < 6; k++) {
      const on = k % 2 === 0;
      await sql.begin(async (tx) => {
        await tx`ALTER TABLE siyu.employees DISABLE TRIGGER USER`;
        if (on) await tx`ALTER TABLE siyu.employees ENABLE TRIGGER sales_team_days_team_move`;
        const [, there] = await timed(() => tx`UPDATE siyu.employees SET team_id = ${busy!.other} WHERE id = ${busy!.id}`);
        moves[on ? 'with' : 'without']!.push(there);
        throw new Error('rollback');
      }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
    }
    out.team_move_ms = { employee_orders: (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.orders WHERE employee_id = ${busy!.id}`)[0]!.n,
      with: latency(moves.with!), without: latency(moves.without!) };
    await sql`SELECT siyu.rebuild_sales_team_days()`;
    say(`insert cost ${JSON.stringify(out.insert_cost)}, team move ${JSON.stringify(out.team_move_ms)}`);
  }
  out.statements = rows;
  out.load_end = os.loadavg()[0];
} finally {
  if (firstId > 0) await sql`DELETE FROM siyu.orders WHERE id >= ${firstId}`;
  await probe.stop();
  await sql.end({ timeout: 5 });
  await db.stop();
}
// Cube's timers would keep the process alive.
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(0));
