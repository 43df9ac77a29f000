/**
 * The returns day table (migration 043) against the spend, the paid orders and the customers, summed apart in plain SQL;
 * and the monthly returns table (migration 048), where it exists, against the same facts summed by business month.
 */
import type { Sql } from 'postgres';
import { rowDifferences } from './differences.ts';

/** The facts at their business day (`day`) or month (`month`), one row each, with the five sums' parts. */
const facts = (unit: 'day' | 'month'): string => `
        SELECT (date_trunc('${unit}', spent_on::timestamp) AT TIME ZONE 'Asia/Shanghai') AS period_start, channel_id, campaign_id, employee_id,
               1 AS spend_lines, amount AS spend, 0 AS paid_orders, 0 AS attributed, 0 AS acquired
        FROM siyu.campaign_spend
        UNION ALL
        SELECT (date_trunc('${unit}', ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), channel_id, campaign_id, employee_id, 0, 0, 1, amount, 0
        FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL
        UNION ALL
        SELECT (date_trunc('${unit}', registered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'), source_channel_id, NULL, NULL, 0, 0, 0, 0, 1
        FROM siyu.customers`;

const summed = (unit: 'day' | 'month'): string => `
      SELECT period_start, channel_id, campaign_id, employee_id, sum(spend_lines)::int AS spend_lines, sum(spend)::numeric(16, 2) AS spend,
             sum(paid_orders)::int AS paid_orders, sum(attributed)::numeric(16, 2) AS attributed, sum(acquired)::int AS acquired
      FROM (${facts(unit)}) AS facts
      GROUP BY 1, 2, 3, 4`;

/** Rows of the tables the facts say should be there and are not, and the reverse, as text (at most 20 each). */
export async function returnsDayDifferences(sql: Sql): Promise<string[]> {
  const days = await rowDifferences(sql, summed('day'),
    'SELECT day_start, channel_id, campaign_id, employee_id, spend_lines, spend, paid_orders, attributed, acquired FROM siyu.returns_days');
  const [months] = await sql<{ ok: boolean }[]>`SELECT to_regclass('siyu.returns_months') IS NOT NULL AS ok`;
  return [...days, ...(months!.ok ? await returnsMonthDifferences(sql) : [])];
}

/** Rows of the monthly returns table (migration 048) that differ from the facts summed apart by business month (at most 20). */
export async function returnsMonthDifferences(sql: Sql): Promise<string[]> {
  const rows = await rowDifferences(sql, summed('month'),
    'SELECT month_start, channel_id, campaign_id, employee_id, spend_lines, spend, paid_orders, attributed, acquired FROM siyu.returns_months');
  return rows.map((r) => `month: ${r}`);
}
