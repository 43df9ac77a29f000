/**
 * The participants' period table (migration 028) against the participations
 * and the paid orders, counted apart in plain SQL over the ranges
 * web/src/lib/date-range.ts gives (not the database's own list of ranges).
 */
import type { Sql } from 'postgres';
import { presetRanges } from './period-sales.ts';

/** The rows the table should hold as of `asOf`: distinct participants and converted participants, invited participations. */
export function expectedPeriodParticipantsSql(sql: Sql, asOf: string) {
  const ranges = [...presetRanges(asOf)].map(([key, r]) => ({ key, from: r?.[0] ?? null, to: r?.[1] ?? null }));
  return sql`
    WITH ranges AS (SELECT * FROM json_to_recordset(${JSON.stringify(ranges)}::text::json) AS r (key text, "from" date, "to" date)),
    p AS (
      SELECT cp.customer_id, cp.employee_id, e.team_id, cp.channel_id, cp.campaign_id,
             cp.invited_by_customer_id IS NOT NULL AS invited,
             EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.status = 'paid' AND o.customer_id = cp.customer_id AND o.campaign_id = cp.campaign_id) AS converted,
             (cp.joined_at AT TIME ZONE 'Asia/Shanghai')::date AS day
      FROM siyu.campaign_participations AS cp LEFT JOIN siyu.employees AS e ON e.id = cp.employee_id)
    SELECT r.key AS period,
           coalesce(nullif(concat_ws(',',
             CASE WHEN GROUPING(p.team_id) = 0 THEN 'team' END, CASE WHEN GROUPING(p.employee_id) = 0 THEN 'employee' END,
             CASE WHEN GROUPING(p.channel_id) = 0 THEN 'channel' END, CASE WHEN GROUPING(p.campaign_id) = 0 THEN 'campaign' END), ''), 'brand') AS slice,
           p.team_id, p.employee_id, p.channel_id, p.campaign_id,
           count(DISTINCT p.customer_id)::int AS participants,
           count(DISTINCT p.customer_id) FILTER (WHERE p.converted)::int AS converted,
           count(*) FILTER (WHERE p.invited)::int AS fission
    FROM p JOIN ranges AS r ON r.key = 'all' OR p.day BETWEEN r."from" AND r."to"
    GROUP BY r.key, CUBE (p.channel_id, p.campaign_id), GROUPING SETS ((), (p.team_id), (p.team_id, p.employee_id))`;
}

/** Rows the participations say should be there and are not, and the reverse, as text (at most 20). */
export async function periodParticipantsDifferences(sql: Sql, asOf: string): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (${expectedPeriodParticipantsSql(sql, asOf)}),
    actual AS (SELECT period, slice, team_id, employee_id, channel_id, campaign_id, participants, converted, fission FROM siyu.period_participants)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}

/** The table's rows as text, in order (to compare it with a fresh rebuild). */
export async function periodParticipantsRows(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_participants AS p ORDER BY 1`;
  return rows.map((r) => r.row);
}
