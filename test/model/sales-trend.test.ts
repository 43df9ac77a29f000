/**
 * The overview's GMV trend by month (近90天, 近12个月, 本年, 全部, any range
 * of more than 62 days) is answered from the monthly sales table (migration
 * 041) for the range's whole months and the hourly one (migration 032) for
 * its edge months, never the orders nor a rollup, so a write rebuilds no
 * month partition; and it equals plain SQL on the orders under every role's
 * row limits, before and after random writes around the ranges' edges (new,
 * refunded and deleted orders, channel, campaign, employee and time moves, a
 * statement of many rows), and after an employee's team move. The monthly
 * table itself equals the orders summed by business month.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import { applyMonthTrend } from '../../cube/engine/month-trend.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildGmvTrendQuery } from '../../web/src/features/overview/gmv-spend-trend/build-query.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { addDays, dateRangeFor, type DateRange } from '../../web/src/lib/date-range.ts';
import { random } from '../helpers/order-writes.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const TZ = 'Asia/Shanghai';
const V = 'sales_trend';

type Row = Record<string, unknown>;
type Db = ReturnType<typeof useTestStack>['db'];
type Named = { name: string; query: CubeQuery };

const NUM = /^-?\d+(\.\d+)?$/;
function comparable(rows: readonly Row[]): string[] {
  return rows.map((row) => JSON.stringify(Object.keys(row).filter((k) => k !== `${V}.order_date`).sort().map((k) => {
    const v = row[k];
    return [k, v === null || v === undefined ? null : NUM.test(String(v)) ? Number(Number(v).toPrecision(12)) : v];
  }))).sort();
}

/** The query as plain SQL on the orders by business month, within the role's scope (credited employee, or their team). */
async function independent(db: Db, who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const time = (query.timeDimensions as Array<{ granularity: string; dateRange?: [string, string] }>)[0]!;
  const filters = (query.filters ?? []) as Array<{ member: string; operator: string; values: string[] }>;
  for (const f of filters) expect([`${V}.team`, `${V}.channel`, `${V}.campaign`], JSON.stringify(f)).toContain(f.member);
  const equals = (name: string): string | null => filters.find((f) => f.member === `${V}.${name}`)?.values[0] ?? null;
  const team = who.role === 'manager' ? who.teamId : null;
  const staff = who.role === 'staff' ? who.employeeId : null;
  const bound = (d: string | null | undefined): string | null => (d == null ? null : d.replace('T', ' '));
  const from = bound(time.dateRange?.[0]);
  const to = bound(time.dateRange?.[1]);
  const upTo = to !== null && to.length === 10 ? `${to} 23:59:59.999` : to;
  const s = db.sql;
  const rows = await s<{ t: string; gmv: string | null }[]>`
    SELECT to_char(date_trunc('month', o.ordered_at AT TIME ZONE ${TZ}), 'YYYY-MM-DD"T"HH24:MI:SS.000') AS t,
           sum(o.amount) FILTER (WHERE o.status = 'paid') AS gmv
    FROM siyu.orders AS o
    LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
    LEFT JOIN siyu.teams AS tm ON tm.id = e.team_id
    LEFT JOIN siyu.campaigns AS c ON c.id = o.campaign_id
    JOIN siyu.channels AS ch ON ch.id = o.channel_id
    WHERE (${from}::timestamp IS NULL OR (o.ordered_at AT TIME ZONE ${TZ}) BETWEEN ${from}::timestamp AND ${upTo}::timestamp)
      AND (${equals('campaign')}::text IS NULL OR c.name = ${equals('campaign')})
      AND (${equals('team')}::text IS NULL OR tm.name = ${equals('team')})
      AND (${equals('channel')}::text IS NULL OR ch.name = ${equals('channel')})
      AND (${team}::int IS NULL OR e.team_id = ${team}::int)
      AND (${staff}::int IS NULL OR o.employee_id = ${staff}::int)
    GROUP BY 1`;
  return rows.map((r) => ({ [`${V}.order_date.month`]: r.t, [`${V}.gmv`]: r.gmv }));
}

