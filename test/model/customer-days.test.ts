/**
 * The distinct-buyer tiles rerouted to the customer-day table (migration 013,
 * the sales_buyers view) are answered from that table, not the orders, and
 * equal plain SQL on the orders under every role's row limits, before and
 * after new, refunded, moved and deleted orders.
 *
 * The queries are the pages' own (web/src/page-loads.ts, built with the pages' query
 * builders); the SQL is what Cube sends PostgreSQL for them under the role's
 * security context (`/v1/sql` on a Cube of the same model, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { Client } from '../../cube/tools/api-client.ts';
import type { CubeQuery, NamedQuery, PageContext } from '../../web/src/page-loads.ts';
import { staffQueries } from '../../web/src/features/staff/page-queries.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { addDays, dateRangeFor, DEFAULT_RANGE } from '../../web/src/lib/date-range.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

/** The page queries that read the customer-day table, by their name in the pages' page-queries.ts. */
const REROUTED = [
  'sales_kpis', 'sales_kpis_mom', 'sales_kpis_yoy', 'sales_by_team', 'sales_by_employee', 'employee_sales',
  'repurchase', 'repurchase_mom', 'repurchase_yoy',
];
const USERS = ['exec', 'ops', 'manager', 'staff'];

type Row = Record<string, unknown>;

/** Rows as comparable text, sorted; numbers to 12 significant digits; members by their name in the view. */
function comparable(rows: readonly Row[], members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => {
    const v = row[m];
    return v === null || v === undefined ? null : /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(Number(v).toPrecision(12)) : v;
  }))).sort();
}

/**
 * The repurchase rate as plain SQL on the orders, within the role's scope
 * (docs/security.md: the customer's owner, or the owner's team): repeat
 * buyers (two or more paid orders in the range) over buyers.
 */
async function repurchase(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const range = (query.timeDimensions as Array<{ dateRange?: [string, string] }> | undefined)?.[0]?.dateRange ?? null;
  expect(query.filters ?? []).toEqual([]);
  const team = who.role === 'manager' ? who.teamId : null;
  const owner = who.role === 'staff' ? who.employeeId : null;
  const [row] = await db.sql<{ rate: string | null }[]>`
    SELECT count(*) FILTER (WHERE n >= 2)::numeric / NULLIF(count(*), 0) AS rate
    FROM (
      SELECT o.customer_id, count(*) AS n
      FROM siyu.orders AS o
      JOIN siyu.customers AS c ON c.id = o.customer_id
      LEFT JOIN siyu.employees AS ow ON ow.id = c.owner_employee_id
      WHERE o.status = 'paid'
        AND (${range?.[0] ?? null}::date IS NULL OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${range?.[0] ?? null}::date AND ${range?.[1] ?? null}::date)
        AND (${team}::int IS NULL OR ow.team_id = ${team}::int)
        AND (${owner}::int IS NULL OR c.owner_employee_id = ${owner}::int)
      GROUP BY o.customer_id
    ) AS buyers`;
  return [{ [(query.measures as string[])[0]!]: row!.rate }];
}

