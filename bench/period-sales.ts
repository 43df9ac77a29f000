/**
 * What the period table (siyu.period_sales, migration 018) costs and gives,
 * on a seeded data directory:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/period-sales.ts --data-dir <dir> [--runs 5] [--inserts 200]
 *
 * 1. Database: a whole build (siyu.roll_period_sales(true)), a roll-over to
 *    the next as-of day and back, and a single-order INSERT with the
 *    customer-day and period maintenance on and with the orders' insert
 *    trigger off (neither table), alternating in blocks of 10.
 * 2. The tiles: the product as `npm start` runs it; before each run one
 *    paid order is written (every cache key on the orders, the customer-day
 *    and period tables changes), 2.5 s later each page query is asked from
 *    the period table (sales_periods) and as it is asked for a custom range
 *    (sales_buyers, the customer-day table), in alternating order.
 * The data directory is left as it was (the orders written are deleted).
 */
import os from 'node:os';
import { buildStaffSalesQuery } from '../web/src/features/staff/team-leaderboard/build-query.ts';
import { addDays, dateRangeFor } from '../web/src/lib/date-range.ts';
import { alternateInserts, NEW_ORDER, periodBench, report, tilePairs, timeCasesAfterOrders, timed, withDatabase, withProduct } from './period-bench.ts';

const bench = periodBench('period-sales');

const database = (pgPort: number) => withDatabase(bench, pgPort, async (sql) => {
  const { first, asOf } = (await sql<{ first: number; asOf: string }[]>`
    SELECT max(id) + 1 AS first, (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf" FROM siyu.orders`)[0]!;
  const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.roll_period_sales(true) AS rows`);
  const [size] = await sql<{ periods: number; bytes: string }[]>`
    SELECT (SELECT count(*)::int FROM siyu.sales_periods) AS periods, pg_total_relation_size('siyu.period_sales')::text AS bytes`;
  bench.say(`whole build ${buildMs} ms, ${built!.rows} rows`);
  const [[next], nextMs] = await timed(() => sql<{ rows: string }[]>`
    UPDATE siyu.settings SET value = ${addDays(asOf, 1)} WHERE key = 'as_of' RETURNING (SELECT count(*) FROM siyu.period_sales)::text AS rows`);
  const [, backMs] = await timed(() => sql`UPDATE siyu.settings SET value = ${asOf} WHERE key = 'as_of'`);
  bench.say(`roll-over ${nextMs} ms, back ${backMs} ms`);
  let id = first + 10_000;
  const { order } = await alternateInserts(bench, (on) => sql.unsafe(`ALTER TABLE siyu.orders ${on ? 'ENABLE' : 'DISABLE'} TRIGGER customer_days_insert`),
    { order: () => NEW_ORDER(sql, id++, asOf) });
  // The orders inserted with the trigger off are in neither table: delete all without the triggers, then rebuild.
  await sql`ALTER TABLE siyu.orders DISABLE TRIGGER customer_days_delete`;
  await sql`DELETE FROM siyu.orders WHERE id >= ${first + 10_000}`;
  await sql`ALTER TABLE siyu.orders ENABLE TRIGGER customer_days_delete`;
  const [, rebuildMs] = await timed(() => sql`SELECT siyu.rebuild_customer_days()`);
  await sql`VACUUM (ANALYZE) siyu.customer_days`;
  await sql`VACUUM (ANALYZE) siyu.period_sales`;
  return {
    whole_build_ms: buildMs, rows: Number(built!.rows), periods: size!.periods, bytes: Number(size!.bytes),
    roll_over_next_day_ms: nextMs, roll_over_back_ms: backMs, rows_next_day: Number(next!.rows),
    insert_with_both_tables: order!.on, insert_without: order!.off,
    rebuild_customer_days_and_periods_ms: rebuildMs, load_average: os.loadavg()[0],
  };
});

const tiles = (pgPort: number) => withProduct(bench, pgPort, async ({ sql, exec, manager, asOf }) => {
  const [someone] = (await exec.load({ dimensions: ['staff_performance.team'], order: { 'staff_performance.team': 'asc' }, limit: 1 })).rows;
  const team = String(someone!['staff_performance.team']);
  const { pair, overview: kpis } = tilePairs(asOf);
  const cases = [
    { name: 'exec · overview sales, 近12个月', client: exec, ...kpis('last_12_months', 'sales_kpis') },
    { name: 'exec · overview sales, 近12个月 同比', client: exec, ...kpis('last_12_months', 'sales_kpis_yoy') },
    { name: 'exec · overview sales, 近30天', client: exec, ...kpis('last_30_days', 'sales_kpis') },
    { name: 'exec · staff sales by team, 近12个月', client: exec, ...pair('last_12_months', (p) => buildStaffSalesQuery('team', dateRangeFor('last_12_months', asOf), null, p)) },
    { name: 'exec · staff sales by a team\'s employees, 近12个月', client: exec, ...pair('last_12_months', (p) => buildStaffSalesQuery('employee', dateRangeFor('last_12_months', asOf), team, p)) },
    { name: 'manager · overview sales, 近12个月', client: manager, ...kpis('last_12_months', 'sales_kpis') },
  ];
  return timeCasesAfterOrders(bench, sql, cases, asOf, ['period_table', 'customer_days']);
});

await report(bench, database, tiles);
