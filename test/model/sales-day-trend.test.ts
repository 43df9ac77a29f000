/**
 * The overview's GMV trend by day (every preset of up to 62 days and custom
 * ranges of that length) is answered from the team day table (migration 051,
 * the `sales_day_trend` view) for the whole brand, a manager's team and the
 * overview's team, channel and campaign filters, and from the staff member's
 * own rows of the daily sales table (migration 042) for staff: never the
 * orders, the hourly table nor a rollup. The page's own queries equal plain
 * SQL on the orders under every role's row limits, as seeded, after random
 * writes around the ranges' edges and today, and after an employee's team
 * move; the view refuses what its rows cannot answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import { applyDayGrain } from '../../cube/engine/day-grain.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildGmvTrendQuery } from '../../web/src/features/overview/gmv-spend-trend/build-query.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { addDays, dateRangeFor, type RangePreset } from '../../web/src/lib/date-range.ts';
import { random } from '../helpers/order-writes.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { salesDayDifferences, salesTeamDayDifferences } from '../helpers/sales-days.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const TZ = 'Asia/Shanghai';
const V = 'sales_day_trend';
const PRESETS: readonly RangePreset[] = ['today', 'this_week', 'last_7_days', 'this_month', 'last_30_days', 'last_month', 'this_quarter'];

type Row = Record<string, unknown>;
type Db = ReturnType<typeof useTestStack>['db'];
type Named = { name: string; query: CubeQuery };
type Slice = { team: string | null; channel: string | null; campaign: string | null };

const NUM = /^-?\d+(\.\d+)?$/;
function comparable(rows: readonly Row[]): string[] {
  return rows.map((row) => JSON.stringify(Object.keys(row).sort().map((k) => {
    const v = row[k];
    return [k, v === null || v === undefined ? null : NUM.test(String(v)) ? Number(Number(v).toPrecision(12)) : v];
  }))).sort();
}

const COLUMNS: Record<string, string> = { channel: 'ch.name', campaign: 'c.name', team: 'tm.name' };

/** The trend as plain SQL on the orders, within the role's scope (credited employee, or their team now). */
async function independent(db: Db, who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const time = (query.timeDimensions as Array<{ granularity: string; dateRange: [string, string] }>)[0]!;
  const where = ['true'];
  const params: unknown[] = [];
  const param = (v: unknown): string => `$${params.push(v)}`;
  for (const f of (query.filters ?? []) as Array<{ member: string; operator: string; values: string[] }>) {
    expect(f.operator).toBe('equals');
    where.push(`${COLUMNS[f.member.slice(V.length + 1)]!} = ${param(f.values[0])}`);
  }
  if (who.role === 'manager') where.push(`e.team_id = ${param(who.teamId)}`);
  if (who.role === 'staff') where.push(`o.employee_id = ${param(who.employeeId)}`);
  where.push(`(o.ordered_at AT TIME ZONE '${TZ}')::date BETWEEN ${param(time.dateRange[0])}::date AND ${param(time.dateRange[1])}::date`);
  const rows = await db.sql.unsafe<Row[]>(`
    SELECT to_char(date_trunc('day', o.ordered_at AT TIME ZONE '${TZ}'), 'YYYY-MM-DD"T"HH24:MI:SS.000') AS t,
           sum(o.amount) FILTER (WHERE o.status = 'paid') AS gmv
    FROM siyu.orders AS o
    LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
    LEFT JOIN siyu.teams AS tm ON tm.id = e.team_id
    LEFT JOIN siyu.campaigns AS c ON c.id = o.campaign_id
    JOIN siyu.channels AS ch ON ch.id = o.channel_id
    WHERE ${where.join(' AND ')}
    GROUP BY 1`, params as never[]);
  return rows.map((r) => ({ [`${V}.order_date.day`]: r.t, [`${V}.order_date`]: r.t, [`${V}.gmv`]: r.gmv }));
}

