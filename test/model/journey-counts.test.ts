/**
 * The segments page's journey flows tile reads the kept journey counts
 * (siyu.journey_flow_counts, migration 047; the journey_counts view) and
 * equals plain SQL on both days classified afresh
 * (siyu.customer_classification) under every role's row limits, for pairs of
 * days ending as-of (the page's default quarter, a year back, a start day the
 * back-dated writes reach) and one of two past days, as seeded and after
 * random writes: orders of every kind today and back-dated (refunds, moves of
 * day, deletions), owner changes, team moves, new and deleted customers,
 * source channel changes. The kept counts of each pair equal a fresh count by
 * owner and channel after each round, and a new order today leaves a pair
 * ending as-of counted as it was (updated, not counted again).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { buildJourneyQuery } from '../../web/src/features/segments/journey-flows/build-query.ts';
import { JOURNEY_FAMILIES, type JourneyFamily } from '../../web/src/lib/drill.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { random, randomWritesWithMoves } from '../helpers/order-writes.ts';
import { useTestStack } from '../helpers/stack.ts';
import { comparable } from '../helpers/comparable.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const AS_OF = '2026-11-20';
/** The default quarter, a year back, a start the back-dated writes reach (2026-11-01), and two past days. */
const WINDOWS: Array<[string, string]> = [['2026-08-22', AS_OF], ['2025-11-20', AS_OF], ['2026-11-01', AS_OF], ['2025-11-20', '2026-11-01']];
type Row = Record<string, unknown>;
interface Named { name: string; query: CubeQuery; family: JourneyFamily; from: string; to: string }

const lit = (v: string): string => `'${v.replace(/'/g, "''")}'`;
const stage = (alias: string, family: JourneyFamily): string => (family === 'rfm_segment' ? `coalesce(${alias}.rfm_segment, 'none')` : `${alias}.${family}`);

/** Fresh pairs of the two days: one row per customer of the end day, with its owner, channel and both days' stages. */
function freshPairs(from: string, to: string): string {
  return `
    SELECT t.customer_id, c.owner_employee_id, c.source_channel_id,
           ${JOURNEY_FAMILIES.map((f) => `CASE WHEN f.customer_id IS NULL THEN 'not_registered' ELSE ${stage('f', f)} END AS from_${f}, ${stage('t', f)} AS to_${f}`).join(', ')}
    FROM siyu.customer_classification(${lit(to)}::date) AS t
    JOIN siyu.customers AS c ON c.id = t.customer_id
    LEFT JOIN siyu.customer_classification(${lit(from)}::date) AS f ON f.customer_id = t.customer_id`;
}

