/**
 * The staff pages' follow-ups, bookings and arrivals (activity_by_team,
 * activity_by_employee, employee_activity) are read from the touches table
 * kept by the follow-ups' and appointments' triggers (siyu.touch_days,
 * migration 045; the staff_touches view), not from staff_activity's stacked
 * facts nor a rollup, and equal plain SQL on the follow-ups and appointments
 * under every role's row limits, before and after random writes: inserts,
 * deletes, moves of the day and the employee, arrivals marked and unmarked,
 * bulk statements, concurrent writers and team moves. The table itself
 * equals a fresh rebuild after each round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildStaffActivityQuery } from '../../web/src/features/staff/team-leaderboard/build-query.ts';
import { staff, type CubeQuery, type NamedQuery, type PageContext } from '../../web/src/page-loads.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { random } from '../helpers/order-writes.ts';
import { useTestStack } from '../helpers/stack.ts';
import { comparable } from '../helpers/comparable.ts';

const MOVED = ['activity_by_team', 'activity_by_employee', 'employee_activity'];
const USERS = ['exec', 'ops', 'manager', 'staff'];
const V = 'staff_touches';

type Row = Record<string, unknown>;

/** The query as plain SQL on the follow-ups and appointments, within the role's scope (the employee, or their team). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const dims = (query.dimensions ?? []) as string[];
  const filters = (query.filters ?? []) as Array<{ member: string; values: string[] }>;
  const value = (name: string) => filters.find((f) => f.member === `${V}.${name}`)?.values[0] ?? null;
  const range = ((query.timeDimensions ?? []) as Array<{ dateRange?: [string, string] }>)[0]?.dateRange ?? null;
  const [byTeam, byEmployee] = [dims.includes(`${V}.team`), dims.includes(`${V}.employee`)];
  const manager = who.role === 'manager' ? who.teamId : null;
  const staffId = who.role === 'staff' ? who.employeeId : null;
  const rows = await db.sql<{ team: string | null; employee: string | null; employee_id: number | null; f: string; b: string; a: string; rate: string | null }[]>`
    SELECT ${byTeam ? db.sql`t.name` : db.sql`NULL::text`} AS team, ${byEmployee ? db.sql`e.name` : db.sql`NULL::text`} AS employee,
           ${byEmployee ? db.sql`e.id` : db.sql`NULL::int`} AS employee_id,
           sum(x.f) AS f, sum(x.b) AS b, sum(x.a) AS a, sum(x.a)::numeric / NULLIF(sum(x.b), 0) AS rate
    FROM (SELECT employee_id, occurred_at AS at, 1 AS f, 0 AS b, 0 AS a FROM siyu.follow_ups
          UNION ALL SELECT employee_id, booked_at, 0, 1, (arrived_at IS NOT NULL)::int FROM siyu.appointments) AS x
    JOIN siyu.employees AS e ON e.id = x.employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE (${range?.[0] ?? null}::date IS NULL OR siyu.local_date(x.at) BETWEEN ${range?.[0] ?? null}::date AND ${range?.[1] ?? null}::date)
      AND (${value('team')}::text IS NULL OR t.name = ${value('team')})
      AND (${value('employee_id')}::int IS NULL OR e.id = ${value('employee_id')}::int)
      AND (${manager}::int IS NULL OR e.team_id = ${manager}::int)
      AND (${staffId}::int IS NULL OR e.id = ${staffId}::int)
    GROUP BY 1, 2, 3`;
  const out = rows.length === 0 && dims.length === 0 ? [{ team: null, employee: null, employee_id: null, f: '0', b: '0', a: '0', rate: null }] : rows;
  return out.map((r) => ({
    [`${V}.team`]: r.team, [`${V}.employee`]: r.employee, [`${V}.employee_id`]: r.employee_id === null ? null : String(r.employee_id),
    [`${V}.follow_ups`]: r.f, [`${V}.bookings`]: r.b, [`${V}.arrivals`]: r.a, [`${V}.arrival_rate`]: r.rate,
  }));
}

describe('touch counts from the touches table (staff_touches)', () => {
  const config = loadConfig();
  const ctx = useTestStack('touch_days_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let queries: NamedQuery[];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [someone] = await ctx.db.sql<{ team: string; id: number }[]>`
      SELECT t.name AS team, e.id FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE e.team_id = ${manager.teamId} AND EXISTS (SELECT 1 FROM siyu.follow_ups AS f WHERE f.employee_id = e.id) ORDER BY e.id LIMIT 1`;
    const page: PageContext = { asOf, campaignRows: [], channel: '', team: someone!.team, employeeId: someone!.id };
    const seen = new Set<string>();
    queries = [...staff(page, false).queries, ...staff(page, true).queries].filter((q) => MOVED.includes(q.name) && !seen.has(q.name) && seen.add(q.name));
    // All time, by team.
    queries.push({ name: 'activity_by_team all time', query: buildStaffActivityQuery('team', null, null) as CubeQuery });
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks every moved query of staff_touches, answered from the table alone', async () => {
    expect(queries.slice(0, MOVED.length).map((q) => q.name).sort()).toEqual([...MOVED].sort());
    for (const { who } of people) {
      for (const { name, query } of queries) {
        expect(JSON.stringify(query), name).not.toMatch(/staff_performance\./);
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.touch_days\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(customers|orders|paid_orders|follow_ups|appointments)\b/);
      }
    }
  });

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), comparable);

  /** The kept rows equal a fresh count, both ways (rows at 0 are not read: the cube skips them). */
  const expectTableExact = async (label: string): Promise<void> => {
    const diff = await ctx.db.sql<Row[]>`
      WITH kept AS (SELECT day_start, employee_id, follow_ups::bigint AS f, bookings::bigint AS b, arrivals::bigint AS a
                    FROM siyu.touch_days WHERE follow_ups <> 0 OR bookings <> 0 OR arrivals <> 0),
           fresh AS (SELECT siyu.local_midnight(siyu.local_date(at)) AS day_start, employee_id, sum(f)::bigint AS f, sum(b)::bigint AS b, sum(a)::bigint AS a
                     FROM (SELECT occurred_at AS at, employee_id, 1 AS f, 0 AS b, 0 AS a FROM siyu.follow_ups
                           UNION ALL SELECT booked_at, employee_id, 0, 1, (arrived_at IS NOT NULL)::int FROM siyu.appointments) AS x
                     GROUP BY 1, 2)
      (SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
      UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)`;
    expect(diff, label).toEqual([]);
  };

  it('equals plain SQL on the follow-ups and appointments for each role', async () => {
    await expectTableExact('as seeded');
    await checkAll('as seeded');
    const rows = await people[0]!.api.load(queries.find((q) => q.name === 'activity_by_team all time')!.query);
    const [all] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.follow_ups`;
    expect(rows.reduce((n, r) => n + Number(r[`${V}.follow_ups`]), 0)).toBe(all!.n);
    expect(all!.n).toBeGreaterThan(100);
  }, 240_000);

  it('keeps the table exact through random, bulk and concurrent writes, and the tiles with it', async () => {
    const db = ctx.db.sql;
    const rand = random(45);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const employees = (await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id`).map((r) => r.id);
    const teams = (await db<{ id: number }[]>`SELECT id FROM siyu.teams ORDER BY id`).map((r) => r.id);
    const customers = (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY id LIMIT 50`).map((r) => r.id);
    const signedIn = new Set(people.map((p) => p.who.employeeId));
    const movable = employees.filter((id) => !signedIn.has(id));
    const when = (): string => `siyu.local_midnight(siyu.as_of() - ${Math.floor(rand() * 40)}) + interval '${pick([0, 1, 86_399, 43_200])} seconds'`;
    const ids = { f: (await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.follow_ups`)[0]!.n, a: (await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.appointments`)[0]!.n };
    const follow = async (sql: typeof db, n: number, employee: number, at: string): Promise<void> => {
      const first = ids.f;
      ids.f += n;
      await sql.unsafe(`INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
        SELECT ${first} + k, ${pick(customers)}, ${employee}, 'call', ${at} + k * interval '5 hours' FROM generate_series(0, ${n - 1}) AS k`);
    };
    const book = async (sql: typeof db, n: number, employee: number, at: string, arrived: boolean): Promise<void> => {
      const first = ids.a;
      ids.a += n;
      await sql.unsafe(`INSERT INTO siyu.appointments (id, customer_id, employee_id, booked_at, scheduled_for, arrived_at)
        SELECT ${first} + k, ${pick(customers)}, ${employee}, ${at} + k * interval '5 hours', ${at} + k * interval '5 hours' + interval '2 days',
               ${arrived ? `${at} + k * interval '5 hours' + interval '2 days'` : 'NULL'} FROM generate_series(0, ${n - 1}) AS k`);
    };
    for (let round = 0; round < 8; round++) {
      const [fFrom, aFrom] = [ids.f, ids.a];
      await follow(db, 1 + Math.floor(rand() * 25), pick(employees), when());
      await book(db, 1 + Math.floor(rand() * 10), pick(employees), when(), rand() < 0.5);
      // Moves of the day and the employee, one and in bulk; arrivals marked and unmarked; a swap; a no-op.
      await db.unsafe(`UPDATE siyu.follow_ups SET occurred_at = ${when()} WHERE id = (SELECT id FROM siyu.follow_ups ORDER BY id LIMIT 1 OFFSET ${Math.floor(rand() * 100)})`);
      await db`UPDATE siyu.follow_ups SET employee_id = ${pick(employees)} WHERE id IN (SELECT id FROM siyu.follow_ups WHERE employee_id = ${pick(employees)} ORDER BY id LIMIT ${1 + Math.floor(rand() * 20)})`;
      await db`UPDATE siyu.appointments SET arrived_at = CASE WHEN arrived_at IS NULL THEN scheduled_for END
        WHERE id IN (SELECT id FROM siyu.appointments ORDER BY id DESC LIMIT ${1 + Math.floor(rand() * 8)})`;
      const [x, y] = [pick(employees), pick(employees)];
      await db`UPDATE siyu.appointments SET employee_id = CASE employee_id WHEN ${x}::int THEN ${y}::int ELSE ${x}::int END,
        booked_at = booked_at - interval '1 day' WHERE employee_id IN (${x}, ${y}) AND id >= ${aFrom}`;
      await db`UPDATE siyu.follow_ups SET kind = kind WHERE id < 50`;
      // Two writers at once on the same keys, each in its own transaction.
      const [e, at] = [pick(employees), when()];
      await Promise.all([0, 1].map(() => db.begin(async (tx) => {
        await follow(tx as unknown as typeof db, 3, e, at);
        await book(tx as unknown as typeof db, 2, e, at, true);
      })));
      // Some of this round's rows deleted in one statement each; an employee moved to another team.
      await db`DELETE FROM siyu.follow_ups WHERE id >= ${fFrom} AND id < ${fFrom + Math.floor(rand() * 10)}`;
      await db`DELETE FROM siyu.appointments WHERE id >= ${aFrom} AND id < ${aFrom + Math.floor(rand() * 5)}`;
      await db`UPDATE siyu.employees SET team_id = ${pick(teams)} WHERE id = ${pick(movable)}`;
      await expectTableExact(`round ${round}`);
      if (round % 4 === 3) await checkAll(`after random round ${round}`);
    }
    // A truncate of either side zeroes its counts (inside a transaction rolled back).
    for (const table of ['follow_ups', 'appointments']) {
      await db.begin(async (tx) => {
        await tx.unsafe(`TRUNCATE siyu.${table} CASCADE`);
        const [left] = await tx.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM siyu.touch_days WHERE ${table === 'follow_ups' ? 'follow_ups' : 'bookings + arrivals'} <> 0`);
        expect(left!.n, table).toBe(0);
        throw new Error('rollback');
      }).catch((err: unknown) => { if (String(err) !== 'Error: rollback') throw err; });
    }
    await db`SELECT siyu.rebuild_touch_days()`;
    await expectTableExact('rebuilt');
  }, 600_000);
});
