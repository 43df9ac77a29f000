/**
 * The big-screen's live sales tiles and the overview's GMV trend are answered
 * from the hourly sales table (migration 032, the sales_live view), not the
 * orders or their rollups, and equal plain SQL on the orders under every
 * role's row limits, before and after random writes: new, refunded and
 * deleted orders, channel, campaign and employee moves, and an employee moved
 * to another team.
 *
 * The queries are the pages' own (web/src/page-loads.ts, built with the pages'
 * query builders); the SQL is what Cube sends PostgreSQL for them under the
 * role's security context (`/v1/sql` on a Cube of the same model,
 * cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildCampaignListQuery } from '../../web/src/features/big-screen/campaigns.ts';
import { tilePages, type CubeQuery, type NamedQuery } from '../../web/src/page-loads.ts';
import { addDays } from '../../web/src/lib/date-range.ts';
import { random } from '../helpers/order-writes.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

/** The page queries that read the hourly sales table, by their name in the pages' page-queries.ts. */
const LIVE = ['campaign_sales', 'gmv_by_hour_today', 'gmv_by_hour_week_ago', 'leaderboard', 'gmv_trend'];
const USERS = ['exec', 'ops', 'manager', 'staff'];
const TZ = 'Asia/Shanghai';

type Row = Record<string, unknown>;
type Db = ReturnType<typeof useTestStack>['db'];

/** Rows as comparable text (every member but the ungrouped time), sorted unless ordered; numbers to 12 significant digits. */
function comparable(ordered: boolean) {
  return (rows: readonly Row[]): string[] => {
    const out = rows.map((row) => JSON.stringify(Object.keys(row).filter((k) => k !== 'sales_live.order_date').sort().map((k) => {
      const v = row[k];
      return [k, v === null || v === undefined ? null : /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(Number(v).toPrecision(12)) : v];
    })));
    return ordered ? out : out.sort();
  };
}

/** The same query as plain SQL on the orders, within the role's scope (docs/security.md: credited employee, or their team). */
async function independent(db: Db, who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const dims = (query.dimensions ?? []) as string[];
  const measures = (query.measures ?? []) as string[];
  const time = (query.timeDimensions as Array<{ granularity?: string; dateRange?: [string, string] }> | undefined)?.[0];
  const filters = (query.filters ?? []) as Array<{ member: string; operator: string; values?: string[] }>;
  const equals = (name: string): string | null => filters.find((f) => f.member === `sales_live.${name}` && f.operator === 'equals')?.values?.[0] ?? null;
  for (const f of filters) expect(['campaign', 'team', 'channel', 'employee'].map((m) => `sales_live.${m}`), JSON.stringify(f)).toContain(f.member);
  const employeeSet = filters.some((f) => f.member === 'sales_live.employee' && f.operator === 'set');
  const gran = time?.granularity ?? null;
  const byEmployee = dims.includes('sales_live.employee');
  const team = who.role === 'manager' ? who.teamId : null;
  const staff = who.role === 'staff' ? who.employeeId : null;
  const s = db.sql;
  const rows = await s<{ t: string | null; employee: string | null; team: string | null; gmv: string | null; orders: string }[]>`
    SELECT ${gran ? s`to_char(date_trunc(${gran}, o.ordered_at AT TIME ZONE ${TZ}), 'YYYY-MM-DD"T"HH24:MI:SS.000')` : s`NULL::text`} AS t,
           ${byEmployee ? s`e.name` : s`NULL::text`} AS employee, ${byEmployee ? s`tm.name` : s`NULL::text`} AS team,
           sum(o.amount) FILTER (WHERE o.status = 'paid') AS gmv, count(*) FILTER (WHERE o.status = 'paid') AS orders
    FROM siyu.orders AS o
    LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
    LEFT JOIN siyu.teams AS tm ON tm.id = e.team_id
    LEFT JOIN siyu.campaigns AS c ON c.id = o.campaign_id
    LEFT JOIN siyu.channels AS ch ON ch.id = o.channel_id
    WHERE (${time?.dateRange?.[0] ?? null}::date IS NULL
           OR (o.ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${time?.dateRange?.[0] ?? null}::date AND ${time?.dateRange?.[1] ?? null}::date)
      AND (${equals('campaign')}::text IS NULL OR c.name = ${equals('campaign')})
      AND (${equals('team')}::text IS NULL OR tm.name = ${equals('team')})
      AND (${equals('channel')}::text IS NULL OR ch.name = ${equals('channel')})
      AND (${employeeSet} = false OR e.name IS NOT NULL)
      AND (${team}::int IS NULL OR e.team_id = ${team}::int)
      AND (${staff}::int IS NULL OR o.employee_id = ${staff}::int)
    GROUP BY 1, 2, 3
    ORDER BY ${byEmployee ? s`4 DESC, 2 ASC` : s`1 ASC`}
    LIMIT ${query.limit ?? 100000}`;
  // Cube answers one row of nulls for a total over nothing, plain SQL none.
  const out = rows.length === 0 && dims.length === 0 && !gran ? [{ t: null, employee: null, team: null, gmv: null, orders: null as unknown as string }] : rows;
  return out.map((r) => ({
    ...(gran ? { [`sales_live.order_date.${gran}`]: r.t } : {}),
    ...(byEmployee ? { 'sales_live.employee': r.employee, 'sales_live.team': r.team } : {}),
    'sales_live.gmv': r.gmv,
    ...(measures.includes('sales_live.order_count') ? { 'sales_live.order_count': r.orders } : {}),
  }));
}

