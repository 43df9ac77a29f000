/** The participant conversions table (migration 019) against the participations and paid orders, in plain SQL. */
import type { Sql } from 'postgres';

/** Rows the participations and orders say should be there and are not, and the reverse, as text (at most 20). */
export async function participantConversionDifferences(sql: Sql): Promise<string[]> {
  const rows = await sql<{ side: string; row: string }[]>`
    WITH expected AS (
      SELECT p.id, p.campaign_id, p.customer_id, p.channel_id, p.employee_id, p.joined_at, p.invited_by_customer_id IS NOT NULL AS invited,
             p.customer_id IN (SELECT o.customer_id FROM siyu.orders AS o WHERE o.status = 'paid' AND o.campaign_id = p.campaign_id) AS converted
      FROM siyu.campaign_participations AS p),
    actual AS (SELECT participation_id, campaign_id, customer_id, channel_id, employee_id, joined_at, invited, converted FROM siyu.participant_conversions)
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`;
  return rows.map((r) => `${r.side} ${r.row}`);
}
