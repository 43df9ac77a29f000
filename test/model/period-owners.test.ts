/**
 * The repurchase rate and the staff pages' converted customers on a preset
 * range are answered from the owner period table (migration 027: the
 * repurchase_periods and converted_periods views), one stored row per
 * answer, and equal plain SQL on the orders under every role's row limits
 * (the customer's owner, the owner's team), as seeded and after random order
 * writes, owner changes and a team move; so does the peer comparison's
 * converted customers. A custom range stays on the customer-day table.
 *
 * The queries are the pages' own builders'; the SQL is what Cube sends
 * PostgreSQL for them under the role's security context (`/v1/sql` on a Cube
 * of the same model, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { staffQueries } from '../../web/src/features/staff/page-queries.ts';
import { addDays, dateRangeFor, type DateRange, type RangePreset } from '../../web/src/lib/date-range.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { random, randomOrderWrite } from '../helpers/order-writes.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { presetSlices } from '../helpers/period-sales.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const PRESETS: RangePreset[] = ['last_30_days', 'this_month', 'today', 'last_12_months', 'all'];
const CONVERTED = ['converted_by_team', 'converted_by_employee', 'employee_converted'] as const;

type Row = Record<string, unknown>;
type Named = { name: string; query: CubeQuery };

/** Rows as comparable text, sorted; numbers to 12 significant digits. */
function comparable(rows: readonly Row[], members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => {
    const v = row[m];
    return v === null || v === undefined ? null : /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(Number(v).toPrecision(12)) : v;
  }))).sort();
}

const valueOf = (query: CubeQuery, member: string): string | null =>
  ((query.filters ?? []) as Array<{ member: string; values: string[] }>).find((f) => f.member === member)?.values[0] ?? null;

function rangeOf(period: string): [string | null, string | null] {
  return period === 'all' ? [null, null] : period.split('..') as [string, string];
}

