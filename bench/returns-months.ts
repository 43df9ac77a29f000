/**
 * The returns tiles by month before and after the monthly returns table
 * (migration 048), in PostgreSQL, on a seeded data directory:
 *
 *   node --import tsx bench/returns-months.ts --data-dir <dir> [--runs 5] [--writes 100]
 *
 * For exec, a manager and a staff member (the busiest team and employee), each
 * statement Cube would send, run `runs` times apart (no Cube cache): the
 * planner's 5-year history by channel and month, and the overview's spend
 * trend by month on 近12个月, 本年 and all time, each as the pages ask it now
 * (`returns_trend`: whole months from siyu.returns_months, edge months' days
 * from siyu.returns_days) and on `channel_roi` (every day from the day
 * table, before). Then `writes` single paid orders with a campaign, each in
 * a transaction rolled back, in alternating blocks of 10 with the monthly
 * table's triggers on and off, and the table's whole build.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import type { SecurityContext } from '../cube/engine/security-context.ts';
import { freePort } from '../cube/ports.ts';
import { startRollupProbe } from '../cube/tools/rollup-probe.ts';
import { buildSpendTrendQuery } from '../web/src/features/overview/gmv-spend-trend/build-query.ts';
import { monthlyHistoryQuery } from '../web/src/features/planner/period-history.ts';
import { dateRangeFor } from '../web/src/lib/date-range.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { latency } from './stats.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '5' }, writes: { type: 'string', default: '100' } } }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[returns-months ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };
const TRIGGERS = ['returns_months_insert', 'returns_months_update', 'returns_months_delete'];

const config = loadConfig();
const port = await freePort();
const db = await startEmbeddedPostgres(dataDir, port);
const sql = postgres(embeddedUrl(dataDir, port), { max: 1, onnotice: () => {} });
const probe = await startRollupProbe({ databaseUrl: embeddedUrl(dataDir, port), modelDir: config.modelDir, timeZone: config.timeZone, preAggregations: false });
const out: Record<string, unknown> = { data_dir: dataDir, runs, load_start: os.loadavg()[0] };
try {
  const [asOfRow] = await sql<{ as_of: string }[]>`SELECT siyu.as_of()::text AS as_of`;
  const asOf = asOfRow!.as_of.slice(0, 10);
  // The demo accounts' scopes (provisioned at the product's first start): exec, the team with the most returns rows and
  // its employee with the most (a staff member).
  const [busy] = await sql<{ employee_id: number; team_id: number }[]>`
    SELECT d.employee_id, e.team_id FROM siyu.returns_days AS d JOIN siyu.employees AS e ON e.id = d.employee_id
    GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`;
  const people: SecurityContext[] = [
    { username: 'exec', role: 'executive', employeeId: null, teamId: null },
    { username: 'manager', role: 'manager', employeeId: null, teamId: busy!.team_id },
    { username: 'staff', role: 'staff', employeeId: busy!.employee_id, teamId: null },
  ];
  const who = (p: SecurityContext): SecurityContext => p;
  const none = { team: null, channel: null, campaign: null };
  const rows: Record<string, unknown> = {};
  for (const p of people) {
    const cases: Array<[string, CubeQuery]> = [['planner 5 years by channel and month', monthlyHistoryQuery(asOf, 'all') as CubeQuery]];
    for (const preset of ['last_12_months', 'this_year', 'all'] as const) {
      cases.push([`spend trend by month, ${preset}`, buildSpendTrendQuery(preset === 'all' ? null : dateRangeFor(preset, asOf)!, none) as CubeQuery]);
    }
    for (const [name, after] of cases) {
      const before = JSON.parse(JSON.stringify(after).replaceAll('returns_trend.', 'channel_roi.')) as CubeQuery;
      for (const [label, query] of [['monthly table', after], ['day table', before]] as const) {
        const [text, params] = await probe.statement(who(p), query);
        const times: number[] = [];
        let count = 0;
        for (let run = 0; run < runs; run++) {
          const t0 = performance.now();
          count = (await sql.unsafe(text, params as never[])).length;
          times.push(performance.now() - t0);
        }
        rows[`${p.username} · ${name}: ${label}`] = { rows: count, ms: latency(times) };
        say(`${p.username} · ${name}: ${label} ${JSON.stringify(latency(times))} (${count} rows, load ${os.loadavg()[0]!.toFixed(1)})`);
      }
    }
  }
  out.statements = rows;
  // One paid order with a campaign, its triggers on and off (the transaction rolled back).
  const [o] = await sql<{ customer_id: number; employee_id: number; channel_id: number; campaign_id: number; next: number }[]>`
    SELECT customer_id, employee_id, channel_id, campaign_id, (SELECT max(id) + 1 FROM siyu.orders) AS next
    FROM siyu.orders WHERE campaign_id IS NOT NULL AND status = 'paid' ORDER BY id DESC LIMIT 1`;
  const write: Record<string, number[]> = { on: [], off: [] };
  for (let i = 0; i < Number(args.writes); i++) {
    const side = Math.floor(i / 10) % 2 === 0 ? 'on' : 'off';
    await sql.begin(async (tx) => {
      if (side === 'off') for (const t of TRIGGERS) await tx.unsafe(`ALTER TABLE siyu.returns_days DISABLE TRIGGER ${t}`);
      const t0 = performance.now();
      await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
               VALUES (${o!.next}, ${o!.customer_id}, ${o!.employee_id}, ${o!.channel_id}, ${o!.campaign_id}, now(), 99.5, 1, 'core', 'paid')`;
      write[side]!.push(performance.now() - t0);
      throw new Error('rollback');
    }).catch((e: unknown) => { if (!/rollback/.test(String(e))) throw e; });
  }
  out.paid_order_insert = { months_triggers_on: latency(write.on!), off: latency(write.off!) };
  say(`insert on ${JSON.stringify(latency(write.on!))} off ${JSON.stringify(latency(write.off!))}`);
  const b0 = performance.now();
  await sql.begin(async (tx) => { await tx`SELECT siyu.rebuild_returns_months()`; });
  out.build_ms = Math.round(performance.now() - b0);
  const [size] = await sql<{ months: string; days: string; days_12: string }[]>`
    SELECT (SELECT count(*) FROM siyu.returns_months)::text AS months, (SELECT count(*) FROM siyu.returns_days)::text AS days,
           (SELECT count(*) FROM siyu.returns_days WHERE day_start >= now() - interval '12 months')::text AS days_12`;
  out.tables = size;
  out.load_end = os.loadavg()[0];
} finally {
  await probe.stop();
  await sql.end({ timeout: 5 });
  await db.stop();
}
// Cube's timers would keep the process alive.
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(0));
