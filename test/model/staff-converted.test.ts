/**
 * The staff pages' converted customers (转化用户数: customers an employee owns
 * now with a paid order in the range) are counted on the customer-day table
 * made distinct per customer first (the staff_converted view), not on
 * staff_activity's stacked facts, and equal plain SQL on the orders under
 * every role's row limits, for the page's range, a short range and all
 * time, before and after new, refunded, re-dated and deleted orders, owner
 * changes and an employee moved to another team.
 *
 * The queries are the pages' own (web/src/features/staff/page-queries.ts);
 * the SQL is what Cube sends PostgreSQL for them under the role's security
 * context (`/v1/sql`, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { Client } from '../../cube/tools/api-client.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { staffQueries } from '../../web/src/features/staff/page-queries.ts';
import { addDays, type DateRange } from '../../web/src/lib/date-range.ts';
import { parseFilters, resolveDateRange } from '../../web/src/lib/filters.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const REROUTED = ['converted_by_team', 'converted_by_employee', 'employee_converted'] as const;
const USERS = ['exec', 'ops', 'manager', 'staff'];

type Row = Record<string, unknown>;
interface Named { name: string; range: DateRange | null; query: CubeQuery }

function comparable(rows: readonly Row[], members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => (row[m] === null || row[m] === undefined ? null : String(row[m]))))).sort();
}

/** Converted customers as plain SQL on the orders, within the role's scope (docs/security.md: the owner, or the owner's team). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, { query, range }: Named): Promise<Row[]> {
  const dims = (query.dimensions ?? []) as string[];
  const filters = (query.filters ?? []) as Array<{ member: string; values: string[] }>;
  const team = filters.find((f) => f.member === 'staff_converted.team')?.values[0] ?? null;
  const employee = filters.find((f) => f.member === 'staff_converted.employee_id')?.values[0] ?? null;
  const byTeam = dims.includes('staff_converted.team');
  const byEmployee = dims.includes('staff_converted.employee');
  const manager = who.role === 'manager' ? who.teamId : null;
  const owner = who.role === 'staff' ? who.employeeId : null;
  const rows = await db.sql<{ team: string | null; employee: string | null; employee_id: number | null; converted: string }[]>`
    SELECT ${byTeam ? db.sql`t.name` : db.sql`NULL::text`} AS team,
           ${byEmployee ? db.sql`e.name` : db.sql`NULL::text`} AS employee,
           ${byEmployee ? db.sql`e.id` : db.sql`NULL::int`} AS employee_id,
           count(DISTINCT o.customer_id) AS converted
    FROM siyu.orders AS o
    JOIN siyu.customers AS c ON c.id = o.customer_id
    JOIN siyu.employees AS e ON e.id = c.owner_employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE o.status = 'paid'
      AND (${range?.[0] ?? null}::date IS NULL OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${range?.[0] ?? null}::date AND ${range?.[1] ?? null}::date)
      AND (${team}::text IS NULL OR t.name = ${team})
      AND (${employee}::int IS NULL OR e.id = ${employee}::int)
      AND (${manager}::int IS NULL OR e.team_id = ${manager}::int)
      AND (${owner}::int IS NULL OR e.id = ${owner}::int)
    GROUP BY 1, 2, 3`;
  // Cube answers one row with 0 for a total over nothing, plain SQL none.
  const out = rows.length === 0 && dims.length === 0 ? [{ team: null, employee: null, employee_id: null, converted: '0' }] : rows;
  return out.map((r) => ({
    'staff_converted.team': r.team, 'staff_converted.employee': r.employee, 'staff_converted.employee_id': r.employee_id === null ? null : String(r.employee_id),
    'staff_converted.converted_customers': r.converted,
  }));
}

describe('converted customers from the customer-day table (staff_converted)', () => {
  const config = loadConfig();
  const ctx = useTestStack('staff_converted_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Array<{ who: SecurityContext; api: Client }> = [];
  let queries: Named[];
  let asOf: string;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [someone] = await ctx.db.sql<{ team: string; id: number }[]>`
      SELECT t.name AS team, e.id FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE e.team_id = ${manager.teamId} AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) ORDER BY e.id LIMIT 1`;
    // The page's default range, the last 30 days and all time (no range: nothing to push into the subquery).
    const ranges = [resolveDateRange(parseFilters(new URLSearchParams()), asOf), [addDays(asOf, -29), asOf] as DateRange, null];
    queries = ranges.flatMap((range) => Object.entries(staffQueries(range, someone!.team, someone!.id))
      .filter(([name, query]) => query && (REROUTED as readonly string[]).includes(name))
      .map(([name, query]) => ({ name, range, query: query as CubeQuery })));
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks every converted-customers query of staff_converted, and the touches of the rollup\'s view without it', () => {
    expect(queries).toHaveLength(REROUTED.length * 3);
    for (const { name, query } of queries) expect(JSON.stringify(query), name).not.toMatch(/staff_performance\./);
    const all = staffQueries(null, 'T', 1);
    for (const q of [all.activity_by_team, all.activity_by_employee, all.employee_activity]) expect(JSON.stringify(q)).not.toMatch(/converted/);
  });

  it('answers each from siyu.customer_days with the range inside the per-customer subquery, never the orders, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query, range } of queries) {
        const sql = await probe.sql(who, query);
        const label = `${who.role} · ${name} · ${range?.join('..') ?? 'all time'}`;
        expect(sql, label).toMatch(/\bsiyu\.customer_days\b/);
        expect(sql, label).not.toMatch(/\bsiyu\.(orders|paid_orders|follow_ups|appointments)\b/);
        expect(sql, label).not.toMatch(/count\s*\(\s*distinct/i);
        if (range) expect(sql, label).toMatch(/customer_day\.day_start >= \$\d+/);
      }
    }
  });

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, named) => independent(ctx.db, who, named), comparable,
      (named) => `${named.name} · ${named.range?.join('..') ?? 'all time'}`);

  it('equals plain SQL on the orders for each role', async () => {
    await checkAll('as seeded');
    const exec = people[0]!;
    const [team] = await exec.api.load(queries.find((q) => q.name === 'converted_by_team' && q.range === null)!.query);
    expect(Number(team!['staff_converted.converted_customers'])).toBeGreaterThan(10);
  }, 300_000);

  it('still equals it after order and owner writes (the triggers, then Cube\'s refresh key)', async () => {
    const db = ctx.db.sql;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [teamMate] = await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} AND id <> ${manager.employeeId} ORDER BY id LIMIT 1`;
    const next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
    // Customers of the staff member, of the team mate and of nobody, with no order yet: each new order converts one.
    const fresh = await db<{ id: number }[]>`
      (SELECT id FROM siyu.customers AS c WHERE owner_employee_id = ${staffMember.employeeId} AND NOT EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id) ORDER BY id LIMIT 1)
      UNION ALL (SELECT id FROM siyu.customers AS c WHERE owner_employee_id = ${teamMate!.id} AND NOT EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id) ORDER BY id LIMIT 1)
      UNION ALL (SELECT id FROM siyu.customers AS c WHERE owner_employee_id IS NULL ORDER BY id LIMIT 1)`;
    expect(fresh).toHaveLength(3);
    // Credited to someone else than the owner: converted customers follow the owner, not the credit.
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      SELECT ${next} + n, (${fresh.map((c) => c.id)}::int[])[n + 1], ${teamMate!.id}, (SELECT min(id) FROM siyu.channels), NULL,
             (${asOf}::date + time '10:00') AT TIME ZONE 'Asia/Shanghai', 80 + n, 1, 'core', 'paid'
      FROM generate_series(0, 2) AS n`;
    // An old order (two years back: outside the page's and the 30-day range, inside all time).
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${next + 3}, ${fresh[1]!.id}, NULL, (SELECT min(id) FROM siyu.channels), NULL,
              ((${asOf}::date - 730) + time '10:00') AT TIME ZONE 'Asia/Shanghai', 20, 1, 'core', 'paid')`;
    await checkAll('after new orders');
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${next}`;
    await db`UPDATE siyu.orders SET ordered_at = ordered_at - interval '40 days' WHERE id = ${next + 1}`;
    await db`DELETE FROM siyu.orders WHERE id = ${next + 3}`;
    // A buyer changes owner (customers written, orders not), then an employee moves into the manager's team.
    await db`UPDATE siyu.customers SET owner_employee_id = ${staffMember.employeeId} WHERE id = ${fresh[2]!.id}`;
    const [outsider] = await db<{ id: number }[]>`
      SELECT c.owner_employee_id AS id FROM siyu.customers AS c JOIN siyu.employees AS e ON e.id = c.owner_employee_id
      WHERE e.team_id <> ${manager.teamId} AND EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id AND o.status = 'paid') ORDER BY c.id LIMIT 1`;
    await checkAll('after a refund, a re-dated and a deleted order and an owner change');
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId} WHERE id = ${outsider!.id}`;
    await checkAll('after an employee moved to the manager\'s team');
  }, 400_000);
});