describe('the big-screen and the GMV trend from the hourly sales table', () => {
  const config = loadConfig();
  const ctx = useTestStack('sales_hours_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Awaited<ReturnType<typeof signInAll>> = [];
  let queries: NamedQuery[];
  let asOf: string;
  let campaign: string;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const [someone] = await ctx.api.load({ dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1 });
    const pages = tilePages({
      asOf, campaignRows: await ctx.api.load(buildCampaignListQuery() as CubeQuery), channel: '',
      team: String(someone!['staff_performance.team']), employeeId: Number(someone!['staff_performance.employee_id']),
    });
    // A 30-day trend by day, the whole brand's and one team's, as the overview asked it before migration 051 (the
    // overview now asks sales_day_trend: test/model/sales-day-trend.test.ts); the view still answers it.
    const trend = (team: string | null): CubeQuery => ({
      measures: ['sales_live.gmv'], filters: team === null ? [] : [{ member: 'sales_live.team', operator: 'equals', values: [team] }],
      timeDimensions: [{ dimension: 'sales_live.order_date', granularity: 'day', dateRange: [addDays(asOf, -29), asOf] }], order: { 'sales_live.order_date': 'asc' },
    });
    const more = [{ name: 'gmv_trend', query: trend(null) }, { name: 'gmv_trend', query: trend(String(someone!['staff_performance.team'])) }];
    queries = [...pages.filter((p) => p.page === 'big-screen' || p.page === 'overview').flatMap((p) => p.queries).filter((q) => q.name !== 'gmv_trend'), ...more]
      .filter((q) => LIVE.includes(q.name));
    const sales = queries.find((q) => q.name === 'campaign_sales')!.query;
    campaign = (sales.filters as Array<{ values: string[] }>)[0]!.values[0]!;
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks every live page query of the sales_live view', () => {
    expect([...new Set(queries.map((q) => q.name))].sort()).toEqual([...LIVE].sort());
    for (const { name, query } of queries) expect(JSON.stringify(query), name).not.toMatch(/sales_overview\./);
  });

  it('answers each from siyu.sales_hours, never the orders nor a rollup, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.sales_hours\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b|siyu_pre_aggregations/);
      }
    }
  });

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query),
      (rows) => comparable(false)(rows), (q) => `${q.name} ${JSON.stringify(q.query.timeDimensions ?? q.query.filters)}`);

  it('equals plain SQL on the orders for each role', async () => {
    await checkAll('as seeded');
    // Not all empty: the campaign sold today and over the year.
    const [exec] = people;
    const [total] = await exec!.api.load(queries.find((q) => q.name === 'campaign_sales')!.query);
    expect(Number(total!['sales_live.order_count'])).toBeGreaterThan(0);
    const board = await exec!.api.load(queries.find((q) => q.name === 'leaderboard')!.query);
    expect(board.length).toBeGreaterThan(2);
  }, 240_000);

  it('still equals it after random writes and a team move (the triggers, then Cube\'s refresh key)', async () => {
    const db = ctx.db.sql;
    const rnd = random(32);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [camp] = await db<{ id: number }[]>`SELECT id FROM siyu.campaigns WHERE name = ${campaign}`;
    const employees = [staffMember.employeeId!, ...(await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} ORDER BY id LIMIT 2`).map((r) => r.id)];
    const channels = (await db<{ id: number }[]>`SELECT id FROM siyu.channels ORDER BY id LIMIT 3`).map((r) => r.id);
    const customers = (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY id LIMIT 6`).map((r) => r.id);
    let next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
    const first = next;
    // Today and a week ago, in the campaign, around the hours.
    const when = (): string => `${any([asOf, asOf, addDays(asOf, -7), addDays(asOf, -3)])} ${any(['00:05', '09:59', '10:00', '13:30', '23:55'])}+08`;
    const mine = db`SELECT id FROM siyu.orders WHERE id >= ${first} ORDER BY random() LIMIT 1`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 60; step++) {
      const roll = rnd();
      const kind = roll < 0.35 ? 'insert' : roll < 0.5 ? 'refund' : roll < 0.6 ? 'move channel' : roll < 0.7 ? 'move campaign'
        : roll < 0.8 ? 'move employee' : roll < 0.88 ? 'move time' : 'delete';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      switch (kind) {
        case 'insert':
          await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
            VALUES (${next++}, ${any(customers)}, ${rnd() < 0.15 ? null : any(employees)}, ${any(channels)}, ${rnd() < 0.8 ? camp!.id : null}, ${when()},
                    ${(1 + Math.floor(rnd() * 90000) / 100).toFixed(2)}, 1, 'core', ${rnd() < 0.85 ? 'paid' : 'refunded'})`;
          break;
        case 'refund': await db`UPDATE siyu.orders SET status = CASE status WHEN 'paid' THEN 'refunded' ELSE 'paid' END WHERE id IN (${mine})`; break;
        case 'move channel': await db`UPDATE siyu.orders SET channel_id = ${any(channels)} WHERE id IN (${mine})`; break;
        case 'move campaign': await db`UPDATE siyu.orders SET campaign_id = ${rnd() < 0.5 ? camp!.id : null} WHERE id IN (${mine})`; break;
        case 'move employee': await db`UPDATE siyu.orders SET employee_id = ${any(employees)} WHERE id IN (${mine})`; break;
        case 'move time': await db`UPDATE siyu.orders SET ordered_at = ${when()} WHERE id IN (${mine})`; break;
        case 'delete': await db`DELETE FROM siyu.orders WHERE id IN (${mine})`; break;
      }
    }
    expect(Object.keys(kinds).length).toBe(7);
    await checkAll('after random writes');
    // The staff member moved into the manager's team: their orders follow them into the team's tiles.
    const [before] = await db<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${staffMember.employeeId}`;
    const [other] = await db<{ id: number }[]>`SELECT id FROM siyu.teams WHERE id <> ${before!.team_id} ORDER BY (id = ${manager.teamId}) DESC, id LIMIT 1`;
    try {
      await db`UPDATE siyu.employees SET team_id = ${other!.id} WHERE id = ${staffMember.employeeId}`;
      await checkAll('after a team move');
    } finally {
      await db`UPDATE siyu.employees SET team_id = ${before!.team_id} WHERE id = ${staffMember.employeeId}`;
    }
  }, 400_000);
});
