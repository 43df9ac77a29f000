/**
 * The distinct-count tiles on a custom date range (issue 19;
 * docs/performance.md, "Custom ranges"): no period table answers them, so
 * they are counted on the customer-day table, the customer paid-day table
 * (migration 036) and the participant conversions. Checked here: Cube's role
 * plans a COUNT(DISTINCT) by a group with a sort by the group alone
 * (`enable_presorted_aggregate` off, so not one sort of every row by group
 * and customer); the repurchase rate (with its 环比, and cut by the owner's
 * team) and converted customers by team are plain counts on the customer
 * paid-day table, while the repurchase rate cut by a channel stays on the
 * customer-day table; and each tile (the overview's repurchase rate, the
 * staff page's sales and converted customers by team, the channels'
 * conversion and the activities' participation; sales by team since migration
 * 038 in test/model/sales-range.test.ts) equals plain SQL on the
 * orders and participations under every role, as seeded and after random
 * order writes, owner changes and team moves.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cubeSql, tokenFor } from '../../bench/demo-people.ts';
import { customRange } from '../../bench/ranges.ts';
import { loadConfig } from '../../cube/config.ts';
import { cubeRoleName } from '../../cube/database/cube-role.ts';
import { startCubeServer, type RunningCube } from '../../cube/engine/cube-server.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { buildRepurchaseKpiQuery } from '../../web/src/features/overview/kpis/build-query.ts';
import { addDays, type DateRange } from '../../web/src/lib/date-range.ts';
import { activities, channels, overview, staff, type CubeQuery, type PageContext } from '../../web/src/page-loads.ts';
import { random, randomOrderWrite } from '../helpers/order-writes.ts';
import { participationBySql, participationComparable } from '../helpers/participant-conversions.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

type Row = Record<string, unknown>;
interface Named { name: string; range: DateRange; query: CubeQuery }

// The staff page's sales by team is answered from the sales paid-day table since migration 038: test/model/sales-range.test.ts.
const TILES = ['repurchase', 'repurchase_mom', 'conversion_by_channel', 'converted_by_team', 'participation_by_campaign'];
/** Answered by the customer paid-day table (migration 036): plain counts, no distinct. */
const PAID_DAYS = ['repurchase', 'repurchase_mom', 'repurchase_by_team', 'converted_by_team'];
/** The tiles whose COUNT(DISTINCT) is by a group: the ones the planner setting is for. */
const GROUPED = ['conversion_by_channel', 'participation_by_campaign'];

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
      .flatMap((p) => p.queries).filter((q) => TILES.includes(q.name))
      .map((q) => ({ name: q.name, range: (q.query.timeDimensions?.[0]?.dateRange as DateRange | undefined) ?? range, query: q.query }));
    // The overview cut by the owner's team (still the paid-day table) and by a channel (the customer-day table).
    const [team] = await ctx.db.sql<{ name: string }[]>`SELECT name FROM siyu.teams ORDER BY id LIMIT 1`;
    const [channel] = await ctx.db.sql<{ name: string }[]>`SELECT name FROM siyu.channels ORDER BY id LIMIT 1`;
    queries.push({ name: 'repurchase_by_team', range, query: buildRepurchaseKpiQuery(range, { team: team!.name, channel: null, campaign: null }) as CubeQuery });
    queries.push({ name: 'repurchase_by_channel', range, query: buildRepurchaseKpiQuery(range, { team: null, channel: channel!.name, campaign: null }) as CubeQuery });
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
    expect(queries.map((q) => q.name).sort()).toEqual([...TILES, 'repurchase_by_team', 'repurchase_by_channel'].sort());
    expect(queries.find((q) => q.name === 'repurchase_mom')!.range).not.toEqual(range);
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

  it('counts the repurchase rate and converted customers on the customer paid-day table, with no COUNT(DISTINCT)', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries.filter((q) => PAID_DAYS.includes(q.name))) {
        const { text } = await planAsCubeRole(who, query);
        expect(text, `${who.role} · ${name}`).toMatch(/siyu\.customer_paid_days/);
        expect(text, `${who.role} · ${name}`).not.toMatch(/siyu\.customer_days\b/);
        expect(text, `${who.role} · ${name}`).not.toMatch(/count\s*\(\s*distinct/i);
        // The range's start bounds the previous paid day: each customer's first paid day in the range, once.
        expect(text, `${who.role} · ${name}`).toMatch(/paid_day\.prev_day < \$\d+::timestamptz/);
      }
      // Cut by the order's channel: the customer-day table (the paid days' previous day is over every channel).
      const { text } = await planAsCubeRole(who, queries.find((q) => q.name === 'repurchase_by_channel')!.query);
      expect(text, who.role).toMatch(/siyu\.customer_days\b/);
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
    const filters = (named.query.filters ?? []) as Array<{ member: string; values: string[] }>;
    const team = filters.find((f) => f.member.endsWith('.owner_team'))?.values[0] ?? null;
    const channel = filters.find((f) => f.member.endsWith('.channel'))?.values[0] ?? null;
    const [rate] = await sql<{ rate: string | null }[]>`
      SELECT (count(*) FILTER (WHERE n >= 2))::numeric / NULLIF(count(*), 0) AS rate FROM (
        SELECT o.customer_id, count(*) AS n
        FROM siyu.orders AS o JOIN siyu.customers AS c ON c.id = o.customer_id LEFT JOIN siyu.employees AS w ON w.id = c.owner_employee_id
        LEFT JOIN siyu.teams AS t ON t.id = w.team_id JOIN siyu.channels AS ch ON ch.id = o.channel_id
        WHERE ${paid} AND ${owned} AND (${team}::text IS NULL OR t.name = ${team}) AND (${channel}::text IS NULL OR ch.name = ${channel})
        GROUP BY 1) AS per_customer`;
    const [measure] = named.query.measures as string[];
    return [{ [measure!]: rate!.rate }];
  }

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, independent, participationComparable, (named) => `${named.name} · ${named.range.join('..')}`);

  it('equals plain SQL for each role', async () => {
    await checkAll('as seeded');
    const [team] = await people[0]!.api.load(queries.find((q) => q.name === 'converted_by_team')!.query);
    expect(Number(team!['staff_converted.converted_customers'])).toBeGreaterThan(5);
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
    const teams = (await db<{ id: number }[]>`SELECT id FROM siyu.teams ORDER BY id LIMIT 3`).map((r) => r.id);
    const owners = (await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id LIMIT 6`).map((r) => r.id);
    const signedIn = people.map((p) => p.who.employeeId);
    const movable = ids.employees.filter((e) => !signedIn.includes(e));
    expect(movable.length).toBeGreaterThan(0);
    for (let step = 0; step < 48; step++) {
      const roll = rnd();
      if (roll < 0.1) {
        // A customer given to another owner (one of the manager's team's, or another team's).
        await db`UPDATE siyu.customers SET owner_employee_id = ${any([...ids.employees, ...owners])} WHERE id = ${any(customers)}`;
      } else if (roll < 0.15) {
        // An employee (not the manager or the staff member) moved to another team.
        await db`UPDATE siyu.employees SET team_id = ${any([...teams, manager.teamId])} WHERE id = ${any(movable)}`;
      } else {
        await randomOrderWrite(db, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-9 hours' }, bulkDelete: 'customers' });
      }
    }
    await checkAll('after random order writes, owner changes and team moves');
  }, 400_000);
});
