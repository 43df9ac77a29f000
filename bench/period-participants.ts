/**
 * What the participants' period table (siyu.period_participants, migration
 * 028) costs and gives, on a seeded data directory:
 *
 *   DATA_DIR=<dir> npm run seed -- --customers 200000
 *   node --import tsx bench/period-participants.ts --data-dir <dir> [--runs 5] [--inserts 200]
 *
 * 1. Database: a whole build (siyu.roll_period_participants(true)), a
 *    roll-over to the next as-of day and back (the sales period table's
 *    roll-over, another trigger on the settings, is switched off for it, so
 *    only this table's is timed), and single-row INSERTs with this table's
 *    maintenance on and off (its insert trigger on the participant
 *    conversions), alternating in blocks of 10: a participation, and a paid
 *    order carrying the campaign of one of the customer's participations
 *    (it converts it).
 * 2. The tiles: the product as `npm start` runs it; before each run one
 *    participation and one paid campaign order are written (every cache key
 *    on the participations, the conversions and both period tables
 *    changes), 2.5 s later each page query is asked from the period table
 *    (participation_periods) and as a custom range of the same days asks it
 *    (participation_performance), in alternating order.
 * The data directory is left as it was (the rows written are deleted).
 */
import os from 'node:os';
import type postgres from 'postgres';
import { activitiesQueries } from '../web/src/features/activities/page-queries.ts';
import { channelsQueries } from '../web/src/features/channels/page-queries.ts';
import { addDays, dateRangeFor, type RangePreset } from '../web/src/lib/date-range.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { alternateInserts, periodBench, report, timeCases, timed, withDatabase, withProduct } from './period-bench.ts';

const bench = periodBench('period-participants');

/** A customer who is not yet in the campaign joins it today (ids above `first`, so they can be deleted after). */
const JOIN = (sql: postgres.Sql, id: number, campaign: number, asOf: string) => sql`
  INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
  SELECT ${id}, ${campaign}, c.id, (SELECT min(id) FROM siyu.employees) + ${id % 50}, (SELECT min(id) FROM siyu.channels),
         (${asOf}::date + time '10:00') AT TIME ZONE siyu.business_tz()
  FROM siyu.customers AS c
  WHERE c.id >= (SELECT min(id) FROM siyu.customers) + ${(id * 7) % 150_000}
    AND NOT EXISTS (SELECT 1 FROM siyu.campaign_participations AS p WHERE p.customer_id = c.id AND p.campaign_id = ${campaign})
  ORDER BY c.id LIMIT 1`;

/** A paid order of a participant not yet converted, carrying the campaign: it converts the participation. */
const CONVERTING_ORDER = (sql: postgres.Sql, id: number, asOf: string) => sql`
  INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
  SELECT ${id}, pc.customer_id, NULL, pc.channel_id, pc.campaign_id, (${asOf}::date + time '11:00') AT TIME ZONE siyu.business_tz(), 99.90, 1, 'core', 'paid'
  FROM siyu.participant_conversions AS pc
  WHERE NOT pc.converted AND pc.participation_id >= (SELECT min(participation_id) FROM siyu.participant_conversions) + ${(id * 13) % 100_000}
  ORDER BY pc.participation_id LIMIT 1`;

