/**
 * The sliced drill lists' table (migration 033) against the paid orders,
 * counted apart in plain SQL over the presets' own ranges of
 * web/src/lib/date-range.ts, with the owners and teams as they are now.
 */
import type { Sql } from 'postgres';
import { drillRanges } from './drill-sales.ts';

const COLUMNS = 'period, slice, team_id, employee_id, channel_id, campaign_id, customer_id, paid_orders, paid_amount, owner_id, owner_team_id, '
  + 'attributed_orders, attributed_amount';

/**
 * Per range, slice (credited team, credited employee with their team, channel, campaign) and customer: paid orders and
 * amount, owner, owner's team, and the paid orders and amount carrying a campaign (migration 061).
 */
export function expectedDrillSlicesSql(sql: Sql, asOf: string) {
  const ranges = [...drillRanges(asOf)].map(([key, r]) => ({ key, from: r?.[0] ?? null, to: r?.[1] ?? null }));
  return sql`
    WITH ranges AS (SELECT * FROM json_to_recordset(${JSON.stringify(ranges)}::text::json) AS r (key text, "from" date, "to" date)),
    f AS (
      SELECT r.key AS period, o.customer_id, o.amount, e.team_id, o.employee_id, o.channel_id, o.campaign_id
      FROM siyu.orders AS o
      JOIN ranges AS r ON r.key = 'all' OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN r."from" AND r."to"
      LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      WHERE o.status = 'paid'),
    cut AS (
      SELECT period, 'team' AS slice, team_id, NULL::int AS employee_id, NULL::int AS channel_id, NULL::int AS campaign_id, customer_id, amount,
             campaign_id IS NOT NULL AS attributed FROM f WHERE team_id IS NOT NULL
      UNION ALL SELECT period, 'team,employee', team_id, employee_id, NULL, NULL, customer_id, amount, campaign_id IS NOT NULL FROM f WHERE employee_id IS NOT NULL
      UNION ALL SELECT period, 'channel', NULL, NULL, channel_id, NULL, customer_id, amount, campaign_id IS NOT NULL FROM f
      UNION ALL SELECT period, 'campaign', NULL, NULL, NULL, campaign_id, customer_id, amount, true FROM f WHERE campaign_id IS NOT NULL)
    SELECT x.period, x.slice, x.team_id, x.employee_id, x.channel_id, x.campaign_id, x.customer_id,
           count(*)::int AS paid_orders, sum(x.amount)::numeric(16, 2) AS paid_amount, c.owner_employee_id AS owner_id, oe.team_id AS owner_team_id,
           (count(*) FILTER (WHERE x.attributed))::int AS attributed_orders, coalesce(sum(x.amount) FILTER (WHERE x.attributed), 0)::numeric(16, 2) AS attributed_amount
    FROM cut AS x
    JOIN siyu.customers AS c ON c.id = x.customer_id
    LEFT JOIN siyu.employees AS oe ON oe.id = c.owner_employee_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 10, 11`;
}

/** Rows the orders say should be there and are not, and the reverse, as text (at most 20). */
export async function drillSlicesDifferences(sql: Sql, asOf: string): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (${expectedDrillSlicesSql(sql, asOf)}),
    actual AS (SELECT ${sql.unsafe(COLUMNS)} FROM siyu.drill_sales_slices)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}

/** The table's rows as text, in order (to compare it with a fresh rebuild). */
export async function drillSlicesRows(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`SELECT (${sql.unsafe(COLUMNS)})::text AS row FROM siyu.drill_sales_slices ORDER BY 1`;
  return rows.map((r) => r.row);
}
