/**
 * The queries the orders' rollup by day answered (orders.sales_by_day, removed)
 * are answered from the daily sales table (migration 042, the `sales_daily`
 * view): the overview's GMV trend by day for 32-62 days, GMV and paid orders
 * by channel, campaign, employee, team and category with the average order
 * value, refund rate and per-capita GMV, the contests' and honours' GMV by
 * employee. Each reads the table, never the orders nor a rollup, so a write
 * rebuilds nothing; and equals plain SQL on the orders under every role's row
 * limits, as seeded, after random writes (new, refunded and deleted orders,
 * channel, campaign, employee, category and time moves, a statement of many
 * rows) and after an employee's team move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import { applyDayGrain } from '../../cube/engine/day-grain.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { addDays } from '../../web/src/lib/date-range.ts';
import { random } from '../helpers/order-writes.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { salesDayDifferences } from '../helpers/sales-days.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const TZ = 'Asia/Shanghai';
const V = 'sales_daily';
const MEASURES = ['gmv', 'order_count', 'avg_order_value', 'refund_rate', 'per_capita_gmv'];

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

/** Each dimension of the view as SQL on the orders and their dimension tables. */
const COLUMNS: Record<string, string> = {
  channel: 'ch.name', channel_type: 'ch.type', campaign: 'c.name', employee: 'e.name', employee_id: 'e.id', team: 'tm.name', team_id: 'tm.id', category: 'o.category',
};
const MEASURE_SQL: Record<string, string> = {
  gmv: `sum(o.amount) FILTER (WHERE o.status = 'paid')`,
  order_count: `count(*) FILTER (WHERE o.status = 'paid')`,
  avg_order_value: `sum(o.amount) FILTER (WHERE o.status = 'paid') / nullif(count(*) FILTER (WHERE o.status = 'paid'), 0)`,
  refund_rate: `(count(*) FILTER (WHERE o.status = 'refunded'))::numeric / nullif(count(*), 0)`,
  per_capita_gmv: `sum(o.amount) FILTER (WHERE o.status = 'paid') / nullif(count(DISTINCT o.employee_id) FILTER (WHERE o.status = 'paid'), 0)`,
};

/** The query as plain SQL on the orders, within the role's scope (credited employee, or their team). */
async function independent(db: Db, who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const time = (query.timeDimensions as Array<{ granularity?: string; dateRange?: [string, string] }> | undefined)?.[0];
  const dims = ((query.dimensions ?? []) as string[]).map((d) => d.slice(V.length + 1));
  const measures = ((query.measures ?? []) as string[]).map((m) => m.slice(V.length + 1));
  const filters = (query.filters ?? []) as Array<{ member: string; operator: string; values: string[] }>;
  const where = ['true'];
  const params: unknown[] = [];
  const param = (v: unknown): string => `$${params.push(v)}`;
  for (const f of filters) {
    expect(f.operator, JSON.stringify(f)).toBe('equals');
    where.push(`${COLUMNS[f.member.slice(V.length + 1)]!}::text = ${param(String(f.values[0]))}`);
  }
  if (who.role === 'manager') where.push(`e.team_id = ${param(who.teamId)}`);
  if (who.role === 'staff') where.push(`o.employee_id = ${param(who.employeeId)}`);
  if (time?.dateRange) where.push(`(o.ordered_at AT TIME ZONE '${TZ}')::date BETWEEN ${param(time.dateRange[0])}::date AND ${param(time.dateRange[1])}::date`);
  const select = [
    ...dims.map((d, i) => `${COLUMNS[d]!} AS d${i}`),
    ...(time?.granularity ? [`to_char(date_trunc('${time.granularity}', o.ordered_at AT TIME ZONE '${TZ}'), 'YYYY-MM-DD"T"HH24:MI:SS.000') AS t`] : []),
    ...measures.map((m, i) => `${MEASURE_SQL[m]!} AS m${i}`),
  ];
  const groups = [...dims.map((_, i) => i + 1), ...(time?.granularity ? [dims.length + 1] : [])];
  const rows = await db.sql.unsafe<Row[]>(`
    SELECT ${select.join(', ')}
    FROM siyu.orders AS o
    LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
    LEFT JOIN siyu.teams AS tm ON tm.id = e.team_id
    LEFT JOIN siyu.campaigns AS c ON c.id = o.campaign_id
    JOIN siyu.channels AS ch ON ch.id = o.channel_id
    WHERE ${where.join(' AND ')}
    ${groups.length ? `GROUP BY ${groups.join(', ')}` : ''}`, params as never[]);
  return rows.map((r) => Object.fromEntries([
    ...dims.map((d, i) => [`${V}.${d}`, r[`d${i}`]]),
    ...(time?.granularity ? [[`${V}.order_date.${time.granularity}`, r.t]] : []),
    ...measures.map((m, i) => [`${V}.${m}`, r[`m${i}`]]),
  ]));
}

