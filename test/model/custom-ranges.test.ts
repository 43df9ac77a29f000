/**
 * The distinct-count tiles on a custom date range (issue 19;
 * docs/performance.md, "Custom ranges"): no period table answers them, so
 * they are counted on the customer-day table and the participant
 * conversions. Checked here: Cube's role plans a COUNT(DISTINCT) by a group
 * with a sort by the group alone (`enable_presorted_aggregate` off, so not
 * one sort of every row by group and customer), the repurchase rate counts
 * its buyers without a COUNT(DISTINCT), and each tile (the overview's
 * repurchase rate, the staff page's sales and converted customers by team,
 * the channels' conversion and the activities' participation) equals plain
 * SQL on the orders and participations under every role, as seeded and
 * after random order writes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cubeSql, tokenFor } from '../../bench/demo-people.ts';
import { customRange } from '../../bench/ranges.ts';
import { loadConfig } from '../../cube/config.ts';
import { cubeRoleName } from '../../cube/database/cube-role.ts';
import { startCubeServer, type RunningCube } from '../../cube/engine/cube-server.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { addDays, type DateRange } from '../../web/src/lib/date-range.ts';
import { activities, channels, overview, staff, type CubeQuery, type PageContext } from '../../web/src/page-loads.ts';
import { random, randomOrderWrite } from '../helpers/order-writes.ts';
import { participationBySql, participationComparable } from '../helpers/participant-conversions.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

type Row = Record<string, unknown>;
interface Named { name: string; range: DateRange; query: CubeQuery }

const TILES = ['repurchase', 'conversion_by_channel', 'sales_by_team', 'converted_by_team', 'participation_by_campaign'];
/** The tiles whose COUNT(DISTINCT) is by a group: the ones the planner setting is for. */
const GROUPED = ['conversion_by_channel', 'sales_by_team', 'participation_by_campaign'];

