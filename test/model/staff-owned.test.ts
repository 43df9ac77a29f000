/**
 * The staff pages' owned customers (名下客户数) are read from the per-owner
 * counts kept by the customers' triggers (siyu.owner_customer_counts,
 * migration 035; the staff_owned view), not from staff_activity's stacked
 * facts nor every customer, and equal plain SQL under every role's row
 * limits, before and after new customers, owner changes, a customer deleted,
 * an employee moved to another team, and random batches of such writes.
 *
 * The queries are the pages' own (web/src/page-loads.ts, built with the
 * pages' query builders); the SQL is what Cube sends PostgreSQL for them
 * under the role's security context (`/v1/sql`, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { Client } from '../../cube/tools/api-client.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { staff, type CubeQuery, type NamedQuery, type PageContext } from '../../web/src/page-loads.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { random } from '../helpers/order-writes.ts';
import { useTestStack } from '../helpers/stack.ts';

/** The staff page's queries that read staff_owned, by their name in its page-queries.ts. */
const REROUTED = ['owned_by_team', 'owned_by_employee', 'employee_owned'];
const USERS = ['exec', 'ops', 'manager', 'staff'];

type Row = Record<string, unknown>;

function comparable(rows: readonly Row[], members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => (row[m] === null || row[m] === undefined ? null : String(row[m]))))).sort();
}