describe("the overview's GMV trend by month from the monthly and hourly sales tables", () => {
  const config = loadConfig();
  const ctx = useTestStack('sales_trend_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Awaited<ReturnType<typeof signInAll>> = [];
  const queries: Named[] = [];
  let asOf: string;
  let ranges: Record<string, DateRange | null>;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const db = ctx.db.sql;
    const [slice] = await db<{ team: string; channel: string; campaign: string }[]>`
      SELECT tm.name AS team, ch.name AS channel, c.name AS campaign FROM siyu.orders AS o
      JOIN siyu.employees AS e ON e.id = o.employee_id JOIN siyu.teams AS tm ON tm.id = e.team_id
      JOIN siyu.channels AS ch ON ch.id = o.channel_id JOIN siyu.campaigns AS c ON c.id = o.campaign_id
      GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1`;
    // The month presets, and a range whose first month is mostly inside it (its month's row less the hours
    // before it) and whose last month is mostly outside it (its hours), the other way round from 近12个月's.
    const firstOf = (day: string) => `${day.slice(0, 7)}-01`;
    ranges = {
      last_12_months: dateRangeFor('last_12_months', asOf), last_90_days: dateRangeFor('last_90_days', asOf),
      this_year: dateRangeFor('this_year', asOf), all: null,
      custom: [addDays(firstOf(addDays(asOf, -200)), 2), addDays(firstOf(addDays(firstOf(asOf), -1)), 3)],
    };
    const none = { team: null, channel: null, campaign: null };
    for (const [name, range] of Object.entries(ranges)) {
      if (range && range[0] > range[1]) continue;
      queries.push({ name, query: overviewQueries(range, none, 'none').gmv_trend as CubeQuery });
    }
    for (const key of ['team', 'channel', 'campaign'] as const) {
      queries.push({ name: `last_12_months · ${key}`, query: buildGmvTrendQuery(ranges.last_12_months!, { ...none, [key]: slice![key] }) as CubeQuery });
    }
    // Bounds inside a day (not the page's): the hourly edges, whatever the role.
    const [from, to] = ranges.last_12_months!;
    const year = buildGmvTrendQuery(ranges.last_12_months!, none) as CubeQuery;
    const [time] = year.timeDimensions as unknown as Array<Record<string, unknown>>;
    queries.push({ name: 'last_12_months · inside a day', query: { ...year, timeDimensions: [{ ...time, dateRange: [`${from}T13:00:00.000`, `${to}T08:59:59.999`] }] } as unknown as CubeQuery });
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks the trend by month of the sales_trend view, by month', () => {
    for (const { name, query } of queries) {
      expect(JSON.stringify(query.measures), name).toBe(JSON.stringify([`${V}.gmv`]));
      expect((query.timeDimensions as Array<{ granularity: string }>)[0]!.granularity, name).toBe('month');
    }
  });

  it('answers each from siyu.sales_months and siyu.sales_hours, never the orders nor a rollup, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.sales_months\b/);
        if (name !== 'all') expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.sales_hours\b/);
        // Whole days and no employee filter: the edge months from the team day table (staff: their hours).
        if (name !== 'all' && !name.includes('inside') && who.role !== 'staff') expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.sales_team_months\b[^]*\bsiyu\.sales_team_days\b/);
        if (who.role === 'staff') expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.sales_team_(days|months)\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b|siyu_pre_aggregations/);
      }
    }
  });

  it('refuses a grouping by day or a second date filter on the view, with a clear message', async () => {
    const [exec] = people;
    const byDay = { measures: [`${V}.gmv`], timeDimensions: [{ dimension: `${V}.order_date`, granularity: 'day', dateRange: ranges.last_90_days }] };
    const filtered = { measures: [`${V}.gmv`], filters: [{ member: `${V}.order_date`, operator: 'inDateRange', values: ranges.last_90_days }] };
    expect(() => applyMonthTrend(byDay)).toThrow(/month, quarter or year, not by day/);
    expect(() => applyMonthTrend(filtered)).toThrow(/time dimension's date range/);
    expect(applyMonthTrend({ ...byDay, timeDimensions: [{ ...byDay.timeDimensions[0], granularity: 'quarter' }] })).toBeTruthy();
    // The team rows have no employee: employee and employee_id only as a top-level filter.
    const byMonth = { ...byDay, timeDimensions: [{ ...byDay.timeDimensions[0], granularity: 'month' }] };
    for (const m of ['employee', 'employee_id']) {
      await expect(exec!.api.load({ ...byMonth, dimensions: [`${V}.${m}`] })).rejects.toThrow(/\(400\)/);
    }
    const staffId = people.find((p) => p.who.role === 'staff')!.who.employeeId!;
    const [name] = await ctx.db.sql<{ name: string }[]>`SELECT name FROM siyu.employees WHERE id = ${staffId}`;
    const [own] = await ctx.db.sql<{ gmv: string | null }[]>`
      SELECT sum(amount) FILTER (WHERE status = 'paid')::text AS gmv FROM siyu.orders
      WHERE employee_id = ${staffId} AND (ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${ranges.last_90_days![0]}::date AND ${ranges.last_90_days![1]}::date`;
    const total = (rows: readonly Row[]): number => rows.reduce((a, r) => a + Number(r[`${V}.gmv`] ?? 0), 0);
    for (const filter of [{ member: `${V}.employee_id`, operator: 'equals', values: [String(staffId)] }, { member: `${V}.employee`, operator: 'equals', values: [name!.name] }]) {
      expect(total(await exec!.api.load({ ...byMonth, filters: [filter] })), filter.member).toBeCloseTo(Number(own!.gmv ?? 0), 2);
    }
    // Through the product: a 400 in its own words, no SQL nor stack.
    await expect(exec!.api.load(byDay)).rejects.toThrow(/\(400\): \{"error":"The query cannot be answered as asked/);
    await expect(exec!.api.load(filtered)).rejects.toThrow(/\(400\): \{"error":"The query cannot be answered as asked/);
  });

  const tableEqualsOrders = async (): Promise<void> => {
    const diff = await ctx.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        (SELECT month_start, channel_id, campaign_id, employee_id, orders, paid_orders, paid_amount FROM siyu.sales_months
         EXCEPT ALL
         SELECT date_trunc('month', ordered_at AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ}, channel_id, campaign_id, employee_id,
                count(*)::int, (count(*) FILTER (WHERE status = 'paid'))::int, coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0)
         FROM siyu.orders GROUP BY 1, 2, 3, 4)
        UNION ALL
        (SELECT date_trunc('month', ordered_at AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ}, channel_id, campaign_id, employee_id,
                count(*)::int, (count(*) FILTER (WHERE status = 'paid'))::int, coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0)
         FROM siyu.orders GROUP BY 1, 2, 3, 4
         EXCEPT ALL
         SELECT month_start, channel_id, campaign_id, employee_id, orders, paid_orders, paid_amount FROM siyu.sales_months)) AS d`;
    expect(diff[0]!.n).toBe(0);
    // The team month table (migration 054): the orders by business month at their employee's team now.
    const teams = await ctx.db.sql<{ n: number }[]>`
      WITH o AS (
        SELECT date_trunc('month', o.ordered_at AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ} AS m, o.channel_id, o.campaign_id, e.team_id,
               count(*)::int AS orders, (count(*) FILTER (WHERE o.status = 'paid'))::int AS paid, coalesce(sum(o.amount) FILTER (WHERE o.status = 'paid'), 0) AS amount
        FROM siyu.orders AS o LEFT JOIN siyu.employees AS e ON e.id = o.employee_id GROUP BY 1, 2, 3, 4
      ), t AS (SELECT month_start AS m, channel_id, campaign_id, team_id, orders, paid_orders AS paid, paid_amount AS amount FROM siyu.sales_team_months)
      SELECT count(*)::int AS n FROM ((SELECT * FROM t EXCEPT ALL SELECT * FROM o) UNION ALL (SELECT * FROM o EXCEPT ALL SELECT * FROM t)) AS d`;
    expect(teams[0]!.n).toBe(0);
  };

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), (rows) => comparable(rows),
      (q) => `${q.name} ${JSON.stringify(q.query.timeDimensions)}`);

  it('equals plain SQL on the orders for each role, as seeded', async () => {
    await tableEqualsOrders();
    await checkAll('as seeded');
    const rows = await people[0]!.api.load(queries.find((q) => q.name === 'last_12_months')!.query);
    expect(rows.length).toBeGreaterThanOrEqual(12);
  }, 240_000);

  it('still equals it after random writes around the ranges\' edges and a team move', async () => {
    const db = ctx.db.sql;
    const rnd = random(41);
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
    // Each range's first and last day and the days beside them, its edge months' first and last days, and the next
    // months' first days (where an edge month's hours end), today.
    const nextFirst = (day: string): string => addDays(`${addDays(`${day.slice(0, 7)}-01`, 31).slice(0, 7)}-01`, 0);
    const days = [...new Set(Object.values(ranges).flatMap((r) => (r
      ? [r[0], addDays(r[0], -1), `${r[0].slice(0, 7)}-01`, addDays(nextFirst(r[0]), -1), nextFirst(r[0]),
        r[1], addDays(r[1], 1), `${r[1].slice(0, 7)}-01`, addDays(nextFirst(r[1]), -1), nextFirst(r[1])]
      : [])))];
    const when = (): string => `${any([...days, asOf])} ${any(['00:00', '00:05', '13:30', '23:59:59'])}+08`;
    const mine = db`SELECT id FROM siyu.orders WHERE id >= ${first} ORDER BY random() LIMIT 1`;
    const order = () => ({
      id: next++, customer_id: any(customers), employee_id: rnd() < 0.1 ? null : any(employees), channel_id: any(channels),
      campaign_id: rnd() < 0.7 ? any(campaigns) : null, ordered_at: when(), amount: (1 + Math.floor(rnd() * 90000) / 100).toFixed(2),
      items: 1, category: 'core', status: rnd() < 0.85 ? 'paid' : 'refunded',
    });
    // One statement first: a paid order at the first and last instant of every such day.
    await db`INSERT INTO siyu.orders ${db(days.flatMap((day) => ['00:00', '23:59:59.999'].map((time) => ({ ...order(), ordered_at: `${day} ${time}+08`, status: 'paid' }))))}`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 120; step++) {
      const roll = rnd();
      const kind = roll < 0.3 ? 'insert' : roll < 0.36 ? 'insert many' : roll < 0.5 ? 'refund' : roll < 0.6 ? 'move channel' : roll < 0.68 ? 'move campaign'
        : roll < 0.78 ? 'move employee' : roll < 0.9 ? 'move time' : 'delete';
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
    await tableEqualsOrders();
    await checkAll('after random writes');
    const [before] = await db<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${staffMember.employeeId}`;
    const [other] = await db<{ id: number }[]>`SELECT id FROM siyu.teams WHERE id <> ${before!.team_id} ORDER BY (id = ${manager.teamId}) DESC, id LIMIT 1`;
    try {
      await db`UPDATE siyu.employees SET team_id = ${other!.id} WHERE id = ${staffMember.employeeId}`;
      await tableEqualsOrders();
      await checkAll('after a team move');
    } finally {
      await db`UPDATE siyu.employees SET team_id = ${before!.team_id} WHERE id = ${staffMember.employeeId}`;
    }
  }, 400_000);
});
