/** The customer-day table (migration 013) against the paid orders, summed apart in plain SQL. */
import type { Sql } from 'postgres';

/** Rows of the table the orders say should be there and are not, and the reverse, as text (at most 20). */
export async function customerDayDifferences(sql: Sql): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (
      SELECT customer_id, ((ordered_at AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start,
             channel_id, campaign_id, employee_id, count(*)::int AS paid_orders, sum(amount) AS paid_amount
      FROM siyu.orders WHERE status = 'paid'
      GROUP BY 1, 2, 3, 4, 5),
    actual AS (SELECT customer_id, day_start, channel_id, campaign_id, employee_id, paid_orders, paid_amount FROM siyu.customer_days)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}
