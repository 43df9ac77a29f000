/**
 * What the owner period table (siyu.period_owners, migration 027: the
 * repurchase rate and the staff pages' converted customers on a preset
 * range) costs and gives, on a seeded data directory:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/period-owners.ts --data-dir <dir> [--runs 5] [--inserts 200]
 *
 * 1. Database: a whole build (siyu.rebuild_period_owners()), a roll-over to
 *    the next as-of day and back (this table's alone: period_sales' settings
 *    trigger off meanwhile, then rolled by itself), and a single-order INSERT
 *    with every trigger on and with this table's insert trigger off,
 *    alternating in blocks of 10.
 * 2. The tiles: the product as `npm start` runs it; before each case one
 *    paid order is written (every cache key on the orders and the tables kept
 *    from them changes), 2.5 s later the page query is asked from the owner
 *    period table (repurchase_periods, converted_periods) and as it is asked
 *    for a custom range (buyer_repurchase, staff_converted: the customer-day
 *    table), in alternating order.
 * The data directory is left as it was (the orders written are deleted).
 */
import os from 'node:os';
import { buildEmployeeConvertedQuery } from '../web/src/features/staff/employee-detail/build-query.ts';
import { buildStaffConvertedQuery } from '../web/src/features/staff/team-leaderboard/build-query.ts';
import { addDays, dateRangeFor } from '../web/src/lib/date-range.ts';
import { BrowserClient } from './http-client.ts';
import { alternateInserts, NEW_ORDER, periodBench, report, tilePairs, timeCasesAfterOrders, timed, withDatabase, withProduct } from './period-bench.ts';

const bench = periodBench('period-owners');

const database = (pgPort: number) => withDatabase(bench, pgPort, async (sql) => {
  const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
    SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
  const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.rebuild_period_owners() AS rows`);
  const [size] = await sql<{ periods: number; bytes: string }[]>`
    SELECT (SELECT count(*)::int FROM siyu.owner_periods) AS periods, pg_total_relation_size('siyu.period_owners')::text AS bytes`;
  bench.say(`whole build ${buildMs} ms, ${built!.rows} rows`);
  // This table's roll-over alone: period_sales' trigger off, that table rolled by itself after.
  const roll = async (day: string): Promise<number> => {
    await sql`ALTER TABLE siyu.settings DISABLE TRIGGER period_sales_as_of`;
    const [, ms] = await timed(() => sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`);
    await sql`ALTER TABLE siyu.settings ENABLE TRIGGER period_sales_as_of`;
    await sql`SELECT siyu.roll_period_sales()`;
    return ms;
  };
  const nextMs = await roll(addDays(asOf, 1));
  const backMs = await roll(asOf);
  bench.say(`roll-over ${nextMs} ms, back ${backMs} ms`);
  let id = first + 10_000;
  const { order } = await alternateInserts(bench, (on) => sql.unsafe(`ALTER TABLE siyu.orders ${on ? 'ENABLE' : 'DISABLE'} TRIGGER period_owners_insert`),
    { order: () => NEW_ORDER(sql, id++, asOf) });
  // The orders inserted with this table's trigger off are not in it: delete all, then rebuild it.
  await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
  await sql`SELECT siyu.rebuild_period_owners()`;
  await sql`VACUUM (ANALYZE) siyu.period_owners`;
  return {
    whole_build_ms: buildMs, rows: Number(built!.rows), periods: size!.periods, bytes: Number(size!.bytes),
    roll_over_next_day_ms: nextMs, roll_over_back_ms: backMs,
    insert_with_all_tables: order!.on, insert_without_period_owners: order!.off, load_average: os.loadavg()[0],
  };
});

const tiles = (pgPort: number) => withProduct(bench, pgPort, async ({ sql, url, exec, manager, asOf }) => {
  const staff = await BrowserClient.login(url, 'staff', 'demo');
  const [someone] = (await exec.load({ dimensions: ['staff_performance.team'], order: { 'staff_performance.team': 'asc' }, limit: 1 })).rows;
  const team = String(someone!['staff_performance.team']);
  const [staffRow] = await sql<{ id: number }[]>`SELECT employee_id AS id FROM siyu.accounts WHERE username = 'staff'`;
  const { pair, overview: rate } = tilePairs(asOf);
  const year = dateRangeFor('last_12_months', asOf);
  const cases = [
    { name: 'exec · overview repurchase, 近12个月', client: exec, ...rate('last_12_months', 'repurchase') },
    { name: 'exec · overview repurchase, 近12个月 同比', client: exec, ...rate('last_12_months', 'repurchase_yoy') },
    { name: 'exec · overview repurchase, 近30天', client: exec, ...rate('last_30_days', 'repurchase') },
    { name: 'manager · overview repurchase, 近12个月', client: manager, ...rate('last_12_months', 'repurchase') },
    { name: 'staff · overview repurchase, 近12个月', client: staff, ...rate('last_12_months', 'repurchase') },
    { name: 'exec · staff converted by team, 近12个月', client: exec, ...pair('last_12_months', (p) => buildStaffConvertedQuery('team', year, null, p)) },
    { name: 'exec · staff converted by a team\'s employees, 近12个月', client: exec, ...pair('last_12_months', (p) => buildStaffConvertedQuery('employee', year, team, p)) },
    { name: 'staff · one employee\'s converted, 近12个月', client: staff, ...pair('last_12_months', (p) => buildEmployeeConvertedQuery(staffRow!.id, year, p)) },
  ];
  return timeCasesAfterOrders(bench, sql, cases, asOf, ['period_table', 'customer_days']);
});

await report(bench, database, tiles);