describe('the overview GMV trend by day from the team day table', () => {
  const config = loadConfig();
  const ctx = useTestStack('sales_day_trend_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Awaited<ReturnType<typeof signInAll>> = [];
  const queries: Named[] = [];
  let asOf: string;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const [slice] = await ctx.db.sql<{ team: string; channel: string; campaign: string }[]>`
      SELECT tm.name AS team, ch.name AS channel, c.name AS campaign FROM siyu.orders AS o
      JOIN siyu.employees AS e ON e.id = o.employee_id JOIN siyu.teams AS tm ON tm.id = e.team_id
      JOIN siyu.channels AS ch ON ch.id = o.channel_id JOIN siyu.campaigns AS c ON c.id = o.campaign_id
      GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1`;
    const none: Slice = { team: null, channel: null, campaign: null };
    // Every preset the overview shows by day (本季度 once it is over 62 days is by month), and custom ranges of 32 and 62 days.
    const ranges: Array<[string, [string, string]]> = PRESETS.map((p) => [p, dateRangeFor(p, asOf)!] as [string, [string, string]])
      .filter(([, r]) => (Date.parse(r[1]) - Date.parse(r[0])) / 86_400_000 < 62);
    ranges.push(['32 days', [addDays(asOf, -31), asOf]], ['62 days', [addDays(asOf, -61), asOf]]);
    for (const [name, range] of ranges) queries.push({ name, query: buildGmvTrendQuery(range, none) as CubeQuery });
    // The overview's filters, one at a time, on 本月, 近30天 and 62 days.
    for (const [name, range] of ranges.filter(([n]) => ['this_month', 'last_30_days', '62 days'].includes(n))) {
      for (const key of ['team', 'channel', 'campaign'] as const) {
        queries.push({ name: `${name} · ${key}`, query: buildGmvTrendQuery(range, { ...none, [key]: slice![key] }) as CubeQuery });
      }
    }
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks the view for every range of up to 62 days', () => {
    expect(queries.length).toBeGreaterThanOrEqual(14);
    for (const { name, query } of queries) expect(query.measures, name).toEqual([`${V}.gmv`]);
  });

  it('answers each from siyu.sales_team_days (staff: their own siyu.sales_days rows), never the orders, the hours nor a rollup', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        const label = `${who.role} · ${name}`;
        expect(sql, label).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days|sales_hours)\b|siyu_pre_aggregations/);
        if (who.role === 'staff') {
          expect(sql, label).toMatch(/\bsiyu\.sales_days\b/);
          expect(sql, label).not.toMatch(/\bsiyu\.sales_team_days\b/);
        } else {
          expect(sql, label).toMatch(/\bsiyu\.sales_team_days\b/);
          expect(sql, label).not.toMatch(/\bsiyu\.sales_days\b/);
        }
      }
    }
  });

  it('refuses the employee anywhere but a top-level filter, an hour, or a day cut', async () => {
    const [exec] = people;
    const td = [{ dimension: `${V}.order_date`, granularity: 'day', dateRange: [asOf, asOf] }];
    const byEmployee = { measures: [`${V}.gmv`], dimensions: [`${V}.employee_id`], timeDimensions: td };
    const nested = { measures: [`${V}.gmv`], filters: [{ or: [{ member: `${V}.employee_id`, operator: 'equals', values: ['1'] }] }], timeDimensions: td };
    const ordered = { measures: [`${V}.gmv`], order: { [`${V}.employee_id`]: 'asc' }, timeDimensions: td };
    const byHour = { measures: [`${V}.gmv`], timeDimensions: [{ ...td[0], granularity: 'hour' }] };
    for (const q of [byEmployee, nested, ordered]) expect(() => applyDayGrain(q)).toThrow(/top-level filter only/);
    expect(() => applyDayGrain(byHour)).toThrow(/not by hour/);
    expect(applyDayGrain({ measures: [`${V}.gmv`], filters: [{ member: `${V}.employee_id`, operator: 'equals', values: ['1'] }], timeDimensions: td })).toBeTruthy();
    for (const q of [byEmployee, nested, byHour]) await expect(exec!.api.load(q)).rejects.toThrow(/\(400\): \{"error":"The query cannot be answered as asked/);
  });

  const checkAll = async (label: string): Promise<void> => {
    expect(await salesTeamDayDifferences(ctx.db.sql), label).toEqual([]);
    expect(await salesDayDifferences(ctx.db.sql), label).toEqual([]);
    await expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), (rows) => comparable(rows),
      (q) => `${q.name} ${JSON.stringify(q.query.timeDimensions)}`);
  };

  it('equals plain SQL on the orders for each role, as seeded', async () => {
    await checkAll('as seeded');
    const month = queries.find((q) => q.name === '32 days')!;
    expect((await people[0]!.api.load(month.query)).length).toBeGreaterThanOrEqual(25);
  }, 300_000);

  it('still equals it after random writes (today among them) and a team move', async () => {
    const db = ctx.db.sql;
    const rnd = random(47);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const employees = [staffMember.employeeId!, ...(await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} ORDER BY id LIMIT 2`).map((r) => r.id),
      ...(await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id <> ${manager.teamId} ORDER BY id LIMIT 1`).map((r) => r.id)];
    const channels = (await db<{ id: number }[]>`SELECT id FROM siyu.channels ORDER BY id LIMIT 3`).map((r) => r.id);
    const campaigns = (await db<{ id: number }[]>`SELECT campaign_id AS id FROM siyu.orders WHERE campaign_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 2`).map((r) => r.id);
    const customers = (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY id LIMIT 6`).map((r) => r.id);
    let next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
    const first = next;
    const monthStart = `${asOf.slice(0, 7)}-01`;
    // Today, the ranges' first days and the days before them, at midnight's edges.
    const days = [asOf, asOf, addDays(asOf, -6), addDays(asOf, -7), monthStart, addDays(monthStart, -1), addDays(asOf, -29), addDays(asOf, -61), addDays(asOf, -62)];
    const when = (): string => `${any(days)} ${any(['00:00', '00:05', '13:30', '23:59:59'])}+08`;
    const mine = db`SELECT id FROM siyu.orders WHERE id >= ${first} ORDER BY random() LIMIT 1`;
    const order = () => ({
      id: next++, customer_id: any(customers), employee_id: rnd() < 0.1 ? null : any(employees), channel_id: any(channels),
      campaign_id: rnd() < 0.7 ? any(campaigns) : null, ordered_at: when(), amount: (1 + Math.floor(rnd() * 90000) / 100).toFixed(2),
      items: 1 + Math.floor(rnd() * 3), category: any(['traffic', 'core', 'premium']), status: rnd() < 0.85 ? 'paid' : 'refunded',
    });
    // Today's bar moves after one new paid order, with nothing rebuilt.
    const today = buildGmvTrendQuery([asOf, asOf], { team: null, channel: null, campaign: null }) as CubeQuery;
    const gmvToday = async (): Promise<number> => Number((await people[0]!.api.load(today))[0]?.[`${V}.gmv`] ?? 0);
    const before = await gmvToday();
    await db`INSERT INTO siyu.orders ${db({ ...order(), ordered_at: `${asOf} 12:00+08`, status: 'paid', amount: '123.45' })}`;
    let after = before;
    for (let i = 0; i < 60 && after === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await gmvToday();
    }
    expect(Math.round((after - before) * 100)).toBe(12345);
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 120; step++) {
      const roll = rnd();
      const kind = roll < 0.3 ? 'insert' : roll < 0.36 ? 'insert many' : roll < 0.5 ? 'refund' : roll < 0.6 ? 'move channel' : roll < 0.7 ? 'move campaign'
        : roll < 0.8 ? 'move employee' : roll < 0.9 ? 'move time' : 'delete';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      switch (kind) {
        case 'insert': await db`INSERT INTO siyu.orders ${db(order())}`; break;
        case 'insert many': await db`INSERT INTO siyu.orders ${db([order(), order(), order(), order()])}`; break;
        case 'refund': await db`UPDATE siyu.orders SET status = CASE status WHEN 'paid' THEN 'refunded' ELSE 'paid' END WHERE id IN (${mine})`; break;
        case 'move channel': await db`UPDATE siyu.orders SET channel_id = ${any(channels)} WHERE id IN (${mine})`; break;
        case 'move campaign': await db`UPDATE siyu.orders SET campaign_id = ${rnd() < 0.5 ? any(campaigns) : null} WHERE id IN (${mine})`; break;
        case 'move employee': await db`UPDATE siyu.orders SET employee_id = ${any(employees)} WHERE id IN (${mine})`; break;
        case 'move time': await db`UPDATE siyu.orders SET ordered_at = ${when()} WHERE id IN (${mine})`; break;
        case 'delete': await db`DELETE FROM siyu.orders WHERE id IN (${mine})`; break;
      }
    }
    expect(Object.keys(kinds).length).toBe(8);
    await checkAll('after random writes');
    const [home] = await db<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${staffMember.employeeId}`;
    const [other] = await db<{ id: number }[]>`SELECT id FROM siyu.teams WHERE id <> ${home!.team_id} ORDER BY (id = ${manager.teamId}) DESC, id LIMIT 1`;
    try {
      await db`UPDATE siyu.employees SET team_id = ${other!.id} WHERE id = ${staffMember.employeeId}`;
      await checkAll('after a team move');
    } finally {
      await db`UPDATE siyu.employees SET team_id = ${home!.team_id} WHERE id = ${staffMember.employeeId}`;
    }
  }, 500_000);
});