/** The query as plain SQL on the orders, within the role's scope: the customer's owner (staff), the owner's team (manager). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const manager = who.role === 'manager' ? who.teamId : null;
  const owner = who.role === 'staff' ? who.employeeId : null;
  const measures = (query.measures ?? []) as string[];
  if (measures.includes('repurchase_periods.repurchase_rate')) {
    const [from, to] = rangeOf(valueOf(query, 'repurchase_periods.period')!);
    const team = valueOf(query, 'repurchase_periods.owner_team');
    const channel = valueOf(query, 'repurchase_periods.channel');
    const campaign = valueOf(query, 'repurchase_periods.campaign');
    const [row] = await db.sql<{ rate: string | null }[]>`
      SELECT (count(*) FILTER (WHERE x.n >= 2))::numeric / NULLIF(count(*), 0) AS rate
      FROM (
        SELECT o.customer_id, count(*) AS n
        FROM siyu.orders AS o
        JOIN siyu.customers AS c ON c.id = o.customer_id
        LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
        LEFT JOIN siyu.teams AS t ON t.id = e.team_id
        LEFT JOIN siyu.channels AS ch ON ch.id = o.channel_id
        LEFT JOIN siyu.campaigns AS ca ON ca.id = o.campaign_id
        WHERE o.status = 'paid'
          AND (${from}::date IS NULL OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date)
          AND (${team}::text IS NULL OR t.name = ${team})
          AND (${channel}::text IS NULL OR ch.name = ${channel})
          AND (${campaign}::text IS NULL OR ca.name = ${campaign})
          AND (${manager}::int IS NULL OR e.team_id = ${manager}::int)
          AND (${owner}::int IS NULL OR c.owner_employee_id = ${owner}::int)
        GROUP BY o.customer_id) AS x`;
    return [{ 'repurchase_periods.repurchase_rate': row!.rate }];
  }
  const dims = (query.dimensions ?? []) as string[];
  const [from, to] = rangeOf(valueOf(query, 'converted_periods.period')!);
  const team = valueOf(query, 'converted_periods.team');
  const employee = valueOf(query, 'converted_periods.employee_id');
  const byTeam = dims.includes('converted_periods.team');
  const byEmployee = dims.includes('converted_periods.employee');
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
      AND (${from}::date IS NULL OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date)
      AND (${team}::text IS NULL OR t.name = ${team})
      AND (${employee}::int IS NULL OR e.id = ${employee}::int)
      AND (${manager}::int IS NULL OR e.team_id = ${manager}::int)
      AND (${owner}::int IS NULL OR e.id = ${owner}::int)
    GROUP BY 1, 2, 3`;
  // Cube answers one row with 0 for a total over nothing, plain SQL none.
  const out = rows.length === 0 && dims.length === 0 ? [{ team: null, employee: null, employee_id: null, converted: '0' }] : rows;
  return out.map((r) => ({
    'converted_periods.team': r.team, 'converted_periods.employee': r.employee,
    'converted_periods.employee_id': r.employee_id === null ? null : String(r.employee_id), 'converted_periods.converted_customers': r.converted,
  }));
}

describe('preset repurchase and converted customers from the owner period table', () => {
  const config = loadConfig();
  const ctx = useTestStack('period_owners_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let queries: Named[];
  let custom: Named[];
  let asOf: string;
  let someone: { team: string; id: number };

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const { team } = (await ctx.db.sql<{ team: string }[]>`
      SELECT t.name AS team FROM siyu.teams AS t JOIN siyu.employees AS e ON e.team_id = t.id WHERE e.id = ${staffMember.employeeId}`)[0]!;
    someone = { team: team, id: staffMember.employeeId! };
    const slices = await presetSlices(ctx.db.sql, team);
    queries = [];
    for (const preset of PRESETS) {
      const range = dateRangeFor(preset, asOf);
      slices.forEach((slice, i) => {
        const q = overviewQueries(range, slice, 'both', null, asOf);
        for (const name of ['repurchase', 'repurchase_mom', 'repurchase_yoy'] as const) {
          if (q[name]) queries.push({ name: `${preset} ${name} slice ${i}`, query: q[name] as CubeQuery });
        }
      });
      const staff = staffQueries(range, someone.team, someone.id, true, asOf);
      for (const name of CONVERTED) queries.push({ name: `${preset} ${name}`, query: staff[name] as CubeQuery });
    }
    const odd: DateRange = [addDays(asOf, -40), addDays(asOf, -3)];
    const staffOdd = staffQueries(odd, someone.team, someone.id, true, asOf);
    custom = [
      { name: 'custom repurchase', query: overviewQueries(odd, slices[0]!, 'none', null, asOf).repurchase as CubeQuery },
      ...CONVERTED.map((name) => ({ name: `custom ${name}`, query: staffOdd[name] as CubeQuery })),
    ];
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks the owner period table for every preset range and its comparisons, the customer-day table for a custom range', () => {
    expect(queries.length).toBeGreaterThan(60);
    for (const { name, query } of queries) expect(JSON.stringify(query), name).toMatch(/"(repurchase_periods\.repurchase_rate|converted_periods\.converted_customers)"/);
    for (const { name, query } of custom) expect(JSON.stringify(query), name).toMatch(/"(buyer_repurchase\.repurchase_rate|staff_converted\.converted_customers)"/);
  });

  it('answers each from one stored row per group of siyu.period_owners, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.period_owners\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days|customers)\b/);
        expect(sql, `${who.role} · ${name}`).toMatch(/slice/);
      }
    }
  }, 240_000);

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), comparable);

  /** The peer comparison's converted customers on a preset's range: the staff member's own count, and the team's average. */
  async function checkPeers(label: string): Promise<void> {
    const range = dateRangeFor('last_30_days', asOf)!;
    const staffPerson = people.find((p) => p.who.role === 'staff')!;
    const [expected] = await ctx.db.sql<{ own: string }[]>`
      WITH converted AS (
        SELECT c.owner_employee_id AS id, count(DISTINCT o.customer_id) AS n
        FROM siyu.orders AS o JOIN siyu.customers AS c ON c.id = o.customer_id
        WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${range[0]}::date AND ${range[1]}::date
        GROUP BY 1)
      SELECT coalesce((SELECT n FROM converted WHERE id = ${someone.id}), 0)::text AS own`;
    await expect.poll(async () => {
      const answer = await staffPerson.api.request<{ metrics: Array<{ id: string; value: string | null }> }>(
        'GET', `/api/peer-comparison?employee=${someone.id}&from=${range[0]}&to=${range[1]}`);
      return answer.body.metrics.find((m) => m.id === 'converted_customers')?.value;
    }, { timeout: 20_000, interval: 500, message: `${label} · peer comparison` }).toBe(expected!.own);
  }

  it('equals plain SQL on the orders for each role', async () => {
    await checkAll('as seeded');
    await checkPeers('as seeded');
    const [total] = await people[0]!.api.load(queries.find((q) => q.name === 'last_12_months repurchase slice 0')!.query);
    expect(Number(total!['repurchase_periods.repurchase_rate'])).toBeGreaterThan(0);
  }, 600_000);

  it('still equals it after random order writes, owner changes and a team move', async () => {
    const db = ctx.db.sql;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    // Customers of the staff member and of the manager's team, with and without paid orders, so writes move the numbers people see.
    const customers = (await db<{ id: number }[]>`
      SELECT c.id FROM siyu.customers AS c JOIN siyu.employees AS e ON e.id = c.owner_employee_id
      WHERE e.team_id = ${manager.teamId} ORDER BY (c.owner_employee_id = ${someone.id}) DESC, c.id LIMIT 12`).map((r) => r.id);
    const pick = async (sql: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(sql)).map((r) => r.id);
    const ids = {
      customers, channels: await pick('SELECT id FROM siyu.channels ORDER BY id LIMIT 4'), campaigns: await pick('SELECT id FROM siyu.campaigns ORDER BY id LIMIT 4'),
      employees: await pick(`SELECT id FROM siyu.employees WHERE team_id = ${Number(manager.teamId)} ORDER BY id LIMIT 4`),
    };
    const next = { id: (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next };
    const rnd = random(91);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const when = (): string => `${any([asOf, addDays(asOf, -1), addDays(asOf, -29), addDays(asOf, -30), addDays(asOf, -364)])} ${any(['00:10', '09:00', '23:50'])}+08`;
    for (let step = 0; step < 40; step++) {
      await randomOrderWrite(db, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-11 hours' }, bulkDelete: 'customers' });
    }
    // Owner changes: a buyer to the staff member, one to no one, one out of the team.
    const [outside] = await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id <> ${manager.teamId} ORDER BY id LIMIT 1`;
    await db`UPDATE siyu.customers SET owner_employee_id = ${someone.id} WHERE id = ${customers[5]!}`;
    await db`UPDATE siyu.customers SET owner_employee_id = NULL WHERE id = ${customers[6]!}`;
    await db`UPDATE siyu.customers SET owner_employee_id = ${outside!.id} WHERE id = ${customers[7]!}`;
    await checkAll('after random order writes and owner changes');
    await checkPeers('after random order writes and owner changes');
    // An owner of buyers moves into the manager's team.
    const [mover] = await db<{ id: number }[]>`
      SELECT c.owner_employee_id AS id FROM siyu.customers AS c JOIN siyu.employees AS e ON e.id = c.owner_employee_id
      WHERE e.team_id <> ${manager.teamId} AND EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id AND o.status = 'paid')
      GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId} WHERE id = ${mover!.id}`;
    await checkAll('after an owner moved into the manager\'s team');
  }, 900_000);
});
