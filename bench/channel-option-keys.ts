/**
 * The filter bar's channel and campaign lists from the kept key table
 * (siyu.channel_option_keys, migration 060), on a seeded and migrated data
 * directory (the product need not run):
 *
 *   node --import tsx bench/channel-option-keys.ts --data-dir <dir> [--runs 20] [--inserts 200] [--port 54461]
 *
 * 1. The statement Cube generates for each list (channel, campaign) and role
 *    (the whole brand, a manager, a staff member), timed `runs` times in
 *    PostgreSQL ("now": the brand reads siyu.channel_option_pairs, a team or
 *    an employee siyu.channel_option_keys), and the same statement with the cube's old SQL (the
 *    UNION of the spend, the monthly sales table's attributed paid keys and
 *    the customers' source channels) in place of the kept table ("before");
 *    EXPLAIN ANALYZE of the brand's channel list both ways to stderr.
 * 2. What the table's triggers (on siyu.sales_months, siyu.registration_days
 *    and siyu.campaign_spend) add to a write: single-statement INSERTs of an
 *    attributed paid order on an existing key and month (the common case),
 *    of an order without a campaign and of a customer, in alternating blocks
 *    of 10 with the triggers on and off. The rows written are deleted after
 *    and the table rebuilt, then checked against the old UNION.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { loadConfig } from '../cube/config.ts';
import { embeddedUrl, startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import type { SecurityContext } from '../cube/engine/security-context.ts';
import { startRollupProbe } from '../cube/tools/rollup-probe.ts';
import { buildFilterOptionsQuery } from '../web/src/lib/filters.ts';
import { latency, timeStatement } from './stats.ts';

const args = parseArgs({ options: {
  'data-dir': { type: 'string' }, runs: { type: 'string', default: '20' }, inserts: { type: 'string', default: '200' }, port: { type: 'string', default: '54461' },
} }).values;
if (!args['data-dir']) throw new Error('--data-dir <a seeded, migrated data directory> is required');
const dataDir = path.resolve(args['data-dir']);
const runs = Number(args.runs);
const inserts = Number(args.inserts);
const say = (m: string): void => { process.stderr.write(`[channel-option-keys ${new Date().toISOString().slice(11, 19)}] ${m} (load ${os.loadavg()[0]!.toFixed(1)})\n`); };

/** What the cube reads now: a team's or an employee's keys, or the brand's pairs (model/cubes/channel_option_rows.js). */
const KEPT = ['SELECT channel_id, campaign_id, employee_id FROM siyu.channel_option_keys',
  'SELECT channel_id, campaign_id, NULL::integer AS employee_id FROM siyu.channel_option_pairs'];
/** The cube's SQL before migration 060. */
const OLD = `SELECT channel_id, campaign_id, employee_id FROM siyu.campaign_spend UNION
 SELECT channel_id, campaign_id, employee_id FROM siyu.sales_months WHERE campaign_id IS NOT NULL AND paid_orders > 0 UNION
 SELECT channel.id, NULL::integer, NULL::integer FROM siyu.channels AS channel
 WHERE EXISTS (SELECT 1 FROM siyu.customers AS customer WHERE customer.source_channel_id = channel.id)`;
const TRIGGERS: Array<[string, string]> = ['sales_months', 'registration_days', 'campaign_spend']
  .flatMap((table) => ['insert', 'update', 'delete'].map((op): [string, string] => [table, `channel_option_keys_${op}`]));