/** The same query as plain SQL on the orders, within the role's scope (docs/security.md: credited employee, or their team). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  if (/(buyer_repurchase|repurchase_buyers)\./.test(JSON.stringify(query.measures))) return repurchase(db, who, query);
  const dims = (query.dimensions ?? []) as string[];
  const range = (query.timeDimensions as Array<{ dateRange?: [string, string] }> | undefined)?.[0]?.dateRange ?? null;
  const filters = (query.filters ?? []) as Array<{ member: string; values: string[] }>;
  // sales_buyers, or sales_range (the sales paid-day table, migration 038) for a range not cut by a channel or campaign.
  const view = (query.measures as string[])[0]!.split('.')[0]!;
  const team = filters.find((f) => f.member === `${view}.team`)?.values[0] ?? null;
  const employee = filters.find((f) => f.member === `${view}.employee_id`)?.values[0] ?? null;
  const byTeam = dims.includes(`${view}.team`);
  const byEmployee = dims.includes(`${view}.employee`);
  const rows = await db.sql<{ team: string | null; employee: string | null; employee_id: number | null; gmv: string | null; buyers: string; spb: string | null }[]>`
    SELECT ${byTeam ? db.sql`t.name` : db.sql`NULL::text`} AS team,
           ${byEmployee ? db.sql`e.name` : db.sql`NULL::text`} AS employee,
           ${byEmployee ? db.sql`e.id` : db.sql`NULL::int`} AS employee_id,
           sum(o.amount) AS gmv, count(DISTINCT o.customer_id) AS buyers,
           sum(o.amount) / NULLIF(count(DISTINCT o.customer_id), 0) AS spb
    FROM siyu.orders AS o
    LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    WHERE o.status = 'paid'
      AND (${range?.[0] ?? null}::date IS NULL OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${range?.[0] ?? null}::date AND ${range?.[1] ?? null}::date)
      AND (${team}::text IS NULL OR t.name = ${team})
      AND (${employee}::int IS NULL OR o.employee_id = ${employee}::int)
      AND (${who.role === 'manager' ? who.teamId : null}::int IS NULL OR e.team_id = ${who.role === 'manager' ? who.teamId : null}::int)
      AND (${who.role === 'staff' ? who.employeeId : null}::int IS NULL OR o.employee_id = ${who.role === 'staff' ? who.employeeId : null}::int)
    GROUP BY 1, 2, 3`;
  // Cube answers one row of nulls and zeros for a total over nothing, plain SQL none.
  const out = rows.length === 0 && dims.length === 0 ? [{ team: null, employee: null, employee_id: null, gmv: null, buyers: '0', spb: null }] : rows;
  return out.map((r) => ({
    [`${view}.team`]: r.team, [`${view}.employee`]: r.employee, [`${view}.employee_id`]: r.employee_id === null ? null : String(r.employee_id),
    [`${view}.gmv`]: r.gmv, [`${view}.buyers`]: r.buyers, [`${view}.spend_per_buyer`]: r.spb,
  }));
}

describe('distinct buyers from the customer-day table', () => {
  const config = loadConfig();
  const ctx = useTestStack('customer_days_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Array<{ who: SecurityContext; api: Client }> = [];
  let queries: NamedQuery[];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const [someone] = await ctx.api.load({
      dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1,
    });
    const page: PageContext = {
      asOf, campaignRows: [], channel: '',
      team: String(someone!['staff_performance.team']), employeeId: Number(someone!['staff_performance.employee_id']),
    };
    // The overview's default 12 months ask no 环比 (it would be the 同比's period); 30 days ask both.
    const last30 = Object.entries(overviewQueries([addDays(asOf, -29), asOf], { team: null, channel: null, campaign: null }, 'both'))
      .flatMap(([name, query]) => (query && name.endsWith('_mom') ? [{ name, query: query as CubeQuery }] : []));
    // As the pages ask them for a custom range: a preset's range is the period table's (test/model/period-sales.test.ts).
    const range = dateRangeFor(DEFAULT_RANGE, asOf);
    const custom = (all: Record<string, unknown>): NamedQuery[] =>
      Object.entries(all).flatMap(([name, query]) => (query && typeof query === 'object' && 'measures' in query ? [{ name, query: query as CubeQuery }] : []));
    queries = [
      ...custom(overviewQueries(range, { team: null, channel: null, campaign: null }, 'both')), ...last30,
      ...custom(staffQueries(range, page.team, page.employeeId)),
    ].filter((q) => REROUTED.includes(q.name));
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks every rerouted page query of the sales_buyers or buyer_repurchase view', () => {
    expect(queries.map((q) => q.name).sort()).toEqual([...REROUTED].sort());
    for (const { name, query } of queries) expect(JSON.stringify(query), name).not.toMatch(/sales_overview\.|customer_insights\./);
  });

  // The repurchase rate not cut by a channel or campaign: the customer paid-day table kept from it (migration 036); the
  // sales tiles not cut by them: the sales paid-day table (migration 038).
  it('answers each from siyu.customer_days (or its paid days), never the orders, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.(customer_days|customer_paid_days|sales_paid_days)\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders)\b/);
      }
    }
  });

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), comparable);

  it('equals plain SQL on the orders for each role', async () => {
    await checkAll('as seeded');
    // The buyers are not all zero: each role sees some.
    const [exec] = people;
    const [total] = await exec!.api.load(queries.find((q) => q.name === 'sales_kpis')!.query);
    expect(Number(total!['sales_range.buyers'])).toBeGreaterThan(10);
    const [rate] = await exec!.api.load(queries.find((q) => q.name === 'repurchase')!.query);
    expect(Number(rate!['repurchase_buyers.repurchase_rate'])).toBeGreaterThan(0.05);
  }, 240_000);

  it('still equals it after new, refunded, moved and deleted orders (the triggers, then Cube\'s refresh key)', async () => {
    const db = ctx.db.sql;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
    const [teamMate] = await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} ORDER BY id LIMIT 1`;
    // Customers with no order on the as-of day, so each write changes the buyers.
    const fresh = await db<{ id: number }[]>`SELECT id FROM siyu.customers AS c WHERE NOT EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id) ORDER BY id LIMIT 3`;
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      SELECT ${next} + n, (${fresh.map((c) => c.id)}::int[])[n + 1], (ARRAY[${staffMember.employeeId}, ${teamMate!.id}, NULL]::int[])[n + 1],
             (SELECT min(id) FROM siyu.channels), NULL, (${asOf}::date + time '10:00') AT TIME ZONE 'Asia/Shanghai', 100.50 + n, 1, 'core', 'paid'
      FROM generate_series(0, 2) AS n`;
    // A second order of the first customer on the same day, channel and employee: one customer-day row
    // holding two orders, a repeat buyer only if the rows' counts are added up, not the rows counted.
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      SELECT ${next + 3}, customer_id, employee_id, channel_id, campaign_id, ordered_at + interval '1 hour', 12.30, 1, 'core', 'paid'
      FROM siyu.orders WHERE id = ${next}`;
    await checkAll('after four new orders');
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${next}`;
    await db`UPDATE siyu.orders SET employee_id = ${staffMember.employeeId} WHERE id = ${next + 1}`;
    await db`DELETE FROM siyu.orders WHERE id = ${next + 2}`;
    await checkAll('after a refund, a move to another employee and a delete');
  }, 300_000);
});
