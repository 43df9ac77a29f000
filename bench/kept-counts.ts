/**
 * The registrations and touches tables (migrations 044, 045) and the filter
 * bar's lists, on a seeded data directory, in PostgreSQL:
 *
 *   node --import tsx bench/kept-counts.ts --data-dir <dir> --old-model <dir> [--runs 5]
 *
 * For the whole brand, a manager (the team of the employee owning the most
 * customers) and that employee as staff, each statement Cube would send, run
 * `runs` times apart (no Cube cache):
 * - `now`: the moved tiles as the pages ask them (customer_registrations,
 *   staff_touches, team_options, channel_options) on 近30天;
 * - `raw (before)`: the same tiles on the views they used (customer_insights,
 *   staff_performance, channel_roi) without a rollup, from `--old-model` (the
 *   model before: what Cube read while a partition was missing);
 * - `partition build (SELECT)`: what the removed rollups' current-month
 *   partition was built from after a write (the whole brand only; Cube wraps
 *   it in CREATE TABLE … AS and indexes it, not timed here).
 * Then the triggers' cost per write: one statement with the table's trigger
 * on and off, each in a transaction rolled back.
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
import { buildNewCustomersBySourceQuery } from '../web/src/features/big-screen/build-queries.ts';
import { buildNewCustomersKpiQuery } from '../web/src/features/overview/kpis/build-query.ts';
import { buildEmployeeActivityQuery, buildEmployeeNewCustomersQuery } from '../web/src/features/staff/employee-detail/build-query.ts';
import { buildStaffActivityQuery } from '../web/src/features/staff/team-leaderboard/build-query.ts';
import { dateRangeFor } from '../web/src/lib/date-range.ts';
import { buildFilterOptionsQuery } from '../web/src/lib/filters.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { latency, timeStatement } from './stats.ts';

const args = parseArgs({ options: { 'data-dir': { type: 'string' }, 'old-model': { type: 'string' }, runs: { type: 'string', default: '5' } } }).values;
if (!args['data-dir'] || !args['old-model']) throw new Error('--data-dir <a seeded data directory> and --old-model <the model before> are required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const say = (m: string): void => { process.stderr.write(`[kept-counts ${new Date().toISOString().slice(11, 19)}] ${m}\n`); };

/** A query of the pages now, on the views it used before. */
const before = (q: object): CubeQuery => JSON.parse(JSON.stringify(q)
  .replaceAll('customer_registrations.', 'customer_insights.').replaceAll('staff_touches.', 'staff_performance.')
  .replaceAll('team_options.', 'staff_performance.').replaceAll('channel_options.', 'channel_roi.')) as CubeQuery;

