/** The daily sales table (migration 042) against the orders, summed apart in plain SQL. */
import type { Sql } from 'postgres';
import { rowDifferences } from './differences.ts';

/** Rows of the table the orders say should be there and are not, and the reverse, as text (at most 20). */
export async function salesDayDifferences(sql: Sql): Promise<string[]> {
  return rowDifferences(sql, `
      SELECT ((ordered_at AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start,
             channel_id, campaign_id, employee_id, category, count(*)::int AS orders,
             count(*) FILTER (WHERE status = 'paid')::int AS paid_orders,
             count(*) FILTER (WHERE status = 'refunded')::int AS refunded_orders,
             coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0)::numeric(16, 2) AS paid_amount,
             coalesce(sum(items) FILTER (WHERE status = 'paid'), 0)::bigint AS paid_items
      FROM siyu.orders
      GROUP BY 1, 2, 3, 4, 5`,
  `SELECT day_start, channel_id, campaign_id, employee_id, category, orders, paid_orders, refunded_orders, paid_amount, paid_items
   FROM siyu.sales_days`);
}

/**
 * The team day table (migration 051) and the team month table kept from it (migration 054) against the orders at their
 * employee's team now, summed apart in plain SQL (the month table's differences prefixed `month:`).
 */
export async function salesTeamDayDifferences(sql: Sql): Promise<string[]> {
  const months = await rowDifferences(sql, `
      SELECT (date_trunc('month', o.ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai') AS month_start,
             o.channel_id, o.campaign_id, e.team_id, count(*)::int AS orders,
             count(*) FILTER (WHERE o.status = 'paid')::int AS paid_orders,
             coalesce(sum(o.amount) FILTER (WHERE o.status = 'paid'), 0)::numeric(16, 2) AS paid_amount
      FROM siyu.orders AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      GROUP BY 1, 2, 3, 4`,
  `SELECT month_start, channel_id, campaign_id, team_id, orders, paid_orders, paid_amount FROM siyu.sales_team_months`);
  return [...months.map((d) => `month: ${d}`), ...await teamDays(sql)];
}

function teamDays(sql: Sql): Promise<string[]> {
  return rowDifferences(sql, `
      SELECT ((o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS day_start,
             o.channel_id, o.campaign_id, e.team_id, count(*)::int AS orders,
             count(*) FILTER (WHERE o.status = 'paid')::int AS paid_orders,
             coalesce(sum(o.amount) FILTER (WHERE o.status = 'paid'), 0)::numeric(16, 2) AS paid_amount
      FROM siyu.orders AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      GROUP BY 1, 2, 3, 4`,
  `SELECT day_start, channel_id, campaign_id, team_id, orders, paid_orders, paid_amount FROM siyu.sales_team_days`);
}
