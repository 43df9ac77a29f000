/**
 * A staff member's or manager's fact drill adds up to its number: the list
 * names the customers the person owns, and the anonymised remainder
 * (web/src/lib/drill-scope.ts: the number over all the scope's facts minus
 * the number over the owned customers' facts) holds the others. Checked for
 * every fact family (sales, campaigns, staff touches) against plain SQL.
 */
import { describe, expect, it } from 'vitest';
import { buildDrillScopeQueries, remainder } from '../../web/src/lib/drill-scope.ts';
import { buildDrillPageQuery, drillDef, parseDrill, parsePage } from '../../web/src/lib/drill.ts';
import { one } from '../helpers/database.ts';
import { useTestStack } from '../helpers/stack.ts';

const AS_OF = '2026-11-20';

/** Each fact per customer, with the employee it is credited to and its weight in the number's part. */
const FACTS: Record<string, string> = {
  orders: `SELECT customer_id, employee_id, amount AS w FROM siyu.orders WHERE status = 'paid'`,
  participants: `SELECT customer_id, employee_id, 1 AS w FROM siyu.campaign_participations`,
  converted: `SELECT cp.customer_id, cp.employee_id, 1 AS w FROM siyu.campaign_participations cp
              WHERE EXISTS (SELECT 1 FROM siyu.orders o WHERE o.status = 'paid' AND o.customer_id = cp.customer_id AND o.campaign_id = cp.campaign_id)`,
  fission: `SELECT customer_id, employee_id, 1 AS w FROM siyu.campaign_participations WHERE invited_by_customer_id IS NOT NULL`,
  follow_ups: `SELECT customer_id, employee_id, 1 AS w FROM siyu.follow_ups`,
  bookings: `SELECT customer_id, employee_id, 1 AS w FROM siyu.appointments`,
  arrivals: `SELECT customer_id, employee_id, 1 AS w FROM siyu.appointments WHERE arrived_at IS NOT NULL`,
};

/** metric (and ratio population) → its facts, and the measure whose remainder is the part checked against SQL (if any). */
const CASES: Array<{ params: string; facts: keyof typeof FACTS; sum?: string }> = [
  { params: 'metric=gmv', facts: 'orders', sum: 'gmv' },
  { params: 'metric=buyers', facts: 'orders' },
  { params: 'metric=participants', facts: 'participants' },
  { params: 'metric=converted_count', facts: 'converted' },
  { params: 'metric=fission_count', facts: 'fission', sum: 'fission_count' },
  { params: 'metric=campaign_conversion_rate', facts: 'converted' },
  { params: 'metric=campaign_conversion_rate&show=all', facts: 'participants' },
  { params: 'metric=follow_ups', facts: 'follow_ups', sum: 'follow_ups' },
  { params: 'metric=bookings', facts: 'bookings', sum: 'bookings' },
  { params: 'metric=arrival_rate', facts: 'arrivals', sum: 'arrivals' },
  { params: 'metric=arrival_rate&show=all', facts: 'bookings', sum: 'bookings' },
];

describe('fact drills add up under a team role, other owners\' customers anonymised', () => {
  const ctx = useTestStack('drill_remainders', { demoCustomers: 1200 });

  it('named customers + the anonymised remainder = the scope\'s customers, and the remainder\'s part = theirs in SQL', async () => {
    const manager = one(await ctx.db.sql<{ team_id: number }[]>`
      SELECT e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const staff = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`);
    // The demo's staff touch only customers they own; some touches of another team's customers make the touch drills say something.
    const others = await ctx.db.sql<{ id: number }[]>`
      SELECT c.id FROM siyu.customers c JOIN siyu.employees o ON o.id = c.owner_employee_id
      WHERE o.team_id <> ${manager.team_id} ORDER BY c.id LIMIT 2`;
    const [x, y] = others.map((r) => r.id);
    await ctx.db.sql`INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
      SELECT max(id) + n, ${x!}, ${staff.employee_id}, 'call', TIMESTAMPTZ '2026-11-01 10:00+08' FROM siyu.follow_ups, generate_series(1, 3) AS n GROUP BY n`;
    await ctx.db.sql`INSERT INTO siyu.appointments (id, customer_id, employee_id, booked_at, scheduled_for, arrived_at)
      SELECT max(id) + n, CASE WHEN n = 3 THEN ${y!}::int ELSE ${x!}::int END, ${staff.employee_id},
             TIMESTAMPTZ '2026-11-02 10:00+08', TIMESTAMPTZ '2026-11-05 10:00+08',
             CASE WHEN n = 1 THEN TIMESTAMPTZ '2026-11-05 10:30+08' END
      FROM siyu.appointments, generate_series(1, 3) AS n GROUP BY n`;
    let anonymisedSomewhere = 0;
    for (const [username, credited, owns] of [
      ['manager', `e.team_id = ${manager.team_id}`, `owner.team_id = ${manager.team_id}`],
      ['staff', `f.employee_id = ${staff.employee_id}`, `c.owner_employee_id = ${staff.employee_id}`],
    ] as const) {
      const api = await ctx.stack.client(username);
      for (const { params, facts, sum } of CASES) {
        const search = new URLSearchParams(`${params}&range=all&size=1`);
        const slice = parseDrill(search, AS_OF);
        const label = `${username} ${params}`;
        const queries = buildDrillScopeQueries(slice, true)!;
        expect(queries, label).not.toBeNull();
        const [all] = await api.load({ ...queries.all });
        const [owned] = await api.load({ ...queries.owned });
        const rest = remainder(slice, all, owned);
        const listed = (await api.answer({ ...buildDrillPageQuery(slice, parsePage(search)) })).total!;
        const expected = one(await ctx.db.sql.unsafe<{ customers: number; others: number; others_part: string }[]>(`
          SELECT count(DISTINCT f.customer_id)::int AS customers,
                 count(DISTINCT f.customer_id) FILTER (WHERE NOT coalesce(${owns}, false))::int AS others,
                 coalesce(sum(f.w) FILTER (WHERE NOT coalesce(${owns}, false)), 0)::text AS others_part
          FROM (${FACTS[facts]}) f
          JOIN siyu.employees e ON e.id = f.employee_id
          JOIN siyu.customers c ON c.id = f.customer_id
          LEFT JOIN siyu.employees owner ON owner.id = c.owner_employee_id
          WHERE ${credited}`));
        expect(listed + (rest?.customers ?? 0), label).toBe(expected.customers);
        expect(rest?.customers ?? 0, label).toBe(expected.others);
        if (sum && rest) expect(rest.sums[sum], label).toBeCloseTo(Number(expected.others_part), 2);
        expect(drillDef(slice.metric).view, label).not.toBe('customer_insights');
        anonymisedSomewhere += expected.others;
      }
    }
    // The check means something only if some facts of a scope belong to others' customers.
    expect(anonymisedSomewhere).toBeGreaterThan(0);
  });
});
