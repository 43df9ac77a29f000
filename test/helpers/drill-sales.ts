/**
 * The drill lists' table (migration 029) against the paid orders, counted
 * apart in plain SQL over the presets' own ranges of web/src/lib/date-range.ts
 * (not the database's list of ranges).
 */
import type { Sql } from 'postgres';
import { dateRangeFor, RANGE_PRESETS, type DateRange } from '../../web/src/lib/date-range.ts';

/** Every preset's own range (no comparisons), keyed as the table keys them ('from..to'; 'all'). */
export function drillRanges(asOf: string): Map<string, DateRange | null> {
  const out = new Map<string, DateRange | null>([['all', null]]);
  for (const preset of RANGE_PRESETS) {
    const range = dateRangeFor(preset, asOf);
    if (range) out.set(`${range[0]}..${range[1]}`, range);
  }
  return out;
}

/** Per range and customer with a paid order in it: the paid orders and amount, and those carrying a campaign (migration 058), from the orders. */
export function expectedDrillSalesSql(sql: Sql, asOf: string) {
  const ranges = [...drillRanges(asOf)].map(([key, r]) => ({ key, from: r?.[0] ?? null, to: r?.[1] ?? null }));
  return sql`
    WITH ranges AS (SELECT * FROM json_to_recordset(${JSON.stringify(ranges)}::text::json) AS r (key text, "from" date, "to" date))
    SELECT r.key AS period, o.customer_id, count(*)::int AS paid_orders, sum(o.amount)::numeric(16, 2) AS paid_amount,
           count(*) FILTER (WHERE o.campaign_id IS NOT NULL)::int AS attributed_orders,
           coalesce(sum(o.amount) FILTER (WHERE o.campaign_id IS NOT NULL), 0)::numeric(16, 2) AS attributed_amount
    FROM siyu.orders AS o
    JOIN ranges AS r ON r.key = 'all' OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN r."from" AND r."to"
    WHERE o.status = 'paid'
    GROUP BY 1, 2`;
}

/** Rows the orders say should be there and are not, and the reverse, as text (at most 20). */
export async function drillSalesDifferences(sql: Sql, asOf: string): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (${expectedDrillSalesSql(sql, asOf)}),
    actual AS (SELECT period, customer_id, paid_orders, paid_amount, attributed_orders, attributed_amount FROM siyu.drill_sales)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}

/** The table's rows as text, in order (to compare it with a fresh rebuild). */
export async function drillSalesRows(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`SELECT (d.*)::text AS row FROM siyu.drill_sales AS d ORDER BY 1`;
  return rows.map((r) => r.row);
}