/** The query as plain SQL on the customers, within the role's scope (docs/security.md: the owner, or the owner's team). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const dims = (query.dimensions ?? []) as string[];
  const filters = (query.filters ?? []) as Array<{ member: string; values: string[] }>;
  const team = filters.find((f) => f.member === 'staff_owned.team')?.values[0] ?? null;
  const employee = filters.find((f) => f.member === 'staff_owned.employee_id')?.values[0] ?? null;
  const byTeam = dims.includes('staff_owned.team');
  const byEmployee = dims.includes('staff_owned.employee');
  const rows = await db.sql<{ team: string | null; employee: string | null; employee_id: number | null; owned: string }[]>`
    SELECT ${byTeam ? db.sql`t.name` : db.sql`NULL::text`} AS team,
           ${byEmployee ? db.sql`e.name` : db.sql`NULL::text`} AS employee,
           ${byEmployee ? db.sql`e.id` : db.sql`NULL::int`} AS employee_id,
           count(*) AS owned
    FROM siyu.customers AS c
    JOIN siyu.employees AS e ON e.id = c.owner_employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE (${team}::text IS NULL OR t.name = ${team})
      AND (${employee}::int IS NULL OR e.id = ${employee}::int)
      AND (${who.role === 'manager' ? who.teamId : null}::int IS NULL OR e.team_id = ${who.role === 'manager' ? who.teamId : null}::int)
      AND (${who.role === 'staff' ? who.employeeId : null}::int IS NULL OR e.id = ${who.role === 'staff' ? who.employeeId : null}::int)
    GROUP BY 1, 2, 3`;
  // Cube answers one row with 0 for a total over nothing, plain SQL none.
  const out = rows.length === 0 && dims.length === 0 ? [{ team: null, employee: null, employee_id: null, owned: '0' }] : rows;
  return out.map((r) => ({
    'staff_owned.team': r.team, 'staff_owned.employee': r.employee, 'staff_owned.employee_id': r.employee_id === null ? null : String(r.employee_id),
    'staff_owned.owned_customers': r.owned,
  }));
}

describe('owned customers from the customers (staff_owned)', () => {
  const config = loadConfig();
  const ctx = useTestStack('staff_owned_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Array<{ who: SecurityContext; api: Client }> = [];
  let queries: NamedQuery[];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    // The manager's team and its first employee who owns customers: the drill the page opens.
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [someone] = await ctx.db.sql<{ team: string; id: number }[]>`
      SELECT t.name AS team, e.id FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE e.team_id = ${manager.teamId} AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) ORDER BY e.id LIMIT 1`;
    const page: PageContext = { asOf, campaignRows: [], channel: '', team: someone!.team, employeeId: someone!.id };
    queries = staff(page, true).queries.filter((q) => REROUTED.includes(q.name));
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks every owned-customers query of staff_owned', () => {
    expect(queries.map((q) => q.name).sort()).toEqual([...REROUTED].sort());
    for (const { name, query } of queries) expect(JSON.stringify(query), name).not.toMatch(/staff_performance\./);
  });

  it('answers each from the per-owner counts alone, never the customers or the stacked facts, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.owner_customer_counts\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.customers\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders|follow_ups|appointments)\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/count\s*\(\s*distinct/i);
      }
    }
  });

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), comparable);

  it('equals plain SQL on the customers for each role', async () => {
    await checkAll('as seeded');
    // Not all zero: the teams' rows add up to every owned customer.
    const exec = people[0]!;
    const rows = await exec.api.load(queries.find((q) => q.name === 'owned_by_team')!.query);
    const [all] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers WHERE owner_employee_id IS NOT NULL`;
    expect(rows.reduce((n, r) => n + Number(r['staff_owned.owned_customers']), 0)).toBe(all!.n);
    expect(all!.n).toBeGreaterThan(100);
  }, 240_000);

  it('still equals it after new customers, owner changes, a deletion and a team move (Cube\'s refresh key)', async () => {
    const db = ctx.db.sql;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [teamMate] = await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} AND id <> ${manager.employeeId} ORDER BY id LIMIT 1`;
    const [outsider] = await db<{ id: number; team_id: number }[]>`
      SELECT id, team_id FROM siyu.employees WHERE team_id <> ${manager.teamId} AND id <> ${staffMember.employeeId}
        AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = employees.id) ORDER BY id LIMIT 1`;
    const next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.customers`)[0]!.next;
    // Three new customers: the staff member's, the manager's team mate's, nobody's.
    await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
      SELECT ${next} + n, 'new' || n, '139' || lpad((${next} + n)::text, 8, '0'), 'unknown', 'tier2', (SELECT min(id) FROM siyu.channels),
             (ARRAY[${staffMember.employeeId}, ${teamMate!.id}, NULL]::int[])[n + 1], now(), 'normal'
      FROM generate_series(0, 2) AS n`;
    await checkAll('after three new customers');
    // Owner changes: one of the outsider's customers to the staff member, one of the staff member's to nobody,
    // the unowned new one to the team mate; then the new team mate's customer deleted.
    await db`UPDATE siyu.customers SET owner_employee_id = ${staffMember.employeeId}
      WHERE id = (SELECT min(id) FROM siyu.customers WHERE owner_employee_id = ${outsider!.id})`;
    await db`UPDATE siyu.customers SET owner_employee_id = NULL
      WHERE id = (SELECT min(id) FROM siyu.customers WHERE owner_employee_id = ${staffMember.employeeId})`;
    await db`UPDATE siyu.customers SET owner_employee_id = ${teamMate!.id} WHERE id = ${next + 2}`;
    await db`DELETE FROM siyu.customers WHERE id = ${next + 1}`;
    await checkAll('after owner changes and a deletion');
    // The outsider moves into the manager's team with their customers; the customers table is not written.
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId} WHERE id = ${outsider!.id}`;
    await checkAll('after an employee moved to the manager\'s team');
  }, 300_000);

  /** The kept counts equal a fresh count of the customers, both ways (no zero rows are read: the cube skips them). */
  const expectCountsExact = async (label: string): Promise<void> => {
    const diff = await ctx.db.sql<{ side: string; employee_id: number; n: string }[]>`
      WITH kept AS (SELECT employee_id, customers AS n FROM siyu.owner_customer_counts WHERE customers <> 0),
           fresh AS (SELECT owner_employee_id AS employee_id, count(*) AS n FROM siyu.customers WHERE owner_employee_id IS NOT NULL GROUP BY 1)
      (SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
      UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)`;
    expect(diff, label).toEqual([]);
  };

  it('keeps the per-owner counts exact through random batches of customer writes, and the tiles with them', async () => {
    const db = ctx.db.sql;
    const rand = random(35);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const employees = (await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id`).map((r) => r.id);
    const teams = (await db<{ id: number }[]>`SELECT id FROM siyu.teams ORDER BY id`).map((r) => r.id);
    const owners = [...employees, null, null];
    // Team moves spare the signed-in people: their scope is read at each request, the plain SQL's at sign-in.
    const signedIn = new Set(people.map((p) => p.who.employeeId));
    const movable = employees.filter((id) => !signedIn.has(id));
    await expectCountsExact('as seeded');
    for (let round = 0; round < 12; round++) {
      const next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.customers`)[0]!.next;
      const n = 1 + Math.floor(rand() * 40);
      const newOwners = Array.from({ length: n }, () => pick(owners));
      // New customers in one statement, random owners (some nobody's).
      await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
        SELECT ${next} + k, 'r' || k, '138' || lpad((${next} + k)::text, 8, '0'), 'unknown', 'tier2', (SELECT min(id) FROM siyu.channels),
               (${newOwners}::int[])[k + 1], now(), 'normal'
        FROM generate_series(0, ${n - 1}) AS k`;
      // One customer to a random owner; a handful at once to another (or to nobody); some from nobody to someone.
      await db`UPDATE siyu.customers SET owner_employee_id = ${pick(owners)} WHERE id = ${1 + Math.floor(rand() * (next - 1))}`;
      await db`UPDATE siyu.customers SET owner_employee_id = ${pick(owners)}
        WHERE id IN (SELECT id FROM siyu.customers WHERE owner_employee_id = ${pick(employees)} ORDER BY id LIMIT ${1 + Math.floor(rand() * 30)})`;
      await db`UPDATE siyu.customers SET owner_employee_id = ${pick(employees)}
        WHERE id IN (SELECT id FROM siyu.customers WHERE owner_employee_id IS NULL ORDER BY random() LIMIT 3)`;
      // Owners swapped in one statement (each row leaves one owner and joins the other), and a write that moves nobody.
      const [a, b] = [pick(employees), pick(employees)];
      await db`UPDATE siyu.customers SET owner_employee_id = CASE owner_employee_id WHEN ${a}::int THEN ${b}::int ELSE ${a}::int END
        WHERE owner_employee_id IN (${a}, ${b})`;
      await db`UPDATE siyu.customers SET member_level = member_level WHERE id <= 50`;
      // Some of this round's new customers deleted; an employee moved to another team.
      await db`DELETE FROM siyu.customers WHERE id >= ${next} AND id < ${next + Math.floor(rand() * n)}`;
      await db`UPDATE siyu.employees SET team_id = ${pick(teams)} WHERE id = ${pick(movable)}`;
      await expectCountsExact(`round ${round}`);
      if (round % 4 === 3) await checkAll(`after random round ${round}`);
    }
  }, 600_000);
});
