/** The participant conversions table (migration 019) against the participations and paid orders, in plain SQL. */
import type { Sql } from 'postgres';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { DateRange } from '../../web/src/lib/date-range.ts';

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

type Row = Record<string, unknown>;

/** Rows as comparable text, sorted; the rate (a numeric division) to 12 significant digits. */
export function participationComparable(rows: readonly Row[], members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => {
    const v = row[m];
    if (v === null || v === undefined) return null;
    return /^-?\d+\.\d+$/.test(String(v)) ? Number(Number(v).toPrecision(12)) : String(v);
  }))).sort();
}

const KEYS: Record<string, string> = { campaign: 'c.name', channel: 'ch.name', employee: 'e.name', city_tier: 'cu.city_tier' };

/**
 * A participation query's numbers as plain SQL on the participations and the paid orders, within the role's scope
 * (docs/security.md: the promoter, or the promoter's team), over `range` (a period view's query: its `period`).
 */
export async function participationBySql(sql: Sql, who: SecurityContext, { query, range }: { query: Record<string, unknown>; range: DateRange | null }): Promise<Row[]> {
  const [dimension] = (query.dimensions ?? []) as string[];
  const [view = '', by = ''] = (dimension ?? (query.measures as string[])[0]!).split('.');
  const key = dimension ? KEYS[by]! : 'NULL';
  const filters = (query.filters ?? []) as Array<{ member: string; values: string[] }>;
  const value = (name: string): string | null => filters.find((f) => f.member === `${view}.${name}`)?.values[0] ?? null;
  const [team, campaign, channel, period] = [value('team'), value('campaign'), value('channel'), value('period')];
  const [from, to] = period === null ? [range?.[0] ?? null, range?.[1] ?? null] : period === 'all' ? [null, null] : period.split('..');
  const staff = who.role === 'staff' ? who.employeeId : null;
  const manager = who.role === 'manager' ? who.teamId : null;
  const rows = await sql<{ key: string | null; participants: string; fission: string; converted: string; rate: string | null }[]>`
    SELECT ${sql.unsafe(key)} AS key, count(DISTINCT p.customer_id) AS participants,
           count(*) FILTER (WHERE p.invited_by_customer_id IS NOT NULL) AS fission,
           count(DISTINCT p.customer_id) FILTER (WHERE bought) AS converted,
           (count(DISTINCT p.customer_id) FILTER (WHERE bought))::numeric / NULLIF(count(DISTINCT p.customer_id), 0) AS rate
    FROM (SELECT q.*, EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.status = 'paid' AND o.customer_id = q.customer_id AND o.campaign_id = q.campaign_id) AS bought
          FROM siyu.campaign_participations AS q) AS p
    JOIN siyu.campaigns AS c ON c.id = p.campaign_id
    JOIN siyu.channels AS ch ON ch.id = p.channel_id
    JOIN siyu.customers AS cu ON cu.id = p.customer_id
    LEFT JOIN siyu.employees AS e ON e.id = p.employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE (${from ?? null}::date IS NULL OR (p.joined_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from ?? null}::date AND ${to ?? null}::date)
      AND (${team}::text IS NULL OR t.name = ${team})
      AND (${campaign}::text IS NULL OR c.name = ${campaign})
      AND (${channel}::text IS NULL OR ch.name = ${channel})
      AND (${staff}::int IS NULL OR p.employee_id = ${staff}::int)
      AND (${manager}::int IS NULL OR e.team_id = ${manager}::int)
    GROUP BY 1`;
  // Cube answers one row of zeros for a total over nothing, plain SQL none.
  const out = rows.length === 0 && !dimension ? [{ key: null, participants: '0', fission: '0', converted: '0', rate: null }] : rows;
  return out.map((r) => ({
    [`${view}.${by}`]: r.key, [`${view}.participants`]: r.participants, [`${view}.fission_count`]: r.fission,
    [`${view}.converted_count`]: r.converted, [`${view}.campaign_conversion_rate`]: r.rate,
  }));
}

/**
 * Six writers at once, 15 transactions each, on four customers
 * (`ids.customers[6..9]`) and three campaigns, so their writes meet on the
 * same participations: a paid campaign order (id from `base`), a refund or
 * unrefund of the customer's campaign orders, a participation deleted, or a
 * participation added (promoted by one of `promoters` when given).
 */
export async function concurrentParticipationWriters(sql: Sql, w: {
  rnd: () => number; ids: { customers: number[]; campaigns: number[]; channels: number[] };
  base: number; nextParticipation: { id: number }; promoters?: number[];
}): Promise<void> {
  const { rnd, ids, base } = w;
  await Promise.all(Array.from({ length: 6 }, async (_, writer) => {
    for (let k = 0; k < 15; k++) {
      const c = ids.customers[6 + ((writer + k) % 4)]!;
      const campaign = ids.campaigns[k % 3]!;
      await sql.begin(async (tx) => {
        const roll = rnd();
        if (roll < 0.3) {
          await tx`INSERT INTO siyu.orders (id, customer_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
                   VALUES (${base + writer * 100 + k}, ${c}, ${ids.channels[0]!}, ${campaign}, '2026-11-19 10:00+08', 5, 1, 'core', 'paid')`;
        } else if (roll < 0.5) {
          await tx`UPDATE siyu.orders SET status = CASE status WHEN 'paid' THEN 'refunded' ELSE 'paid' END WHERE customer_id = ${c} AND campaign_id = ${campaign}`;
        } else if (roll < 0.7) {
          await tx`DELETE FROM siyu.campaign_participations WHERE customer_id = ${c} AND campaign_id = ${campaign}`;
        } else {
          await tx`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
                   VALUES (${w.nextParticipation.id++}, ${campaign}, ${c}, ${w.promoters ? w.promoters[writer % 3]! : null}, ${ids.channels[1]!}, '2026-11-19 09:00+08') ON CONFLICT DO NOTHING`;
        }
        await tx`SELECT pg_sleep(0.01)`;
      });
    }
  }));
}