describe('distinct counts on a custom range', () => {
  const config = loadConfig();
  const ctx = useTestStack('custom_ranges', { demoCustomers: 1500 });
  const people: Person[] = [];
  const secret = randomBytes(32).toString('hex');
  let cube: RunningCube;
  let queries: Named[];
  let range: DateRange;

  beforeAll(async () => {
    people.push(...(await signInAll(ctx.stack, ['exec', 'ops', 'manager', 'staff'])));
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    range = customRange(asOf, 0);
    const page: PageContext = { asOf, campaignRows: [], team: 'none', employeeId: 0, channel: 'none', range: `from=${range[0]}&to=${range[1]}` };
    queries = [overview(page), channels(page, false), staff(page, false), activities(page)]
      .flatMap((p) => p.queries).filter((q) => TILES.includes(q.name)).map((q) => ({ name: q.name, range, query: q.query }));
    cube = await startCubeServer({ databaseUrl: ctx.db.url, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: config.modelDir, systemSecret: secret, preAggregations: false });
  }, 240_000);

  afterAll(async () => {
    await cube?.stop();
  });

  /** The plan PostgreSQL makes for a page query under Cube's role's own settings (the role's password is not kept: its settings are applied here). */
  async function planAsCubeRole(who: SecurityContext, query: CubeQuery): Promise<{ text: string; plan: string }> {
    const asked = await cubeSql(cube.url, tokenFor(who, secret), query, config.timeZone);
    if ('error' in asked) throw new Error(asked.error);
    const db = (await ctx.db.sql<{ db: string }[]>`SELECT current_database() AS db`)[0]!.db;
    const plan = await ctx.db.sql.begin(async (tx) => {
      const settings = await tx<{ s: string }[]>`
        SELECT unnest(setconfig) AS s FROM pg_db_role_setting WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = ${cubeRoleName(db)})`;
      for (const { s } of settings) {
        const [name, value] = s.split(/=(.*)/s);
        await tx`SELECT set_config(${name!}, ${value!}, true)`;
      }
      const rows = await tx.unsafe(`EXPLAIN ${asked.text}`, asked.params as never[]);
      return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
    });
    return { text: asked.text, plan };
  }

  it('asks each tile on the raw tables, not a period table', () => {
    expect(queries.map((q) => q.name).sort()).toEqual([...TILES].sort());
    for (const { name, query } of queries) expect(JSON.stringify(query), name).not.toMatch(/_periods\./);
  });

  it('sorts a grouped COUNT(DISTINCT) by its group alone under Cube\'s role', async () => {
    const exec = people.find((p) => p.who.role === 'executive')!.who;
    for (const { name, query } of queries.filter((q) => GROUPED.includes(q.name))) {
      const { text, plan } = await planAsCubeRole(exec, query);
      expect(text, name).toMatch(/count\(distinct/i);
      // The sorts' keys, less the counts themselves (the answer's order by a count of customers).
      const sortKeys = plan.split('\n').filter((line) => /Sort Key:/.test(line)).map((line) => line.replace(/count\(DISTINCT [^()]*(\([^()]*\)[^()]*)*\)/gi, 'count'));
      expect(sortKeys.length, `${name}\n${plan}`).toBeGreaterThan(0);
      for (const key of sortKeys) expect(key, `${name}\n${plan}`).not.toMatch(/customer_id/);
    }
  }, 240_000);

  it('counts the repurchase rate\'s buyers without a COUNT(DISTINCT)', async () => {
    const repurchase = queries.find((q) => q.name === 'repurchase')!;
    for (const { who } of people) {
      const { text } = await planAsCubeRole(who, repurchase.query);
      expect(text, who.role).toMatch(/siyu\.customer_days/);
      expect(text, who.role).not.toMatch(/count\s*\(\s*distinct/i);
    }
  }, 240_000);

  /** A tile as plain SQL on the orders or the participations, within the role's scope (docs/security.md). */
  async function independent(who: SecurityContext, named: Named): Promise<Row[]> {
    if (/participation_performance\./.test(JSON.stringify(named.query))) return participationBySql(ctx.db.sql, who, named);
    const sql = ctx.db.sql;
    const [from, to] = named.range;
    const staffId = who.role === 'staff' ? who.employeeId : null;
    const teamId = who.role === 'manager' ? who.teamId : null;
    const paid = sql`o.status = 'paid' AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date`;
    if (named.name === 'sales_by_team') {
      // The credited employee and their team.
      const rows = await sql<{ team: string | null; gmv: string; buyers: string; per: string | null }[]>`
        SELECT t.name AS team, sum(o.amount) AS gmv, count(DISTINCT o.customer_id) AS buyers, sum(o.amount) / NULLIF(count(DISTINCT o.customer_id), 0) AS per
        FROM siyu.orders AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id LEFT JOIN siyu.teams AS t ON t.id = e.team_id
        WHERE ${paid} AND (${staffId}::int IS NULL OR o.employee_id = ${staffId}::int) AND (${teamId}::int IS NULL OR e.team_id = ${teamId}::int)
        GROUP BY 1`;
      return rows.map((r) => ({ 'sales_buyers.team': r.team, 'sales_buyers.gmv': r.gmv, 'sales_buyers.buyers': r.buyers, 'sales_buyers.spend_per_buyer': r.per }));
    }
    // The customer's owner and the owner's team.
    const owned = sql`(${staffId}::int IS NULL OR c.owner_employee_id = ${staffId}::int) AND (${teamId}::int IS NULL OR w.team_id = ${teamId}::int)`;
    if (named.name === 'converted_by_team') {
      const rows = await sql<{ team: string | null; converted: string }[]>`
        SELECT t.name AS team, count(DISTINCT o.customer_id) AS converted
        FROM siyu.orders AS o JOIN siyu.customers AS c ON c.id = o.customer_id JOIN siyu.employees AS w ON w.id = c.owner_employee_id
        LEFT JOIN siyu.teams AS t ON t.id = w.team_id
        WHERE ${paid} AND ${owned} GROUP BY 1`;
      return rows.map((r) => ({ 'staff_converted.team': r.team, 'staff_converted.converted_customers': r.converted }));
    }
    const [rate] = await sql<{ rate: string | null }[]>`
      SELECT (count(*) FILTER (WHERE n >= 2))::numeric / NULLIF(count(*), 0) AS rate FROM (
        SELECT o.customer_id, count(*) AS n
        FROM siyu.orders AS o JOIN siyu.customers AS c ON c.id = o.customer_id LEFT JOIN siyu.employees AS w ON w.id = c.owner_employee_id
        WHERE ${paid} AND ${owned} GROUP BY 1) AS per_customer`;
    return [{ 'buyer_repurchase.repurchase_rate': rate!.rate }];
  }

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, independent, participationComparable, (named) => `${named.name} · ${named.range.join('..')}`);

  it('equals plain SQL for each role', async () => {
    await checkAll('as seeded');
    const [team] = await people[0]!.api.load(queries.find((q) => q.name === 'sales_by_team')!.query);
    expect(Number(team!['sales_buyers.buyers'])).toBeGreaterThan(5);
  }, 300_000);

  it('still equals it after random order writes inside, at and outside the range\'s ends', async () => {
    const db = ctx.db.sql;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const customers = (await db<{ id: number }[]>`
      SELECT c.id FROM siyu.customers AS c JOIN siyu.employees AS e ON e.id = c.owner_employee_id
      WHERE e.team_id = ${manager.teamId} ORDER BY c.id LIMIT 12`).map((r) => r.id);
    const pick = async (text: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(text)).map((r) => r.id);
    const ids = {
      customers, channels: await pick('SELECT id FROM siyu.channels ORDER BY id LIMIT 4'), campaigns: await pick('SELECT id FROM siyu.campaigns ORDER BY id LIMIT 4'),
      employees: await pick(`SELECT id FROM siyu.employees WHERE team_id = ${Number(manager.teamId)} ORDER BY id LIMIT 4`),
    };
    const next = { id: (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next };
    const rnd = random(34);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const [from, to] = range;
    const when = (): string => `${any([from, addDays(from, -1), addDays(from, 40), to, addDays(to, 1)])} ${any(['00:10', '09:00', '23:50'])}+08`;
    for (let step = 0; step < 40; step++) {
      await randomOrderWrite(db, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-9 hours' }, bulkDelete: 'customers' });
    }
    await checkAll('after random order writes');
  }, 400_000);
});