describe('journey flows tile from the kept journey counts (journey_counts)', () => {
  const ctx = useTestStack('journey_counts_model', { demoCustomers: 1500 });
  const people: Person[] = [];
  const queries: Named[] = [];

  beforeAll(async () => {
    people.push(...(await signInAll(ctx.stack, USERS)));
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [cut] = await ctx.db.sql<{ team: string; channel: string }[]>`
      SELECT t.name AS team, (SELECT name FROM siyu.channels ORDER BY id LIMIT 1) AS channel FROM siyu.teams AS t WHERE t.id = ${manager.teamId}`;
    const add = (family: JourneyFamily, [from, to]: [string, string], slice = { team: null as string | null, channel: null as string | null }) =>
      queries.push({ name: `${family} ${from} → ${to}${slice.team ? ' (team, channel)' : ''}`, family, from, to,
        query: buildJourneyQuery({ family, fromDate: from, toDate: to }, slice) as CubeQuery });
    for (const family of JOURNEY_FAMILIES) add(family, WINDOWS[0]!);
    for (const [i, window] of WINDOWS.entries()) if (i > 0) add(JOURNEY_FAMILIES[i % JOURNEY_FAMILIES.length]!, window);
    add('lifecycle_stage', WINDOWS[1]!, { team: cut!.team, channel: cut!.channel });
  }, 240_000);

  /** The tile as plain SQL on both days classified afresh, within the role's scope and the query's cut. */
  const independent = async (who: SecurityContext, { query, family, from, to }: Named): Promise<Row[]> => {
    const where = ['TRUE'];
    for (const f of (query.filters ?? []) as Array<{ member: string; values: string[] }>) {
      if (f.member.endsWith('.owner_team')) where.push(`tm.name = ${lit(f.values[0]!)}`);
      if (f.member.endsWith('.source_channel')) where.push(`ch.name = ${lit(f.values[0]!)}`);
    }
    if (who.role === 'manager') where.push(`e.team_id = ${Number(who.teamId)}`);
    if (who.role === 'staff') where.push(`p.owner_employee_id = ${Number(who.employeeId)}`);
    const rows = await ctx.db.sql.unsafe<Row[]>(`
      SELECT p.from_${family} AS a, p.to_${family} AS b, count(*) AS n
      FROM (${freshPairs(from, to)}) AS p
      LEFT JOIN siyu.employees AS e ON e.id = p.owner_employee_id
      LEFT JOIN siyu.teams AS tm ON tm.id = e.team_id
      LEFT JOIN siyu.channels AS ch ON ch.id = p.source_channel_id
      WHERE ${where.join(' AND ')}
      GROUP BY 1, 2`);
    return rows.map((r) => ({ 'journey_counts.from_stage': r.a, 'journey_counts.to_stage': r.b, 'journey_counts.customers': r.n }));
  };
  const checkAll = (label: string): Promise<void> => expectEachEquals(people, queries, label, independent, comparable);

  /** Each window's kept counts (made current as the tile does) equal a fresh count by owner and channel, both ways. */
  const expectCountsExact = async (label: string): Promise<void> => {
    for (const [from, to] of WINDOWS) {
      const fresh = JOURNEY_FAMILIES.map((f) => `
        SELECT '${f}' AS family, from_${f} AS from_stage, to_${f} AS to_stage, owner_employee_id, source_channel_id, count(*) AS customers
        FROM pairs GROUP BY 1, 2, 3, 4, 5`).join(' UNION ALL ');
      const diff = await ctx.db.sql.unsafe<Row[]>(`
        WITH kept AS MATERIALIZED (SELECT * FROM siyu.journey_flow_counts(${lit(from)}, ${lit(to)})),
        pairs AS MATERIALIZED (${freshPairs(from, to)}),
        fresh AS (${fresh})
        (SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
        UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)`);
      expect(diff, `${label}: ${from} → ${to}`).toEqual([]);
      // The brand's rows (migration 056), as the exec's tile reads them: the fresh count summed over owner and channel.
      const brand = await ctx.db.sql.unsafe<Row[]>(`
        WITH kept AS MATERIALIZED (SELECT family, from_stage, to_stage, customers FROM siyu.journey_flow_counts_at(${lit(from)}, ${lit(to)}, NULL, 'brand')),
        pairs AS MATERIALIZED (${freshPairs(from, to)}),
        fresh AS (SELECT family, from_stage, to_stage, sum(customers) AS customers FROM (${fresh}) AS f GROUP BY 1, 2, 3)
        (SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
        UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)`);
      expect(brand, `${label}: ${from} → ${to}, the brand's rows`).toEqual([]);
    }
  };

  it('equals plain SQL for each role, as seeded', async () => {
    await expectCountsExact('as seeded');
    await checkAll('as seeded');
  }, 300_000);

  it('updates a pair ending as-of on a new order today instead of counting it again', async () => {
    const [from, to] = WINDOWS[0]!;
    await ctx.db.sql`SELECT count(*) FROM siyu.journey_flow_counts(${from}, ${to})`;
    const counted = async () => (await ctx.db.sql<{ at: Date }[]>`
      SELECT counted_at AS at FROM siyu.journey_count_pairs WHERE from_day = ${from} AND to_day = ${to}`)[0]?.at.getTime();
    const before = await counted();
    expect(before).toBeDefined();
    const [buyer] = await ctx.db.sql<{ id: number }[]>`
      SELECT c.id FROM siyu.customers AS c WHERE NOT EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id) ORDER BY c.id LIMIT 1`;
    const next = Number((await ctx.db.sql<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.orders`)[0]!.id);
    await ctx.db.sql`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
      VALUES (${next}, ${buyer!.id}, (SELECT min(id) FROM siyu.channels), siyu.as_of()::timestamp + interval '10 hours', 120, 1, 'core', 'paid')`;
    await expectCountsExact('a first order today');
    expect(await counted()).toBe(before);
    await checkAll('after a first order today');
  }, 300_000);

  it('keeps the pairs ending as-of through writes after their start days: updated by the triggers, exact, never counted again', async () => {
    const db = ctx.db.sql;
    const rnd = random(4747);
    const ending = WINDOWS.filter(([, to]) => to === AS_OF);
    for (const [from, to] of ending) await db`SELECT count(*) FROM siyu.journey_flow_counts(${from}, ${to})`;
    const counted = async (): Promise<string[]> => (await db<{ k: string }[]>`
      SELECT from_day::text || ' ' || counted_at::text AS k FROM siyu.journey_count_pairs WHERE to_now ORDER BY from_day`).map((r) => r.k);
    const before = await counted();
    expect(before.length).toBe(ending.length);
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const [channel, employees, buyers] = [
      Number((await db<{ id: number }[]>`SELECT min(id) AS id FROM siyu.channels`)[0]!.id),
      (await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id LIMIT 6`).map((r) => r.id),
      (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY md5(id::text) LIMIT 10`).map((r) => r.id)];
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    let orderId = Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.orders`)[0]!.id);
    let customerId = Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.customers`)[0]!.id);
    // Only orders dated after every start day (2026-11-10 on), so none of the start days is classified again.
    const mine = db`SELECT id FROM siyu.orders WHERE ordered_at >= '2026-11-10' AND customer_id = ANY (${buyers}::int[]) ORDER BY random() LIMIT 2`;
    for (let step = 0; step < 24; step++) {
      const roll = rnd();
      if (roll < 0.35) {
        await db`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
          SELECT ${orderId} + g, (${buyers}::int[])[1 + (g + ${step}) % 10], ${channel},
                 ${any(['2026-11-20 09:00+08', '2026-11-20 23:50+08', '2026-11-15 12:00+08', '2026-11-10 00:10+08'])}::timestamptz,
                 (50 + g * 1999)::numeric(14, 2), 1, 'core', 'paid'
          FROM generate_series(0, ${Math.floor(rnd() * 4)}) AS g`;
        orderId += 5;
      } else if (roll < 0.5) await db`UPDATE siyu.orders SET status = 'refunded' WHERE id IN (${mine})`;
      else if (roll < 0.6) await db`UPDATE siyu.orders SET status = 'paid' WHERE id IN (${mine})`;
      else if (roll < 0.7) await db`DELETE FROM siyu.orders WHERE id IN (${mine})`;
      else if (roll < 0.8) await db`UPDATE siyu.orders SET ordered_at = '2026-11-20 08:00+08', amount = amount + 7 WHERE id IN (${mine})`;
      else {
        // Customers registered today, bought, moved to another owner or channel, deleted.
        const id = customerId++;
        await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
          VALUES (${id}, 'today', ${`135${String(id).padStart(8, '0')}`}, 'unknown', 'tier2', ${channel}, ${staffMember.employeeId},
                  siyu.as_of()::timestamp + interval '2 hours', 'normal')`;
        await db`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
          VALUES (${orderId++}, ${id}, ${channel}, siyu.as_of()::timestamp + interval '6 hours', 300, 1, 'core', 'paid')`;
        await db`SELECT siyu.classification_now_version()`;
        if (rnd() < 0.5) await db`UPDATE siyu.customers SET owner_employee_id = ${any(employees)}, source_channel_id = ${channel + 1} WHERE id = ${id}`;
        if (rnd() < 0.3) {
          await db`DELETE FROM siyu.orders WHERE customer_id = ${id}`;
          await db`DELETE FROM siyu.customers WHERE id = ${id}`;
        }
      }
      if (step % 8 === 7) {
        await expectCountsExact(`today's writes, step ${step}`);
        expect(await counted(), `step ${step}`).toEqual(before);
      }
    }
    await checkAll("after today's writes");
  }, 600_000);

  it('keeps the counts exact through random writes today and back-dated, owner changes and new customers', async () => {
    const db = ctx.db.sql;
    const rand = random(47);
    const signedIn = new Set(people.map((p) => p.who.employeeId));
    const idsOf = async (table: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id`)).map((r) => Number(r.id));
    const [channels, campaigns, teams] = [await idsOf('channels'), await idsOf('campaigns'), await idsOf('teams')];
    const employees = (await idsOf('employees')).filter((id) => !signedIn.has(id));
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const customers = (await db<{ id: number }[]>`
      (SELECT id FROM siyu.customers WHERE owner_employee_id = ${staffMember.employeeId} ORDER BY id LIMIT 3)
      UNION ALL (SELECT id FROM siyu.customers WHERE owner_employee_id IS DISTINCT FROM ${staffMember.employeeId} ORDER BY md5(id::text) LIMIT 9)`).map((r) => r.id);
    const next = { id: Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.orders`)[0]!.id) };
    for (let round = 0; round < 3; round++) {
      // Pairs counted before the writes, so the writes go through the triggers.
      for (const [from, to] of WINDOWS) await db`SELECT count(*) FROM siyu.journey_flow_counts(${from}, ${to})`;
      await randomWritesWithMoves(db, {
        seed: 470 + round, ids: { customers, channels, campaigns, employees: [...employees.slice(0, 6), staffMember.employeeId!] }, teams, next, steps: 40,
        check: (step) => expectCountsExact(`round ${round} step ${step}`),
      });
      const id = Number((await db<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.customers`)[0]!.id);
      await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
        SELECT ${id} + k, 'c' || k, '137' || lpad((${id} + k)::text, 8, '0'), 'unknown', 'tier2', ${channels[0]!}, ${staffMember.employeeId},
               siyu.as_of()::timestamp + interval '3 hours', 'normal'
        FROM generate_series(0, 2) AS k`;
      await db`INSERT INTO siyu.orders (id, customer_id, channel_id, ordered_at, amount, items, category, status)
        VALUES (${next.id++}, ${id + 2}, ${channels[0]!}, siyu.as_of()::timestamp + interval '5 hours', 88, 1, 'core', 'paid')`;
      await expectCountsExact(`round ${round}: new customers`);
      for (const [from, to] of WINDOWS) await db`SELECT count(*) FROM siyu.journey_flow_counts(${from}, ${to})`;
      await db`UPDATE siyu.customers SET source_channel_id = ${channels[Math.floor(rand() * channels.length)]!} WHERE id = ANY (${customers.slice(0, 5)}::int[])`;
      await db`UPDATE siyu.customers SET owner_employee_id = ${employees[round]!} WHERE id = ${id + 1}`;
      await db`DELETE FROM siyu.customers WHERE id = ${id}`;
      await expectCountsExact(`round ${round}: channel and owner changes, a deletion`);
      await checkAll(`after random round ${round}`);
    }
  }, 900_000);
});
