/**
 * The segments page's counts and the action lists' tab and per-owner counts
 * are read from the stored classification counts (siyu.classification_counts,
 * migration 039; the segment_counts view), not from a rollup of the customers
 * rebuilt after each write, and equal plain SQL on the classification computed
 * afresh (siyu.customer_classification(as-of)) under every role's row limits,
 * as seeded and after random writes: orders of every kind, owner changes, team
 * moves, new and deleted customers, source channel changes. The kept table
 * equals a fresh count of siyu.classification_now by owner and channel after
 * each refresh, both ways.
 *
 * The queries are the pages' own (web/src/page-loads.ts and the pages' query
 * builders); the SQL is what Cube sends PostgreSQL for them under the role's
 * security context (`/v1/sql`, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { Client } from '../../cube/tools/api-client.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { actions, segments, type CubeQuery, type NamedQuery } from '../../web/src/page-loads.ts';
import { actionListsQueries } from '../../web/src/features/actions/page-queries.ts';
import { ACTION_LISTS, buildActionListQuery, buildListCountQuery, listCount } from '../../web/src/features/actions/build-queries.ts';
import { segmentsQueries } from '../../web/src/features/segments/page-queries.ts';
import { parseJourneyChoice } from '../../web/src/features/segments/journey-flows/build-query.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { random, randomWritesWithMoves } from '../helpers/order-writes.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
type Row = Record<string, unknown>;

/** Each segment_counts member as SQL on the fresh classification `f`, its customer `c`, owner `e`, team `t`, channel `ch`. */
const SQL_OF: Record<string, string> = {
  lifecycle_stage: 'f.lifecycle_stage', rfm_segment: 'f.rfm_segment', aipl_stage: 'f.aipl_stage', five_a_stage: 'f.five_a_stage',
  value_quadrant: 'f.value_quadrant', owner: 'e.name', owner_id: 'e.id', owner_team: 't.name', source_channel: 'ch.name',
  customers: 'count(*)', buyers_to_date: 'count(*) FILTER (WHERE f.paid_orders > 0)',
  lifetime_gmv: 'sum(f.paid_amount) FILTER (WHERE f.paid_orders > 0)',
  churned_buyers: 'count(*) FILTER (WHERE f.paid_orders > 0 AND f.recency_days > 120)',
  birthday_soon: 'count(*) FILTER (WHERE f.is_birthday_soon)', booked_not_arrived: 'count(*) FILTER (WHERE f.is_booked_not_arrived)',
  high_value_slipping: 'count(*) FILTER (WHERE f.is_high_value_slipping)', first_order_follow_up: 'count(*) FILTER (WHERE f.is_first_order_follow_up)',
};
const short = (member: string): string => member.split('.')[1]!;
const lit = (v: string): string => `'${v.replace(/'/g, "''")}'`;

function comparable(rows: readonly Row[], members: readonly string[]): string[] {
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : /^-?\d+(\.\d+)?$/.test(String(v)) ? String(Number(v)) : String(v));
  return rows.map((row) => JSON.stringify(members.map((m) => text(row[m])))).sort();
}

