/**
 * The owner period table (migration 027) against the paid orders, counted
 * apart in plain SQL (orders, not customer days) over the ranges
 * web/src/lib/date-range.ts gives, cut by the customer's owner and the
 * owner's team now, the order's channel and campaign.
 */
import type { Sql } from 'postgres';
import { presetRanges } from './period-sales.ts';

/** The rows the table should hold as of `asOf`, from the orders. */
export function expectedPeriodOwnersSql(sql: Sql, asOf: string) {
  const ranges = [...presetRanges(asOf)].map(([key, r]) => ({ key, from: r?.[0] ?? null, to: r?.[1] ?? null }));
  return sql`
    WITH ranges AS (SELECT * FROM json_to_recordset(${JSON.stringify(ranges)}::text::json) AS r (key text, "from" date, "to" date)),
    paid AS (
      SELECT o.customer_id, c.owner_employee_id AS owner_id, e.team_id, o.channel_id, o.campaign_id,
             (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date AS day
      FROM siyu.orders AS o JOIN siyu.customers AS c ON c.id = o.customer_id LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
      WHERE o.status = 'paid'),
    per_customer AS (
      SELECT r.key AS period,
             coalesce(nullif(concat_ws(',',
               CASE WHEN GROUPING(p.team_id) = 0 THEN 'team' END, CASE WHEN GROUPING(p.owner_id) = 0 THEN 'owner' END,
               CASE WHEN GROUPING(p.channel_id) = 0 THEN 'channel' END, CASE WHEN GROUPING(p.campaign_id) = 0 THEN 'campaign' END), ''), 'brand') AS slice,
             p.team_id, p.owner_id, p.channel_id, p.campaign_id, p.customer_id, count(*) AS orders
      FROM paid AS p JOIN ranges AS r ON r.key = 'all' OR p.day BETWEEN r."from" AND r."to"
      GROUP BY r.key, p.customer_id, CUBE (p.channel_id, p.campaign_id), GROUPING SETS ((), (p.team_id), (p.team_id, p.owner_id)))
    SELECT period, slice, team_id, owner_id, channel_id, campaign_id, count(*)::int AS buyers, (count(*) FILTER (WHERE orders >= 2))::int AS repeat_buyers
    FROM per_customer GROUP BY 1, 2, 3, 4, 5, 6`;
}

/** Rows the orders say should be there and are not, and the reverse, as text (at most 20). */
export async function periodOwnersDifferences(sql: Sql, asOf: string): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (${expectedPeriodOwnersSql(sql, asOf)}),
    actual AS (SELECT period, slice, team_id, owner_id, channel_id, campaign_id, buyers, repeat_buyers FROM siyu.period_owners)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}

/** The table's rows as text, in order (to compare it with a fresh rebuild). */
export async function periodOwnersRows(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_owners AS p ORDER BY 1`;
  return rows.map((r) => r.row);
}