const database = (pgPort: number) => withDatabase(bench, pgPort, async (sql) => {
  const { firstOrder, firstJoin, asOf, campaign } = (await sql<{ firstOrder: number; firstJoin: number; asOf: string; campaign: number }[]>`
    SELECT (SELECT max(id) + 1 FROM siyu.orders) AS "firstOrder", (SELECT max(id) + 1 FROM siyu.campaign_participations) AS "firstJoin",
           (SELECT value FROM siyu.settings WHERE key = 'as_of') AS "asOf",
           (SELECT campaign_id FROM siyu.campaign_participations GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) AS campaign`)[0]!;
  const [[built], buildMs] = await timed(() => sql<{ rows: string }[]>`SELECT siyu.roll_period_participants(true) AS rows`);
  const [size] = await sql<{ periods: number; bytes: string }[]>`
    SELECT (SELECT count(*)::int FROM siyu.participant_periods) AS periods, pg_total_relation_size('siyu.period_participants')::text AS bytes`;
  bench.say(`whole build ${buildMs} ms, ${built!.rows} rows`);
  // Only this table's roll-over: the sales period table's trigger on the settings is off meanwhile (rolled back after).
  const roll = (day: string) => sql.begin(async (tx) => {
    await tx`ALTER TABLE siyu.settings DISABLE TRIGGER period_sales_as_of`;
    const t0 = performance.now();
    await tx`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`;
    const ms = Math.round(performance.now() - t0);
    await tx`ALTER TABLE siyu.settings ENABLE TRIGGER period_sales_as_of`;
    return ms;
  });
  const nextMs = await roll(addDays(asOf, 1));
  const backMs = await roll(asOf);
  bench.say(`roll-over ${nextMs} ms, back ${backMs} ms`);
  let join = firstJoin + 100_000;
  let order = firstOrder + 100_000;
  const pause = async (on: boolean) => {
    for (const t of ['insert', 'update']) await sql.unsafe(`ALTER TABLE siyu.participant_conversions ${on ? 'ENABLE' : 'DISABLE'} TRIGGER period_participants_${t}`);
  };
  const times = await alternateInserts(bench, pause, {
    join: () => JOIN(sql, join++, campaign, asOf),
    order: () => CONVERTING_ORDER(sql, order++, asOf),
  });
  await sql`DELETE FROM siyu.orders WHERE id >= ${firstOrder + 100_000}`;
  await sql`DELETE FROM siyu.campaign_participations WHERE id >= ${firstJoin + 100_000}`;
  // The rows written with the trigger off were never in the period table: count it afresh.
  await sql`SELECT siyu.roll_period_participants(true)`;
  await sql`VACUUM (ANALYZE) siyu.period_participants`;
  return {
    whole_build_ms: buildMs, rows: Number(built!.rows), periods: size!.periods, bytes: Number(size!.bytes),
    roll_over_next_day_ms: nextMs, roll_over_back_ms: backMs,
    participation_insert_with: times.join!.on, participation_insert_without: times.join!.off,
    converting_order_insert_with: times.order!.on, converting_order_insert_without: times.order!.off,
    load_average: os.loadavg()[0],
  };
});

const tiles = (pgPort: number) => withProduct(bench, pgPort, async ({ sql, exec, manager, asOf }) => {
  const [top] = await sql<{ campaign: string; campaign_id: number; channel: string }[]>`
    SELECT c.name AS campaign, c.id AS campaign_id, ch.name AS channel
    FROM siyu.campaign_participations AS p JOIN siyu.campaigns AS c ON c.id = p.campaign_id JOIN siyu.channels AS ch ON ch.id = p.channel_id
    WHERE p.joined_at >= now() - interval '400 days' GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1`;
  const none = { team: null, campaign: null, channel: null };
  // Each case: the page's query on a preset (the period table) and the same range as a custom range asks it.
  const pair = (preset: RangePreset, build: (on: string | null) => unknown) => ({ period: build(asOf) as CubeQuery, days: build(null) as CubeQuery });
  const range = (preset: RangePreset) => dateRangeFor(preset, asOf);
  const cases = [
    { name: 'exec · channels conversion by channel, 近12个月', client: exec, ...pair('last_12_months', (on) => channelsQueries(range('last_12_months'), none, on).conversion_by_channel) },
    { name: 'exec · channels conversion by channel, 近30天', client: exec, ...pair('last_30_days', (on) => channelsQueries(range('last_30_days'), none, on).conversion_by_channel) },
    { name: 'exec · channels conversion by campaign (a channel), 近12个月', client: exec, ...pair('last_12_months', (on) => channelsQueries(range('last_12_months'), { ...none, channel: top!.channel }, on).conversion_by_campaign) },
    { name: 'exec · activities participation by campaign, 近12个月', client: exec, ...pair('last_12_months', (on) => activitiesQueries(range('last_12_months'), none, false, on).participation_by_campaign) },
    { name: 'exec · activities participation by channel (a campaign), 近12个月', client: exec, ...pair('last_12_months', (on) => activitiesQueries(range('last_12_months'), { ...none, campaign: top!.campaign }, false, on).participation_by_channel) },
    { name: 'manager · activities participation by campaign, 近12个月', client: manager, ...pair('last_12_months', (on) => activitiesQueries(range('last_12_months'), none, false, on).participation_by_campaign) },
  ];
  const written = { orders: [] as number[], joins: [] as number[] };
  const [firsts] = await sql<{ o: number; p: number }[]>`
    SELECT (SELECT max(id) + 1 FROM siyu.orders) AS o, (SELECT max(id) + 1 FROM siyu.campaign_participations) AS p`;
  let [order, join] = [firsts!.o, firsts!.p];
  const figures = await timeCases(bench, cases, async () => {
    written.joins.push(join);
    await JOIN(sql, join++, top!.campaign_id, asOf);
    written.orders.push(order);
    await CONVERTING_ORDER(sql, order++, asOf);
  }, ['period_table', 'participations']);
  await sql`DELETE FROM siyu.orders WHERE id = ANY(${written.orders})`;
  await sql`DELETE FROM siyu.campaign_participations WHERE id = ANY(${written.joins})`;
  return figures;
});

await report(bench, database, tiles);