/** The query as plain SQL on the classification computed afresh, within the role's scope (docs/security.md). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const dims = (query.dimensions ?? []) as string[];
  const measures = (query.measures ?? []) as string[];
  const where: string[] = ['TRUE'];
  const having: string[] = ['TRUE'];
  for (const f of (query.filters ?? []) as Array<{ member: string; operator: string; values?: string[] }>) {
    const expr = SQL_OF[short(f.member)]!;
    if (f.operator === 'equals') where.push(`${expr}::text = ${lit(f.values![0]!)}`);
    else if (f.operator === 'set') where.push(`${expr} IS NOT NULL`);
    else if (f.operator === 'gt') having.push(`${expr} > ${Number(f.values![0])}`);
    else throw new Error(`filter ${f.operator} not handled`);
  }
  if (who.role === 'manager') where.push(`e.team_id = ${Number(who.teamId)}`);
  if (who.role === 'staff') where.push(`c.owner_employee_id = ${Number(who.employeeId)}`);
  const cols = [...dims, ...measures].map((m, i) => `${SQL_OF[short(m)]} AS c${i}`);
  const rows = await db.sql.unsafe<Row[]>(`
    SELECT ${cols.join(', ')}
    FROM siyu.customer_classification(siyu.as_of()) AS f
    JOIN siyu.customers AS c ON c.id = f.customer_id
    LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    LEFT JOIN siyu.channels AS ch ON ch.id = c.source_channel_id
    WHERE ${where.join(' AND ')}
    ${dims.length > 0 ? `GROUP BY ${dims.map((_, i) => i + 1).join(', ')}` : ''}
    HAVING ${having.join(' AND ')}`);
  const members = [...dims, ...measures];
  return rows.map((r) => Object.fromEntries(members.map((m, i) => [m, r[`c${i}`]])));
}

describe('segment and action-list counts from the stored classification counts (segment_counts)', () => {
  const config = loadConfig();
  const ctx = useTestStack('classification_counts_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Array<{ who: SecurityContext; api: Client }> = [];
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
    const page = { asOf, campaignRows: [], channel: '', team: someone!.team, employeeId: someone!.id };
    const counts = (q: NamedQuery): boolean => /^(customers_by_|count_|owner_counts)/.test(q.name);
    // The pages as opened, then cut by the team and a channel, and an action list by its team and an owner.
    const sliced = Object.entries(segmentsQueries({ team: someone!.team, channel: someone!.channel }, parseJourneyChoice(new URLSearchParams(), asOf)))
      .map(([name, query]) => ({ name: `${name} (team, channel)`, query: query as CubeQuery }));
    const listed = Object.entries(actionListsQueries({ list: 'high_value_slipping', team: someone!.team, owner: someone!.id }, 1))
      .map(([name, query]) => ({ name: `${name} (team, owner)`, query: query as CubeQuery }));
    queries = [...segments(page).queries, ...actions().queries, ...sliced, ...listed].filter(counts);
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks every segment and list count of segment_counts', () => {
    expect(queries.length).toBe(2 * (5 + 4 + 1));
    for (const { name, query } of queries) expect(JSON.stringify(query), name).not.toMatch(/customer_insights\./);
  });

  it('answers each from the stored counts alone, never the customers, the classification or a rollup, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.classification_counts\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(customers|classification_now|orders)\b|pre_aggregations/);
      }
    }
  });

  // The actions page shows a list's size from its tab's count (no Cube total on the list): each count must be the
  // number of rows its list holds, for every role, whole and cut by a team and an owner.
  it('gives each action list\'s size as the rows of the list itself, under every role (the page\'s total)', async () => {
    const [cut] = await ctx.db.sql<{ team: string; id: number }[]>`
      SELECT t.name AS team, e.id FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE e.team_id = ${people.find((p) => p.who.role === 'manager')!.who.teamId}
        AND EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id) ORDER BY e.id LIMIT 1`;
    let nonEmpty = 0;
    for (const { who, api } of people) {
      for (const list of ACTION_LISTS) {
        for (const f of [{ team: null, owner: null }, { team: cut!.team, owner: cut!.id }]) {
          const rows = await api.load({ ...buildActionListQuery({ list, ...f }, 1), limit: 50_000, offset: 0 });
          const count = listCount(list, await api.load({ ...buildListCountQuery(list, f) })) ?? 0;
          expect(count, `${who.role} · ${list} · ${JSON.stringify(f)}`).toBe(rows.length);
          if (rows.length > 0) nonEmpty++;
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(USERS.length);
  }, 300_000);

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), comparable);

  /** The kept counts equal a fresh count of the as-of classification by owner and channel, both ways. */
  const expectCountsExact = async (label: string): Promise<void> => {
    await ctx.db.sql`SELECT siyu.classification_now_version()`;
    const diff = await ctx.db.sql<Row[]>`
      WITH kept AS (
        SELECT owner_employee_id, source_channel_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant, customers, buyers,
               lifetime_gmv, churned_buyers, birthday_soon, booked_not_arrived, high_value_slipping, first_order_follow_up
        FROM siyu.classification_counts),
      fresh AS (
        SELECT c.owner_employee_id, c.source_channel_id, f.lifecycle_stage, f.rfm_segment, f.aipl_stage, f.five_a_stage, f.value_quadrant,
               count(*) AS customers, count(*) FILTER (WHERE f.paid_orders > 0) AS buyers,
               coalesce(sum(f.paid_amount) FILTER (WHERE f.paid_orders > 0), 0) AS lifetime_gmv,
               count(*) FILTER (WHERE f.paid_orders > 0 AND f.recency_days > 120), count(*) FILTER (WHERE f.is_birthday_soon),
               count(*) FILTER (WHERE f.is_booked_not_arrived), count(*) FILTER (WHERE f.is_high_value_slipping),
               count(*) FILTER (WHERE f.is_first_order_follow_up)
        FROM siyu.classification_now AS f JOIN siyu.customers AS c ON c.id = f.customer_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7)
      (SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
      UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)`;
    expect(diff, label).toEqual([]);
    // The coarser grains (migration 056: the brand, the owner, the owner and the stages) are the finest rows summed.
    const grains = await ctx.db.sql<Row[]>`
      WITH kept AS (
        SELECT grain, owner_employee_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant, customers, buyers,
               lifetime_gmv, churned_buyers, birthday_soon, booked_not_arrived, high_value_slipping, first_order_follow_up
        FROM siyu.classification_count_grains),
      summed AS (
        SELECT 'brand' AS grain, NULL::integer AS owner_employee_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant,
               sum(customers) AS customers, sum(buyers) AS buyers, sum(lifetime_gmv) AS lifetime_gmv, sum(churned_buyers) AS churned_buyers,
               sum(birthday_soon) AS birthday_soon, sum(booked_not_arrived) AS booked_not_arrived,
               sum(high_value_slipping) AS high_value_slipping, sum(first_order_follow_up) AS first_order_follow_up
        FROM siyu.classification_counts GROUP BY lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant
        UNION ALL
        SELECT 'owner', owner_employee_id, NULL, NULL, NULL, NULL, NULL, sum(customers), sum(buyers), sum(lifetime_gmv), sum(churned_buyers),
               sum(birthday_soon), sum(booked_not_arrived), sum(high_value_slipping), sum(first_order_follow_up)
        FROM siyu.classification_counts GROUP BY owner_employee_id
        UNION ALL
        SELECT 'owner_stages', owner_employee_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant,
               sum(customers), sum(buyers), sum(lifetime_gmv), sum(churned_buyers),
               sum(birthday_soon), sum(booked_not_arrived), sum(high_value_slipping), sum(first_order_follow_up)
        FROM siyu.classification_counts GROUP BY owner_employee_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, value_quadrant)
      (SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM summed)
      UNION ALL (SELECT 'summed', * FROM summed EXCEPT SELECT 'summed', * FROM kept)`;
    expect(grains, `${label}: the grains`).toEqual([]);
  };

  it('equals plain SQL on the classification for each role, as seeded', async () => {
    await expectCountsExact('as seeded');
    await checkAll('as seeded');
  }, 300_000);

  it('keeps the counts exact through random writes, and the tiles with them', async () => {
    const db = ctx.db.sql;
    const rand = random(39);
    const signedIn = new Set(people.map((p) => p.who.employeeId));
    const idsOf = async (table: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id`)).map((r) => Number(r.id));
    const [channels, campaigns, teams] = [await idsOf('channels'), await idsOf('campaigns'), await idsOf('teams')];
    const employees = (await idsOf('employees')).filter((id) => !signedIn.has(id));
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    // Customers the writes meet on: some of the staff member's among them, so their scope moves too.
    const customers = (await db<{ id: number }[]>`
      (SELECT id FROM siyu.customers WHERE owner_employee_id = ${staffMember.employeeId} ORDER BY id LIMIT 3)
      UNION ALL (SELECT id FROM siyu.customers WHERE owner_employee_id IS DISTINCT FROM ${staffMember.employeeId} ORDER BY md5(id::text) LIMIT 9)`).map((r) => r.id);
    const next = { id: Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.orders`)[0]!.id) };
    for (let round = 0; round < 3; round++) {
      await randomWritesWithMoves(db, {
        seed: 390 + round, ids: { customers, channels, campaigns, employees: [...employees.slice(0, 6), staffMember.employeeId!] }, teams, next, steps: 40,
        check: (step) => expectCountsExact(`round ${round} step ${step}`),
      });
      // Customers come and go and change channel; one leaves the staff member.
      const id = Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.customers`)[0]!.id);
      await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
        SELECT ${id} + k, 'c' || k, '137' || lpad((${id} + k)::text, 8, '0'), 'unknown', 'tier2', ${channels[0]!}, ${staffMember.employeeId}, now() - interval '2 days', 'normal'
        FROM generate_series(0, 2) AS k`;
      await expectCountsExact(`round ${round}: new customers`);
      await db`UPDATE siyu.customers SET source_channel_id = ${channels[Math.floor(rand() * channels.length)]!} WHERE id = ANY (${customers.slice(0, 5)}::int[])`;
      await db`UPDATE siyu.customers SET owner_employee_id = ${employees[round]!} WHERE id = ${id + 1}`;
      await db`DELETE FROM siyu.customers WHERE id = ${id}`;
      await expectCountsExact(`round ${round}: channel and owner changes, a deletion`);
      await checkAll(`after random round ${round}`);
    }
  }, 900_000);

  it('stays exact with owner changes, deletions and orders racing the classification\'s refreshes (and never deadlocks)', async () => {
    const db = ctx.db.sql;
    const rand = random(3939);
    const employees = (await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id LIMIT 8`).map((r) => r.id);
    const customers = (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY md5(id::text) LIMIT 12`).map((r) => r.id);
    const channel = (await db<{ channel: number }[]>`SELECT min(id)::int AS channel FROM siyu.channels`)[0]!.channel;
    let orderId = Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.orders`)[0]!.id);
    let customerId = Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.customers`)[0]!.id);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const refresher = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) await db`SELECT siyu.classification_now_version()`;
    };
    const ordering = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) {
        await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
          VALUES (${orderId++}, ${pick(customers)}, ${pick(employees)}, ${channel}, siyu.as_of()::timestamp + interval '9 hours', 99.5, 1, 'core', 'paid')`;
      }
    };
    const moving = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) {
        await db.begin(async (tx) => {
          await tx`UPDATE siyu.customers SET owner_employee_id = ${pick(employees)} WHERE id = ANY (${[pick(customers), pick(customers)]}::int[])`;
          await tx`SELECT pg_sleep(0.005)`;
        });
        // A customer registered, ordering (the next refresh classifies it), then deleted while refreshes run.
        const id = customerId++;
        await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
          VALUES (${id}, 'race', ${`136${String(id).padStart(8, '0')}`}, 'unknown', 'tier2', ${channel}, ${pick(employees)}, now() - interval '1 day', 'normal')`;
        await db`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
          VALUES (${orderId++}, ${id}, ${channel}, siyu.as_of()::timestamp + interval '8 hours', 10, 1, 'core', 'paid')`;
        if (i % 2 === 1) {
          await db`DELETE FROM siyu.orders WHERE customer_id = ${id - 1}`;
          await db`DELETE FROM siyu.customers WHERE id = ${id - 1}`;
        }
      }
    };
    await Promise.all([refresher(), refresher(), ordering(), moving()]);
    await expectCountsExact('after the race');
  }, 600_000);
});
