/**
 * New customers (the overview's 新增客户, the big-screen's new customers by
 * source, an employee's new customers) are read from the registrations table
 * kept by the customers' triggers (siyu.registration_days, migration 044; the
 * customer_registrations view), not from the customers nor a rollup, and equal
 * plain SQL on the customers under every role's row limits, before and after
 * random writes: inserts, deletes, moves of the registration time, source
 * channel and owner, bulk statements, concurrent writers and team moves. The
 * table itself equals a fresh rebuild after each round.
 *
 * The queries are the pages' own (web/src/page-loads.ts); the SQL is what Cube
 * sends PostgreSQL for them (`/v1/sql`, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildCampaignListQuery } from '../../web/src/features/big-screen/campaigns.ts';
import { buildNewCustomersKpiQuery } from '../../web/src/features/overview/kpis/build-query.ts';
import { tilePages, type CubeQuery, type NamedQuery, type PageContext } from '../../web/src/page-loads.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { random } from '../helpers/order-writes.ts';
import { useTestStack } from '../helpers/stack.ts';
import { comparable } from '../helpers/comparable.ts';

const MOVED = ['new_customers', 'new_customers_mom', 'new_customers_yoy', 'new_customers_by_source', 'employee_new_customers'];
const USERS = ['exec', 'ops', 'manager', 'staff'];
const V = 'customer_registrations';

type Row = Record<string, unknown>;

/** The query as plain SQL on the customers, within the role's scope (the owner, or the owner's team). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const dims = (query.dimensions ?? []) as string[];
  const filters = (query.filters ?? []) as Array<{ member: string; values: string[] }>;
  const value = (name: string) => filters.find((f) => f.member === `${V}.${name}`)?.values[0] ?? null;
  const range = ((query.timeDimensions ?? []) as Array<{ dateRange?: [string, string] }>)[0]?.dateRange ?? null;
  const bySource = dims.includes(`${V}.source_channel`);
  const manager = who.role === 'manager' ? who.teamId : null;
  const staff = who.role === 'staff' ? who.employeeId : null;
  const rows = await db.sql<{ source: string | null; n: string }[]>`
    SELECT ${bySource ? db.sql`ch.name` : db.sql`NULL::text`} AS source, count(*) AS n
    FROM siyu.customers AS c
    JOIN siyu.channels AS ch ON ch.id = c.source_channel_id
    LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE (${range?.[0] ?? null}::date IS NULL OR siyu.local_date(c.registered_at) BETWEEN ${range?.[0] ?? null}::date AND ${range?.[1] ?? null}::date)
      AND (${value('owner_team')}::text IS NULL OR t.name = ${value('owner_team')})
      AND (${value('source_channel')}::text IS NULL OR ch.name = ${value('source_channel')})
      AND (${value('owner_id')}::int IS NULL OR c.owner_employee_id = ${value('owner_id')}::int)
      AND (${manager}::int IS NULL OR e.team_id = ${manager}::int)
      AND (${staff}::int IS NULL OR c.owner_employee_id = ${staff}::int)
    GROUP BY 1`;
  // Cube answers one row with 0 for a total over nothing, plain SQL none.
  const out = rows.length === 0 && dims.length === 0 ? [{ source: null, n: '0' }] : rows;
  return out.map((r) => ({ [`${V}.source_channel`]: r.source, [`${V}.new_customers`]: r.n }));
}

describe('new customers from the registrations table (customer_registrations)', () => {
  const config = loadConfig();
  const ctx = useTestStack('registration_days_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let queries: NamedQuery[];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [someone] = await ctx.db.sql<{ team: string; id: number; channel: string }[]>`
      SELECT t.name AS team, e.id, (SELECT name FROM siyu.channels ORDER BY id LIMIT 1) AS channel
      FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE e.team_id = ${manager.teamId} AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) ORDER BY e.id LIMIT 1`;
    const page: PageContext = { asOf, campaignRows: await ctx.api.load(buildCampaignListQuery() as CubeQuery), channel: someone!.channel, team: someone!.team, employeeId: someone!.id };
    const seen = new Set<string>();
    queries = tilePages(page).flatMap((p) => p.queries).filter((q) => MOVED.includes(q.name) && !seen.has(q.name) && seen.add(q.name));
    // The overview's tile cut by a team and a source channel (the filter bar), and over all time.
    const month: [string, string] = [`${asOf.slice(0, 7)}-01`, asOf];
    queries.push({ name: 'new_customers by team and channel', query: buildNewCustomersKpiQuery(month, { team: someone!.team, channel: someone!.channel, campaign: null }) as CubeQuery });
    queries.push({ name: 'new_customers all time', query: buildNewCustomersKpiQuery(null, { team: null, channel: null, campaign: null }) as CubeQuery });
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks every moved query of customer_registrations, answered from the table alone', async () => {
    // The overview's 环比/同比 are asked only with a comparison on (none by default).
    expect(queries.map((q) => q.name)).toEqual(expect.arrayContaining(['new_customers', 'new_customers_by_source', 'employee_new_customers']));
    for (const { who } of people) {
      for (const { name, query } of queries) {
        expect(JSON.stringify(query), name).not.toMatch(/customer_insights\./);
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.registration_days\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.customers\b/);
      }
    }
  });

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), comparable);

  /** The kept rows equal a fresh count of the customers, both ways (rows at 0 are not read: the cube skips them). */
  const expectTableExact = async (label: string): Promise<void> => {
    const diff = await ctx.db.sql<Row[]>`
      WITH kept AS (SELECT day_start, source_channel_id, owner_employee_id, customers::bigint AS n FROM siyu.registration_days WHERE customers <> 0),
           fresh AS (SELECT siyu.local_midnight(siyu.local_date(registered_at)) AS day_start, source_channel_id, owner_employee_id, count(*) AS n
                     FROM siyu.customers GROUP BY 1, 2, 3)
      (SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
      UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)`;
    expect(diff, label).toEqual([]);
  };

  it('equals plain SQL on the customers for each role', async () => {
    await expectTableExact('as seeded');
    await checkAll('as seeded');
    // Not all zero: the all-time total is every customer.
    const rows = await people[0]!.api.load(queries.find((q) => q.name === 'new_customers all time')!.query);
    const [all] = await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers`;
    expect(Number(rows[0]![`${V}.new_customers`])).toBe(all!.n);
  }, 240_000);

  it('keeps the table exact through random, bulk and concurrent customer writes, and the tiles with it', async () => {
    const db = ctx.db.sql;
    const rand = random(44);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const employees = (await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id`).map((r) => r.id);
    const channels = (await db<{ id: number }[]>`SELECT id FROM siyu.channels ORDER BY id`).map((r) => r.id);
    const teams = (await db<{ id: number }[]>`SELECT id FROM siyu.teams ORDER BY id`).map((r) => r.id);
    const owners = [...employees, null];
    const signedIn = new Set(people.map((p) => p.who.employeeId));
    const movable = employees.filter((id) => !signedIn.has(id));
    // Times within the last 40 days of as-of (the pages' ranges), some at a day's edges in the business zone.
    const when = (): string => `siyu.local_midnight(siyu.as_of() - ${Math.floor(rand() * 40)}) + interval '${pick([0, 1, 86_399, 43_200, 3_600])} seconds'`;
    const insert = async (sql: typeof db, first: number, n: number, owner: number | null, channel: number, at: string): Promise<void> => {
      await sql.unsafe(`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
        SELECT ${first} + k, 'r' || k, '137' || lpad((${first} + k)::text, 8, '0'), 'unknown', 'tier2', ${channel}, ${owner ?? 'NULL'},
               ${at} + k * interval '7 hours', 'normal'
        FROM generate_series(0, ${n - 1}) AS k`);
    };
    for (let round = 0; round < 8; round++) {
      const next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.customers`)[0]!.next;
      // A bulk insert over several days, one owner and channel; single inserts.
      const n = 1 + Math.floor(rand() * 30);
      await insert(db, next, n, pick(owners), pick(channels), when());
      await insert(db, next + n, 1, pick(owners), pick(channels), when());
      // Moves: a registration time, a source channel, an owner; a bulk owner change; a swap in one statement; a no-op.
      await db.unsafe(`UPDATE siyu.customers SET registered_at = ${when()} WHERE id = ${1 + Math.floor(rand() * (next - 1))}`);
      await db`UPDATE siyu.customers SET source_channel_id = ${pick(channels)} WHERE id IN (SELECT id FROM siyu.customers ORDER BY id DESC LIMIT ${1 + Math.floor(rand() * 20)})`;
      await db`UPDATE siyu.customers SET owner_employee_id = ${pick(owners)} WHERE id = ${1 + Math.floor(rand() * (next - 1))}`;
      await db`UPDATE siyu.customers SET owner_employee_id = ${pick(owners)}
        WHERE id IN (SELECT id FROM siyu.customers WHERE owner_employee_id = ${pick(employees)} ORDER BY id LIMIT ${1 + Math.floor(rand() * 30)})`;
      const [a, b] = [pick(employees), pick(employees)];
      await db`UPDATE siyu.customers SET owner_employee_id = CASE owner_employee_id WHEN ${a}::int THEN ${b}::int ELSE ${a}::int END,
        registered_at = registered_at + interval '1 day' WHERE owner_employee_id IN (${a}, ${b}) AND id >= ${next}`;
      await db`UPDATE siyu.customers SET member_level = member_level WHERE id <= 50`;
      // Two writers at once on the same keys, each in its own transaction.
      const base = next + n + 1;
      const [o, c, at] = [pick(employees), pick(channels), when()];
      await Promise.all([0, 1].map((w) => db.begin(async (tx) => {
        await insert(tx as unknown as typeof db, base + w * 10, 5, o, c, at);
        await tx`UPDATE siyu.customers SET owner_employee_id = ${o} WHERE id IN (SELECT id FROM siyu.customers WHERE id < ${next} ORDER BY id LIMIT 3 OFFSET ${w * 3})`;
      })));
      // Some of this round's customers deleted (one statement); an employee moved to another team.
      await db`DELETE FROM siyu.customers WHERE id >= ${next} AND id < ${next + Math.floor(rand() * n)}`;
      await db`UPDATE siyu.employees SET team_id = ${pick(teams)} WHERE id = ${pick(movable)}`;
      await expectTableExact(`round ${round}`);
      if (round % 4 === 3) await checkAll(`after random round ${round}`);
    }
    // A truncate empties it (inside a transaction rolled back: the customers are referenced).
    await db.begin(async (tx) => {
      await tx`TRUNCATE siyu.customers CASCADE`;
      const [left] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.registration_days WHERE customers <> 0`;
      expect(left!.n).toBe(0);
      throw new Error('rollback');
    }).catch((e: unknown) => { if (String(e) !== 'Error: rollback') throw e; });
    await expectTableExact('after the truncate rolled back');
    // The rebuild gives the same rows.
    await db`SELECT siyu.rebuild_registration_days()`;
    await expectTableExact('rebuilt');
  }, 600_000);
});
