/**
 * The period table (migration 018) against the paid orders, counted apart in
 * plain SQL over the ranges web/src/lib/date-range.ts gives (not the
 * database's own list of ranges).
 */
import type { Sql } from 'postgres';
import { dateRangeFor, previousPeriod, RANGE_PRESETS, yearAgo, type DateRange } from '../../web/src/lib/date-range.ts';

/** Every preset's range and its 环比 and 同比, keyed as the table keys them ('from..to'; 'all'). */
export function presetRanges(asOf: string): Map<string, DateRange | null> {
  const out = new Map<string, DateRange | null>([['all', null]]);
  for (const preset of RANGE_PRESETS) {
    const range = dateRangeFor(preset, asOf);
    if (!range) continue;
    for (const r of [range, previousPeriod(range), yearAgo(range)]) out.set(`${r[0]}..${r[1]}`, r);
  }
  return out;
}

/** The rows the table should hold as of `asOf`, from the orders; `period` limits them to one range. */
export function expectedPeriodSalesSql(sql: Sql, asOf: string) {
  const ranges = [...presetRanges(asOf)].map(([key, r]) => ({ key, from: r?.[0] ?? null, to: r?.[1] ?? null }));
  return sql`
    WITH ranges AS (SELECT * FROM json_to_recordset(${JSON.stringify(ranges)}::text::json) AS r (key text, "from" date, "to" date)),
    paid AS (
      SELECT o.customer_id, o.employee_id, e.team_id, o.channel_id, o.campaign_id, o.amount,
             (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date AS day
      FROM siyu.orders AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      WHERE o.status = 'paid')
    SELECT r.key AS period,
           coalesce(nullif(concat_ws(',',
             CASE WHEN GROUPING(p.team_id) = 0 THEN 'team' END, CASE WHEN GROUPING(p.employee_id) = 0 THEN 'employee' END,
             CASE WHEN GROUPING(p.channel_id) = 0 THEN 'channel' END, CASE WHEN GROUPING(p.campaign_id) = 0 THEN 'campaign' END), ''), 'brand') AS slice,
           p.team_id, p.employee_id, p.channel_id, p.campaign_id,
           count(DISTINCT p.customer_id)::int AS buyers, count(*)::int AS paid_orders, sum(p.amount) AS paid_amount
    FROM paid AS p JOIN ranges AS r ON r.key = 'all' OR p.day BETWEEN r."from" AND r."to"
    GROUP BY r.key, CUBE (p.channel_id, p.campaign_id), GROUPING SETS ((), (p.team_id), (p.team_id, p.employee_id))`;
}

/** Rows the orders say should be there and are not, and the reverse, as text (at most 20). */
export async function periodSalesDifferences(sql: Sql, asOf: string): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (${expectedPeriodSalesSql(sql, asOf)}),
    actual AS (SELECT period, slice, team_id, employee_id, channel_id, campaign_id, buyers, paid_orders, paid_amount FROM siyu.period_sales)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}

/** The table's rows as text, in order (to compare it with a fresh rebuild). */
export async function periodSalesRows(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_sales AS p ORDER BY 1`;
  return rows.map((r) => r.row);
}

/** The overview filter's slices the period tables' model tests ask: none, a team, a channel, all three (the busiest channel and campaign). */
export async function presetSlices(sql: Sql, teamName: string): Promise<{ team: string | null; channel: string | null; campaign: string | null }[]> {
  const [names] = await sql<{ channel: string; campaign: string }[]>`
    SELECT (SELECT ch.name FROM siyu.orders o JOIN siyu.channels ch ON ch.id = o.channel_id GROUP BY ch.name ORDER BY count(*) DESC LIMIT 1) AS channel,
           (SELECT ca.name FROM siyu.orders o JOIN siyu.campaigns ca ON ca.id = o.campaign_id GROUP BY ca.name ORDER BY count(*) DESC LIMIT 1) AS campaign`;
  return [
    { team: null, channel: null, campaign: null },
    { team: teamName, channel: null, campaign: null },
    { team: null, channel: names!.channel, campaign: null },
    { team: teamName, channel: names!.channel, campaign: names!.campaign },
  ];
}
