/**
 * The returns day table (migration 043) against the spend, the paid orders and the customers, summed apart in plain SQL;
 * and the monthly returns table (migration 048), where it exists, against the same facts summed by business month.
 */
import type { Sql } from 'postgres';

/** Rows of the table the facts say should be there and are not, and the reverse, as text (at most 20). */
export async function returnsDayDifferences(sql: Sql): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH facts AS (
      SELECT (spent_on::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start, channel_id, campaign_id, employee_id,
             1 AS spend_lines, amount AS spend, 0 AS paid_orders, 0 AS attributed, 0 AS acquired
      FROM siyu.campaign_spend
      UNION ALL
      SELECT (date_trunc('day', ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), channel_id, campaign_id, employee_id, 0, 0, 1, amount, 0
      FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL
      UNION ALL
      SELECT (date_trunc('day', registered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), source_channel_id, NULL, NULL, 0, 0, 0, 0, 1
      FROM siyu.customers),
    expected AS (
      SELECT day_start, channel_id, campaign_id, employee_id, sum(spend_lines)::int AS spend_lines, sum(spend)::numeric(16, 2) AS spend,
             sum(paid_orders)::int AS paid_orders, sum(attributed)::numeric(16, 2) AS attributed, sum(acquired)::int AS acquired
      FROM facts GROUP BY 1, 2, 3, 4),
    actual AS (SELECT day_start, channel_id, campaign_id, employee_id, spend_lines, spend, paid_orders, attributed, acquired FROM siyu.returns_days)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  const [months] = await sql<{ ok: boolean }[]>`SELECT to_regclass('siyu.returns_months') IS NOT NULL AS ok`;
  return [...rows.map((r) => `${r.side} ${r.row}`), ...(months!.ok ? await returnsMonthDifferences(sql) : [])];
}

/** Rows of the monthly returns table (migration 048) that differ from the facts summed apart by business month (at most 20). */
export async function returnsMonthDifferences(sql: Sql): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH facts AS (
      SELECT (date_trunc('month', spent_on::timestamp) AT TIME ZONE 'Asia/Shanghai') AS month_start, channel_id, campaign_id, employee_id,
             1 AS spend_lines, amount AS spend, 0 AS paid_orders, 0 AS attributed, 0 AS acquired
      FROM siyu.campaign_spend
      UNION ALL
      SELECT (date_trunc('month', ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), channel_id, campaign_id, employee_id, 0, 0, 1, amount, 0
      FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL
      UNION ALL
      SELECT (date_trunc('month', registered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), source_channel_id, NULL, NULL, 0, 0, 0, 0, 1
      FROM siyu.customers),
    expected AS (
      SELECT month_start, channel_id, campaign_id, employee_id, sum(spend_lines)::int AS spend_lines, sum(spend)::numeric(16, 2) AS spend,
             sum(paid_orders)::int AS paid_orders, sum(attributed)::numeric(16, 2) AS attributed, sum(acquired)::int AS acquired
      FROM facts GROUP BY 1, 2, 3, 4),
    actual AS (SELECT month_start, channel_id, campaign_id, employee_id, spend_lines, spend, paid_orders, attributed, acquired FROM siyu.returns_months)
    (SELECT 'missing month' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra month', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}
