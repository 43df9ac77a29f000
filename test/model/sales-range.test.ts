/**
 * Sales on a custom date range by the credited employee, their team or the
 * brand (issue 19; docs/performance.md, "The sales paid-day table"): the
 * overview's GMV, buyers and 客单价 (with its 环比/同比, and cut by a team),
 * the staff page's sales by team and by a team's employees and one
 * employee's own sales are answered from the sales paid-day table (migration
 * 038, the `sales_range` view) with no COUNT(DISTINCT), and equal plain SQL
 * on the orders under every role, as seeded and after random order writes,
 * owner changes and team moves; the level the buyers are counted at is the
 * server's (cube/engine/range-level.ts), which refuses what it cannot answer.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cubeSql, tokenFor } from '../../bench/demo-people.ts';
import { customRange } from '../../bench/ranges.ts';
import { loadConfig } from '../../cube/config.ts';
import { AccessError, applyAccessRules } from '../../cube/engine/access-rules.ts';
import { startCubeServer, type RunningCube } from '../../cube/engine/cube-server.ts';
import { applyRangeLevel } from '../../cube/engine/range-level.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { buildSalesKpiQuery } from '../../web/src/features/overview/kpis/build-query.ts';
import type { DateRange } from '../../web/src/lib/date-range.ts';
import { overview, staff, type CubeQuery, type PageContext } from '../../web/src/page-loads.ts';
import { randomWritesWithMoves } from '../helpers/order-writes.ts';
import { participationComparable } from '../helpers/participant-conversions.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

type Row = Record<string, unknown>;
interface Named { name: string; range: DateRange; query: CubeQuery }
type Filter = { member: string; values: string[] };

const TILES = ['sales_kpis', 'sales_kpis_mom', 'sales_kpis_yoy', 'sales_by_team', 'sales_by_employee', 'employee_sales'];

describe('sales on a custom range from the sales paid-day table', () => {
  const config = loadConfig();
  const ctx = useTestStack('sales_range', { demoCustomers: 1500 });
  const people: Person[] = [];
  const secret = randomBytes(32).toString('hex');
  let cube: RunningCube;
  let queries: Named[];

  beforeAll(async () => {
    people.push(...(await signInAll(ctx.stack, ['exec', 'ops', 'manager', 'staff'])));
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const range = customRange(asOf, 0);
    // The manager's team and one of its employees (not the signed-in staff member): every role has rows to compare.
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [team] = await ctx.db.sql<{ name: string; employee: number }[]>`
      SELECT t.name, min(e.id) AS employee FROM siyu.teams AS t JOIN siyu.employees AS e ON e.team_id = t.id WHERE t.id = ${manager.teamId} GROUP BY t.name`;
    const page: PageContext = { asOf, campaignRows: [], team: team!.name, employeeId: team!.employee, channel: 'none', range: `from=${range[0]}&to=${range[1]}` };
    queries = [overview(page), staff(page, true)].flatMap((p) => p.queries).filter((q) => TILES.includes(q.name))
      .map((q) => ({ name: q.name, range: (q.query.timeDimensions?.[0]?.dateRange as DateRange | undefined) ?? range, query: q.query }));
    queries.push({ name: 'sales_kpis_by_team', range, query: buildSalesKpiQuery(range, { team: team!.name, channel: null, campaign: null }) as CubeQuery });
    cube = await startCubeServer({ databaseUrl: ctx.db.url, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: config.modelDir, systemSecret: secret, preAggregations: false });
  }, 240_000);

  afterAll(async () => {
    await cube?.stop();
  });

  it('asks each tile of the sales paid-day table, with no COUNT(DISTINCT), at the level of the role and the query', async () => {
    expect(queries.map((q) => q.name).sort()).toEqual([...TILES, 'sales_kpis_by_team'].sort());
    for (const { who } of people) {
      for (const { name, query } of queries) {
        expect(JSON.stringify(query), name).toMatch(/"sales_range\./);
        const asked = await cubeSql(cube.url, tokenFor(who, secret), query, config.timeZone);
        if ('error' in asked) throw new Error(`${who.role} · ${name}: ${asked.error}`);
        expect(asked.text, `${who.role} · ${name}`).toMatch(/siyu\.sales_paid_days/);
        expect(asked.text, `${who.role} · ${name}`).not.toMatch(/count\s*\(\s*distinct/i);
        const filters = applyRangeLevel(applyAccessRules(query, who)).filters as Filter[];
        const level = filters.find((f) => f.member === 'sales_range.level')!.values[0];
        const deepest = /employee/.test(JSON.stringify(query)) || who.role === 'staff' ? 'employee'
          : /team/.test(JSON.stringify(query)) || who.role === 'manager' ? 'team' : 'brand';
        expect(level, `${who.role} · ${name}`).toBe(deepest);
      }
    }
  }, 240_000);

  it('refuses what one level cannot answer', () => {
    const exec = people.find((p) => p.who.role === 'executive')!.who;
    const refused = (query: Record<string, unknown>) => expect(() => applyRangeLevel(applyAccessRules(query, exec))).toThrow(AccessError);
    const measures = ['sales_range.buyers'];
    refused({ measures, filters: [{ member: 'sales_range.team', operator: 'equals', values: ['a', 'b'] }] });
    refused({ measures, filters: [{ member: 'sales_range.employee_id', operator: 'notEquals', values: ['1'] }] });
    refused({ measures, filters: [{ or: [{ member: 'sales_range.team', operator: 'equals', values: ['a'] }, { member: 'sales_range.team', operator: 'equals', values: ['b'] }] }] });
    refused({ measures, timeDimensions: [{ dimension: 'sales_range.order_date', granularity: 'day', dateRange: ['2026-01-01', '2026-01-31'] }] });
    refused({ measures, filters: [{ member: 'sales_range.level', operator: 'equals', values: ['team'] }] });
    // Grouped by the team, a filter of several teams only picks rows.
    expect(() => applyRangeLevel(applyAccessRules({ measures, dimensions: ['sales_range.team'], filters: [{ member: 'sales_range.team', operator: 'equals', values: ['a', 'b'] }] }, exec))).not.toThrow();
  });

  /** A tile as plain SQL on the orders, within the role's scope (the credited employee, or their team now). */
  async function independent(who: SecurityContext, named: Named): Promise<Row[]> {
    const sql = ctx.db.sql;
    const [from, to] = named.range;
    const staffId = who.role === 'staff' ? who.employeeId : null;
    const teamId = who.role === 'manager' ? who.teamId : null;
    const filters = (named.query.filters ?? []) as Filter[];
    const team = filters.find((f) => f.member === 'sales_range.team')?.values[0] ?? null;
    const employee = filters.find((f) => f.member === 'sales_range.employee_id')?.values[0] ?? null;
    const dims = (named.query.dimensions ?? []) as string[];
    const by = dims.includes('sales_range.team') ? 'team' : dims.includes('sales_range.employee') ? 'employee' : 'none';
    const rows = await sql<{ team: string | null; employee: string | null; employee_id: number | null; gmv: string; buyers: string; per: string | null }[]>`
      SELECT CASE WHEN ${by} = 'team' THEN t.name END AS team, CASE WHEN ${by} = 'employee' THEN e.name END AS employee,
             CASE WHEN ${by} = 'employee' THEN e.id END AS employee_id,
             sum(o.amount) AS gmv, count(DISTINCT o.customer_id) AS buyers, sum(o.amount) / NULLIF(count(DISTINCT o.customer_id), 0) AS per
      FROM siyu.orders AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id LEFT JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date
        AND (${staffId}::int IS NULL OR o.employee_id = ${staffId}::int) AND (${teamId}::int IS NULL OR e.team_id = ${teamId}::int)
        AND (${team}::text IS NULL OR t.name = ${team}::text) AND (${employee}::int IS NULL OR o.employee_id = ${employee}::int)
      GROUP BY 1, 2, 3`;
    // No paid order in the scope: one row of nothing, as Cube answers a query without dimensions.
    if (rows.length === 0 && by === 'none') return [{ 'sales_range.gmv': null, 'sales_range.buyers': '0', 'sales_range.spend_per_buyer': null }];
    return rows.map((r) => ({
      'sales_range.team': r.team, 'sales_range.employee': r.employee, 'sales_range.employee_id': r.employee_id === null ? null : String(r.employee_id),
      'sales_range.gmv': r.gmv, 'sales_range.buyers': r.buyers, 'sales_range.spend_per_buyer': r.per,
    }));
  }

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, independent, participationComparable, (named) => `${named.name} · ${named.range.join('..')}`);

  it('equals plain SQL for each role', async () => {
    await checkAll('as seeded');
    const [byTeam] = await people[0]!.api.load(queries.find((q) => q.name === 'sales_by_team')!.query);
    expect(Number(byTeam!['sales_range.buyers'])).toBeGreaterThan(5);
  }, 300_000);

  it('still equals it after random order writes, owner changes and team moves', async () => {
    const db = ctx.db.sql;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const signedIn = people.map((p) => p.who.employeeId);
    const pick = async (text: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(text)).map((r) => r.id);
    // The first four employees (the ones moved) are the manager's team's, never a signed-in person.
    const employees = (await pick(`SELECT id FROM siyu.employees WHERE team_id = ${Number(manager.teamId)} ORDER BY id`)).filter((e) => !signedIn.includes(e)).slice(0, 4);
    const ids = {
      customers: await pick('SELECT id FROM siyu.customers ORDER BY id LIMIT 12'), channels: await pick('SELECT id FROM siyu.channels ORDER BY id LIMIT 4'),
      campaigns: await pick('SELECT id FROM siyu.campaigns ORDER BY id LIMIT 4'), employees: [...employees, ...signedIn.filter((e): e is number => e !== null)],
    };
    const teams = [...await pick('SELECT id FROM siyu.teams ORDER BY id LIMIT 3'), Number(manager.teamId)];
    const next = { id: (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next };
    const kinds = await randomWritesWithMoves(db, { seed: 381, ids, teams, next, steps: 80, check: async () => {} });
    expect(kinds['team move']).toBeGreaterThan(2);
    await checkAll('after random order writes, owner changes and team moves');
  }, 400_000);
});
