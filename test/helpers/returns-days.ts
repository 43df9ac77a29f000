/** The returns day table (migration 043) against the spend, the paid orders and the customers, summed apart in plain SQL. */
import type { Sql } from 'postgres';
import { rowDifferences } from './differences.ts';

/** Rows of the table the facts say should be there and are not, and the reverse, as text (at most 20). */
export async function returnsDayDifferences(sql: Sql): Promise<string[]> {
  return rowDifferences(sql, `
      SELECT day_start, channel_id, campaign_id, employee_id, sum(spend_lines)::int AS spend_lines, sum(spend)::numeric(16, 2) AS spend,
             sum(paid_orders)::int AS paid_orders, sum(attributed)::numeric(16, 2) AS attributed, sum(acquired)::int AS acquired
      FROM (
        SELECT (spent_on::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start, channel_id, campaign_id, employee_id,
               1 AS spend_lines, amount AS spend, 0 AS paid_orders, 0 AS attributed, 0 AS acquired
        FROM siyu.campaign_spend
        UNION ALL
        SELECT (date_trunc('day', ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), channel_id, campaign_id, employee_id, 0, 0, 1, amount, 0
        FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL
        UNION ALL
        SELECT (date_trunc('day', registered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), source_channel_id, NULL, NULL, 0, 0, 0, 0, 1
        FROM siyu.customers) AS facts
      GROUP BY 1, 2, 3, 4`,
  'SELECT day_start, channel_id, campaign_id, employee_id, spend_lines, spend, paid_orders, attributed, acquired FROM siyu.returns_days');
}