const config = loadConfig();
const port = Number(args.port);
const db = await startEmbeddedPostgres(dataDir, port);
const url = embeddedUrl(dataDir, port);
// The session settings of Cube's role (cube/database/cube-role.ts), so the plans are the ones Cube gets.
const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { work_mem: '64MB', random_page_cost: '1.1' } });
const probe = await startRollupProbe({ databaseUrl: url, modelDir: config.modelDir, timeZone: config.timeZone, preAggregations: false });
const out: Record<string, unknown> = { data_dir: dataDir, runs, inserts, load_start: os.loadavg() };
try {
  const [top] = await sql<{ id: number; team_id: number }[]>`
    SELECT employee_id AS id, (SELECT team_id FROM siyu.employees WHERE id = employee_id) AS team_id
    FROM siyu.owner_customer_counts ORDER BY customers DESC, employee_id LIMIT 1`;
  const people: SecurityContext[] = [
    { username: 'bench-exec', role: 'executive', employeeId: null, teamId: null },
    { username: 'bench-manager', role: 'manager', employeeId: null, teamId: top!.team_id },
    { username: 'bench-staff', role: 'staff', employeeId: top!.id, teamId: null },
  ];
  const statements: Record<string, unknown> = {};
  for (const who of people) {
    for (const kind of ['channel', 'campaign'] as const) {
      const [text, params] = await probe.statement(who, buildFilterOptionsQuery(kind));
      const kept = KEPT.find((k) => text.includes(k));
      if (!kept) throw new Error(`the generated SQL reads neither kept table: ${text}`);
      for (const [way, statement] of [['now', text], ['before', text.replace(kept, OLD)]] as const) {
        const r = await timeStatement(sql, statement, params, runs);
        statements[`${who.role} · ${kind} · ${way}`] = r;
        say(`${who.role} · ${kind} · ${way}: ${JSON.stringify(r.ms)} (${r.rows} rows)`);
        if (who.role !== 'staff' && kind === 'channel') {
          const plan = await sql.unsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${statement}`, params as never[]);
          process.stderr.write(`--- EXPLAIN ANALYZE ${who.role} · ${kind} · ${way}\n${statement}\n${plan.map((p) => p['QUERY PLAN']).join('\n')}\n`);
        }
      }
    }
  }
  out.statements = statements;

  // The writes: an attributed paid order on the as-of month's busiest key, an order without a campaign, a customer.
  const [key] = await sql<{ channel: number; campaign: number; employee: number | null; at: string; asOf: string }[]>`
    SELECT channel_id AS channel, campaign_id AS campaign, employee_id AS employee, siyu.as_of()::text AS "asOf",
           (siyu.local_midnight(siyu.as_of()) + interval '11 hours')::text AS at
    FROM siyu.sales_months WHERE campaign_id IS NOT NULL AND paid_orders > 0 AND month_start = siyu.local_month_start(siyu.local_midnight(siyu.as_of()))
    ORDER BY paid_orders DESC LIMIT 1`;
  const [first] = await sql<{ order: number; customer: number; minCustomer: number }[]>`
    SELECT (SELECT max(id) + 1 FROM siyu.orders) AS "order", (SELECT max(id) + 1 FROM siyu.customers) AS customer, (SELECT min(id) FROM siyu.customers) AS "minCustomer"`;
  let nextOrder = first!.order;
  let nextCustomer = first!.customer;
  const writes: Record<string, () => Promise<unknown>> = {
    'attributed paid order (existing key and month)': () => sql`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${nextOrder}, ${first!.minCustomer + (nextOrder % 1000)}, ${key!.employee}, ${key!.channel}, ${key!.campaign}, ${key!.at}::timestamptz, 99.9, 1, 'core', 'paid')`
      .then(() => nextOrder++),
    'order without a campaign': () => sql`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${nextOrder}, ${first!.minCustomer + (nextOrder % 1000)}, ${key!.employee}, ${key!.channel}, NULL, ${key!.at}::timestamptz, 99.9, 1, 'core', 'paid')`
      .then(() => nextOrder++),
    'new customer': () => sql`
      INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
      VALUES (${nextCustomer}, 'bench', ${`1980${String(nextCustomer).padStart(7, '0')}`}, 'unknown', 'tier2', ${key!.channel}, ${top!.id}, ${key!.at}::timestamptz, 'normal')`
      .then(() => nextCustomer++),
  };
  const toggle = async (state: 'ENABLE' | 'DISABLE'): Promise<void> => {
    for (const [table, trigger] of TRIGGERS) await sql.unsafe(`ALTER TABLE siyu.${table} ${state} TRIGGER ${trigger}`);
  };
  const costs: Record<string, unknown> = {};
  for (const [name, write] of Object.entries(writes)) {
    const on: number[] = [];
    const off: number[] = [];
    for (let block = 0; block < inserts / 10; block++) {
      const withIt = block % 2 === 0;
      if (!withIt) await toggle('DISABLE');
      for (let k = 0; k < 10; k++) {
        const t0 = performance.now();
        await write();
        (withIt ? on : off).push(performance.now() - t0);
      }
      if (!withIt) await toggle('ENABLE');
    }
    costs[name] = { with: latency(on), without: latency(off) };
    say(`${name}: with ${JSON.stringify(latency(on))}, without ${JSON.stringify(latency(off))}`);
  }
  out.writes = costs;
  await sql`DELETE FROM siyu.orders WHERE id >= ${first!.order}`;
  await sql`DELETE FROM siyu.customers WHERE id >= ${first!.customer}`;
  const [built] = await sql<{ rows: string }[]>`SELECT siyu.rebuild_channel_option_keys()::text AS rows`;
  const [check] = await sql.unsafe<{ differ: string }[]>(`
    SELECT count(*)::text AS differ FROM ((SELECT channel_id, campaign_id, employee_id FROM siyu.channel_option_keys EXCEPT (${OLD}))
      UNION ALL ((${OLD}) EXCEPT SELECT channel_id, campaign_id, employee_id FROM siyu.channel_option_keys)) AS d`);
  const [sizes] = await sql<{ keys: string; months: string; spend: string; customers: string }[]>`
    SELECT (SELECT count(*) FROM siyu.channel_option_keys)::text AS keys, (SELECT count(*) FROM siyu.sales_months)::text AS months,
           (SELECT count(*) FROM siyu.campaign_spend)::text AS spend, (SELECT count(*) FROM siyu.customers)::text AS customers`;
  out.tables = { ...sizes, rebuilt: built!.rows, differ_from_old_union: check!.differ };
  out.load_end = os.loadavg();
} finally {
  await probe.stop();
  await sql.end({ timeout: 5 });
  await db.stop();
}
// Cube's timers would keep the process alive.
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(0));
