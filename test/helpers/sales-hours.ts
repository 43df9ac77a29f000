/** The hourly sales table (migration 032) against the orders, summed apart in plain SQL. */
import type { Sql } from 'postgres';

/** Rows of the table the orders say should be there and are not, and the reverse, as text (at most 20). */
export async function salesHourDifferences(sql: Sql): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (
      SELECT (date_trunc('hour', ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai') AS hour_start,
             channel_id, campaign_id, employee_id, count(*)::int AS orders,
             count(*) FILTER (WHERE status = 'paid')::int AS paid_orders,
             coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0)::numeric(16, 2) AS paid_amount
      FROM siyu.orders
      GROUP BY 1, 2, 3, 4),
    actual AS (SELECT hour_start, channel_id, campaign_id, employee_id, orders, paid_orders, paid_amount FROM siyu.sales_hours)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}

/** The monthly sales table (migration 041) against the orders summed by business month apart, as above. */
export async function salesMonthDifferences(sql: Sql): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (
      SELECT (date_trunc('month', ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai') AS month_start,
             channel_id, campaign_id, employee_id, count(*)::int AS orders,
             count(*) FILTER (WHERE status = 'paid')::int AS paid_orders,
             coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0)::numeric(16, 2) AS paid_amount
      FROM siyu.orders
      GROUP BY 1, 2, 3, 4),
    actual AS (SELECT month_start, channel_id, campaign_id, employee_id, orders, paid_orders, paid_amount FROM siyu.sales_months)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}