describe('the sales overview by day from the daily sales table', () => {
  const config = loadConfig();
  const ctx = useTestStack('sales_daily_model', { demoCustomers: 1500 });
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
    // A GMV trend by day beyond a month (32 and 62 days), whole and cut by a team, channel or campaign, as the overview
    // asked it before migration 051 (it now asks sales_day_trend: test/model/sales-day-trend.test.ts).
    const none = { team: null, channel: null, campaign: null };
    const range32: [string, string] = [addDays(asOf, -31), asOf];
    const range62: [string, string] = [addDays(asOf, -61), asOf];
    const trend = (range: [string, string], slice: Record<string, string | null>): CubeQuery => ({
      measures: [`${V}.gmv`],
      filters: Object.entries(slice).filter(([, v]) => v !== null).map(([k, v]) => ({ member: `${V}.${k}`, operator: 'equals', values: [v!] })),
      timeDimensions: [{ dimension: `${V}.order_date`, granularity: 'day', dateRange: range }], order: { [`${V}.order_date`]: 'asc' },
    });
    queries.push({ name: 'gmv_trend 32 days', query: trend(range32, none) });
    for (const key of ['team', 'channel', 'campaign'] as const) {
      queries.push({ name: `gmv_trend 62 days · ${key}`, query: trend(range62, { ...none, [key]: slice![key] }) });
    }
    // Custom cuts of a year, every measure; the contests' and honours' GMV by employee and team over a month.
    const year: [string, string] = [addDays(asOf, -364), asOf];
    const measures = MEASURES.map((m) => `${V}.${m}`);
    for (const dims of [['channel', 'channel_type'], ['campaign'], ['employee_id', 'employee'], ['team_id', 'team'], ['category'], []]) {
      queries.push({ name: `year by ${dims.join('+') || 'nothing'}`, query: { measures, dimensions: dims.map((d) => `${V}.${d}`), timeDimensions: [{ dimension: `${V}.order_date`, dateRange: year }] } });
    }
    queries.push({ name: 'all time by category and month', query: { measures, dimensions: [`${V}.category`], timeDimensions: [{ dimension: `${V}.order_date`, granularity: 'month' }] } });
    queries.push({ name: 'contest gmv by team', query: { measures: [`${V}.gmv`], dimensions: [`${V}.team_id`, `${V}.team`], timeDimensions: [{ dimension: `${V}.order_date`, dateRange: [addDays(asOf, -29), asOf] }] } });
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('answers each from siyu.sales_days, never the orders nor a rollup, under every role', async () => {
    expect(queries[0]!.query.measures).toEqual([`${V}.gmv`]);
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.sales_days\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days|sales_hours)\b|siyu_pre_aggregations/);
      }
    }
  });

  it('refuses a grouping finer than a day, or a date cut inside a day, with a clear message', async () => {
    const [exec] = people;
    const byHour = { measures: [`${V}.gmv`], timeDimensions: [{ dimension: `${V}.order_date`, granularity: 'hour', dateRange: [asOf, asOf] }] };
    const partial = { measures: [`${V}.gmv`], timeDimensions: [{ dimension: `${V}.order_date`, dateRange: [`${asOf}T10:00:00`, `${asOf}T23:59:59`] }] };
    const after = { measures: [`${V}.gmv`], filters: [{ member: `${V}.order_date`, operator: 'afterDate', values: [asOf] }] };
    expect(() => applyDayGrain(byHour)).toThrow(/not by hour/);
    expect(() => applyDayGrain(partial)).toThrow(/whole days/);
    expect(() => applyDayGrain(after)).toThrow(/last instant/);
    expect(applyDayGrain({ ...byHour, timeDimensions: [{ ...byHour.timeDimensions[0], granularity: 'week' }] })).toBeTruthy();
    // Through the product: a 400 in its own words, no SQL nor stack.
    for (const q of [byHour, partial, after]) await expect(exec!.api.load(q)).rejects.toThrow(/\(400\): \{"error":"The query cannot be answered as asked/);
  });

  const checkAll = async (label: string): Promise<void> => {
    expect(await salesDayDifferences(ctx.db.sql), label).toEqual([]);
    await expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), (rows) => comparable(rows),
      (q) => `${q.name} ${JSON.stringify(q.query.timeDimensions)}`);
  };

  it('equals plain SQL on the orders for each role, as seeded', async () => {
    await checkAll('as seeded');
    const rows = await people[0]!.api.load(queries[0]!.query);
    expect(rows.length).toBeGreaterThanOrEqual(25);
  }, 300_000);

  it('still equals it after random writes and a team move', async () => {
    const db = ctx.db.sql;
    const rnd = random(43);
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
    // The ranges' first days and the days before them, today, and days inside, at midnight's edges.
    const days = [asOf, addDays(asOf, -31), addDays(asOf, -32), addDays(asOf, -61), addDays(asOf, -62), addDays(asOf, -364), addDays(asOf, -365), addDays(asOf, -5)];
    const when = (): string => `${any(days)} ${any(['00:00', '00:05', '13:30', '23:59:59'])}+08`;
    const mine = db`SELECT id FROM siyu.orders WHERE id >= ${first} ORDER BY random() LIMIT 1`;
    const order = () => ({
      id: next++, customer_id: any(customers), employee_id: rnd() < 0.1 ? null : any(employees), channel_id: any(channels),
      campaign_id: rnd() < 0.7 ? any(campaigns) : null, ordered_at: when(), amount: (1 + Math.floor(rnd() * 90000) / 100).toFixed(2),
      items: 1 + Math.floor(rnd() * 3), category: any(['traffic', 'core', 'premium']), status: rnd() < 0.85 ? 'paid' : 'refunded',
    });
    await db`INSERT INTO siyu.orders ${db(days.flatMap((day) => ['00:00', '23:59:59.999'].map((time) => ({ ...order(), ordered_at: `${day} ${time}+08`, status: 'paid' }))))}`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 120; step++) {
      const roll = rnd();
      const kind = roll < 0.28 ? 'insert' : roll < 0.34 ? 'insert many' : roll < 0.46 ? 'refund' : roll < 0.55 ? 'move channel' : roll < 0.63 ? 'move campaign'
        : roll < 0.72 ? 'move employee' : roll < 0.8 ? 'move category' : roll < 0.9 ? 'move time' : 'delete';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      switch (kind) {
        case 'insert': await db`INSERT INTO siyu.orders ${db(order())}`; break;
        case 'insert many': await db`INSERT INTO siyu.orders ${db([order(), order(), order(), order()])}`; break;
        case 'refund': await db`UPDATE siyu.orders SET status = CASE status WHEN 'paid' THEN 'refunded' ELSE 'paid' END WHERE id IN (${mine})`; break;
        case 'move channel': await db`UPDATE siyu.orders SET channel_id = ${any(channels)} WHERE id IN (${mine})`; break;
        case 'move campaign': await db`UPDATE siyu.orders SET campaign_id = ${rnd() < 0.5 ? any(campaigns) : null} WHERE id IN (${mine})`; break;
        case 'move employee': await db`UPDATE siyu.orders SET employee_id = ${any(employees)} WHERE id IN (${mine})`; break;
        case 'move category': await db`UPDATE siyu.orders SET category = ${any(['traffic', 'core', 'premium'])} WHERE id IN (${mine})`; break;
        case 'move time': await db`UPDATE siyu.orders SET ordered_at = ${when()} WHERE id IN (${mine})`; break;
        case 'delete': await db`DELETE FROM siyu.orders WHERE id IN (${mine})`; break;
      }
    }
    expect(Object.keys(kinds).length).toBe(9);
    await checkAll('after random writes');
    const [before] = await db<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${staffMember.employeeId}`;
    const [other] = await db<{ id: number }[]>`SELECT id FROM siyu.teams WHERE id <> ${before!.team_id} ORDER BY (id = ${manager.teamId}) DESC, id LIMIT 1`;
    try {
      await db`UPDATE siyu.employees SET team_id = ${other!.id} WHERE id = ${staffMember.employeeId}`;
      await checkAll('after a team move');
    } finally {
      await db`UPDATE siyu.employees SET team_id = ${before!.team_id} WHERE id = ${staffMember.employeeId}`;
    }
  }, 500_000);
});