const config = loadConfig();
const port = await freePort();
const db = await startEmbeddedPostgres(dataDir, port);
const url = embeddedUrl(dataDir, port);
const sql = postgres(url, { max: 1, onnotice: () => {} });
const now = await startRollupProbe({ databaseUrl: url, modelDir: config.modelDir, timeZone: config.timeZone, preAggregations: false });
const old = await startRollupProbe({ databaseUrl: url, modelDir: path.resolve(args['old-model']), timeZone: config.timeZone, preAggregations: false });
const out: Record<string, unknown> = { data_dir: dataDir, runs, load_start: os.loadavg()[0] };
const time = async (text: string, params: unknown[]) => timeStatement(sql, text, params, runs);
try {
  const [asOfRow] = await sql<{ as_of: string }[]>`SELECT value AS as_of FROM siyu.settings WHERE key = 'as_of'`;
  const asOf = String(asOfRow!.as_of).slice(0, 10);
  const [top] = await sql<{ id: number; team_id: number; team: string }[]>`
    SELECT e.id, e.team_id, t.name AS team FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
    ORDER BY (SELECT count(*) FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) DESC, e.id LIMIT 1`;
  const people: SecurityContext[] = [
    { username: 'bench-exec', role: 'executive', employeeId: null, teamId: null },
    { username: 'bench-manager', role: 'manager', employeeId: null, teamId: top!.team_id },
    { username: 'bench-staff', role: 'staff', employeeId: top!.id, teamId: null },
  ];
  const range = dateRangeFor('last_30_days', asOf)!;
  const none = { team: null, channel: null, campaign: null };
  const tiles: Array<[string, object]> = [
    ['overview new_customers', buildNewCustomersKpiQuery(range, none)],
    ['big-screen new_customers_by_source', buildNewCustomersBySourceQuery(range[0], range[1])],
    ['staff employee_new_customers', buildEmployeeNewCustomersQuery(top!.id, range)],
    ['staff activity_by_team', buildStaffActivityQuery('team', range, null)],
    ['staff activity_by_employee', buildStaffActivityQuery('employee', range, top!.team)],
    ['staff employee_activity', buildEmployeeActivityQuery(top!.id, range)],
    ['filter team', buildFilterOptionsQuery('team')], ['filter channel', buildFilterOptionsQuery('channel')], ['filter campaign', buildFilterOptionsQuery('campaign')],
  ];
  const month = `${asOf.slice(0, 7)}-01`;
  const partitions: Array<[string, CubeQuery]> = [
    ['registrations partition build (SELECT), this month', {
      measures: ['customer_insights.customers', 'customer_insights.new_customers'],
      dimensions: ['customer_insights.source_channel', 'customer_insights.owner_id', 'customer_insights.owner', 'customer_insights.owner_team_id', 'customer_insights.owner_team'],
      timeDimensions: [{ dimension: 'customer_insights.registered_date', granularity: 'day', dateRange: [month, asOf] }] }],
    ['touches_by_day partition build (SELECT), this month', {
      measures: ['staff_performance.follow_ups', 'staff_performance.bookings', 'staff_performance.arrivals'],
      dimensions: ['staff_performance.employee_id', 'staff_performance.employee', 'staff_performance.role', 'staff_performance.team_id', 'staff_performance.team'],
      timeDimensions: [{ dimension: 'staff_performance.date', granularity: 'day', dateRange: [month, asOf] }] }],
  ];
  const rows: Record<string, unknown> = {};
  for (const who of people) {
    for (const [name, query] of tiles) {
      for (const [way, probe, q] of [['now', now, query as CubeQuery], ['raw (before)', old, before(query)]] as const) {
        const [text, params] = await probe.statement(who, q);
        const r = await time(text, params);
        rows[`${who.role} · ${name} · ${way}`] = r;
        say(`${who.role} · ${name} · ${way}: ${JSON.stringify(r.ms)} (${r.rows} rows, load ${os.loadavg()[0]!.toFixed(1)})`);
      }
    }
  }
  for (const [name, query] of partitions) {
    const [text, params] = await old.statement(people[0]!, query);
    const r = await time(text, params);
    rows[`executive · ${name}`] = r;
    say(`${name}: ${JSON.stringify(r.ms)} (${r.rows} rows, load ${os.loadavg()[0]!.toFixed(1)})`);
  }
  out.statements = rows;
  // The triggers' cost: one write with the table's trigger on, then off (ALTER TABLE in the same rolled-back transaction).
  const writes: Array<[string, string, string, string]> = [
    ['a new customer', 'customers', 'registration_days_insert', `INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
      SELECT max(id) + 1, 'bench', '13900000000', 'unknown', 'tier2', 1, ${top!.id}, now(), 'normal' FROM siyu.customers`],
    ['an owner change', 'customers', 'registration_days_update', `UPDATE siyu.customers SET owner_employee_id = ${top!.id} WHERE id = (SELECT min(id) FROM siyu.customers WHERE owner_employee_id <> ${top!.id})`],
    ['a new follow-up', 'follow_ups', 'touch_days_insert', `INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
      SELECT max(id) + 1, (SELECT min(id) FROM siyu.customers), ${top!.id}, 'call', now() FROM siyu.follow_ups`],
    ['an arrival', 'appointments', 'touch_days_update', 'UPDATE siyu.appointments SET arrived_at = scheduled_for WHERE id = (SELECT min(id) FROM siyu.appointments WHERE arrived_at IS NULL)'],
  ];
  const triggers: Record<string, unknown> = {};
  for (const [name, table, trigger, statement] of writes) {
    for (const on of [true, false]) {
      const times: number[] = [];
      for (let run = 0; run < runs * 4; run++) {
        await sql.begin(async (tx) => {
          if (!on) await tx.unsafe(`ALTER TABLE siyu.${table} DISABLE TRIGGER ${trigger}`);
          const t0 = performance.now();
          await tx.unsafe(statement);
          times.push(performance.now() - t0);
          throw new Error('rollback');
        }).catch((e: unknown) => { if (String(e) !== 'Error: rollback') throw e; });
      }
      triggers[`${name} · trigger ${on ? 'on' : 'off'}`] = latency(times);
      say(`${name} · trigger ${on ? 'on' : 'off'}: ${JSON.stringify(latency(times))}`);
    }
  }
  out.writes = triggers;
  const [size] = await sql<{ registrations: string; touches: string; customers: string }[]>`
    SELECT (SELECT count(*) FROM siyu.registration_days)::text AS registrations, (SELECT count(*) FROM siyu.touch_days)::text AS touches,
           (SELECT count(*) FROM siyu.customers)::text AS customers`;
  out.tables = size;
  out.load_end = os.loadavg()[0];
} finally {
  await now.stop();
  await old.stop();
  await sql.end({ timeout: 5 });
  await db.stop();
}
// Cube's timers would keep the process alive.
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(0));
