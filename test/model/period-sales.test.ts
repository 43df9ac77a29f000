/**
 * The sales tiles of the date presets are answered from the period table
 * (migration 018, the sales_periods view), one stored row per answer, and
 * equal plain SQL on the orders under every role's row limits, as seeded and
 * after new, refunded, moved and deleted orders. A custom range stays on the
 * customer-day table.
 *
 * The queries are the pages' own builders'; the SQL is what Cube sends
 * PostgreSQL for them under the role's security context (`/v1/sql` on a Cube
 * of the same model, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { buildStaffSalesQuery } from '../../web/src/features/staff/team-leaderboard/build-query.ts';
import { addDays, dateRangeFor, presetPeriodKey, type RangePreset } from '../../web/src/lib/date-range.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { presetSlices } from '../helpers/period-sales.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const PRESETS: RangePreset[] = ['last_30_days', 'this_month', 'today', 'last_12_months', 'all'];

type Row = Record<string, unknown>;
type Named = { name: string; query: CubeQuery };

/** Rows as comparable text under sales_buyers' names, sorted; numbers to 12 significant digits. */
function comparable(rows: readonly Row[], members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => {
    const v = row[m];
    return v === null || v === undefined ? null : /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(Number(v).toPrecision(12)) : v;
  }))).sort();
}

/** The query as plain SQL on the orders within the role's scope (credited employee, or their team), over the period's days. */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const dims = (query.dimensions ?? []) as string[];
  const filters = (query.filters ?? []) as Array<{ member: string; values: string[] }>;
  const value = (name: string): string | null => filters.find((f) => f.member === `sales_periods.${name}`)?.values[0] ?? null;
  const period = value('period')!;
  const [from, to] = period === 'all' ? [null, null] : period.split('..');
  const byTeam = dims.includes('sales_periods.team');
  const byEmployee = dims.includes('sales_periods.employee');
  const manager = who.role === 'manager' ? who.teamId : null;
  const staff = who.role === 'staff' ? who.employeeId : null;
  const rows = await db.sql<{ team: string | null; employee: string | null; employee_id: number | null; gmv: string | null; buyers: string; spb: string | null }[]>`
    SELECT ${byTeam ? db.sql`t.name` : db.sql`NULL::text`} AS team,
           ${byEmployee ? db.sql`e.name` : db.sql`NULL::text`} AS employee,
           ${byEmployee ? db.sql`e.id` : db.sql`NULL::int`} AS employee_id,
           sum(o.amount) AS gmv, count(DISTINCT o.customer_id) AS buyers,
           sum(o.amount) / NULLIF(count(DISTINCT o.customer_id), 0) AS spb
    FROM siyu.orders AS o
    LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
    LEFT JOIN siyu.teams AS t ON t.id = e.team_id
    LEFT JOIN siyu.channels AS ch ON ch.id = o.channel_id
    LEFT JOIN siyu.campaigns AS ca ON ca.id = o.campaign_id
    WHERE o.status = 'paid'
      AND (${from}::date IS NULL OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date)
      AND (${value('team')}::text IS NULL OR t.name = ${value('team')})
      AND (${value('channel')}::text IS NULL OR ch.name = ${value('channel')})
      AND (${value('campaign')}::text IS NULL OR ca.name = ${value('campaign')})
      AND (${manager}::int IS NULL OR e.team_id = ${manager}::int)
      AND (${staff}::int IS NULL OR o.employee_id = ${staff}::int)
    GROUP BY 1, 2, 3`;
  // Cube answers one row of nulls (and zero buyers) for a total over nothing, plain SQL none.
  const out = rows.length === 0 && dims.length === 0 ? [{ team: null, employee: null, employee_id: null, gmv: null, buyers: '0', spb: null }] : rows;
  return out.map((r) => ({
    'sales_periods.team': r.team, 'sales_periods.employee': r.employee, 'sales_periods.employee_id': r.employee_id === null ? null : String(r.employee_id),
    'sales_periods.gmv': r.gmv, 'sales_periods.buyers': r.buyers, 'sales_periods.spend_per_buyer': r.spb,
  }));
}

describe('preset sales tiles from the period table', () => {
  const config = loadConfig();
  const ctx = useTestStack('period_sales_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let queries: Named[];
  let custom: Named[];
  let asOf: string;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const { team } = (await ctx.db.sql<{ team: string }[]>`SELECT name AS team FROM siyu.teams WHERE id = ${manager.teamId}`)[0]!;
    const slices = await presetSlices(ctx.db.sql, team);
    queries = [];
    for (const preset of PRESETS) {
      const range = dateRangeFor(preset, asOf);
      slices.forEach((slice, i) => {
        const q = overviewQueries(range, slice, 'both', null, asOf);
        for (const name of ['sales_kpis', 'sales_kpis_mom', 'sales_kpis_yoy'] as const) {
          if (q[name]) queries.push({ name: `${preset} ${name} slice ${i}`, query: q[name] as CubeQuery });
        }
      });
      const period = presetPeriodKey(range, asOf);
      queries.push({ name: `${preset} staff by team`, query: buildStaffSalesQuery('team', range, null, period) as CubeQuery });
      queries.push({ name: `${preset} staff by employee`, query: buildStaffSalesQuery('employee', range, team, period) as CubeQuery });
    }
    const odd: [string, string] = [addDays(asOf, -40), addDays(asOf, -3)];
    custom = [
      { name: 'custom range', query: overviewQueries(odd, slices[0]!, 'none', null, asOf).sales_kpis as CubeQuery },
      { name: 'custom staff by team', query: buildStaffSalesQuery('team', odd, null, presetPeriodKey(odd, asOf)) as CubeQuery },
    ];
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('asks the period table for every preset range and its comparisons, the sales paid-day table for a custom range', () => {
    expect(queries.length).toBeGreaterThan(50);
    for (const { name, query } of queries) expect(JSON.stringify(query), name).toMatch(/"sales_periods\.gmv"/);
    // Not the customer-day table since migration 038: the sales paid-day table (test/model/sales-range.test.ts).
    for (const { name, query } of custom) expect(JSON.stringify(query), name).toMatch(/"sales_range\.gmv"/);
  });

  it('answers each from one stored row per group of siyu.period_sales, under every role', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        expect(sql, `${who.role} · ${name}`).toMatch(/\bsiyu\.period_sales\b/);
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b/);
        expect(sql, `${who.role} · ${name}`).toMatch(/slice/);
      }
    }
  }, 240_000);

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), comparable);

  it('equals plain SQL on the orders for each role', async () => {
    await checkAll('as seeded');
    const [total] = await people[0]!.api.load(queries.find((q) => q.name === 'last_12_months sales_kpis slice 0')!.query);
    expect(Number(total!['sales_periods.buyers'])).toBeGreaterThan(10);
  }, 600_000);

  it('still equals it after new, refunded, moved and deleted orders', async () => {
    const db = ctx.db.sql;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const next = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next;
    const [teamMate] = await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} ORDER BY id LIMIT 1`;
    const fresh = await db<{ id: number }[]>`SELECT id FROM siyu.customers AS c WHERE NOT EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id) ORDER BY id LIMIT 3`;
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      SELECT ${next} + n, (${fresh.map((c) => c.id)}::int[])[n + 1], (ARRAY[${staffMember.employeeId}, ${teamMate!.id}, NULL]::int[])[n + 1],
             (SELECT min(id) FROM siyu.channels), NULL, (${asOf}::date + time '10:00') AT TIME ZONE 'Asia/Shanghai', 100.50 + n, 1, 'core', 'paid'
      FROM generate_series(0, 2) AS n`;
    await checkAll('after three new orders');
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${next}`;
    await db`UPDATE siyu.orders SET employee_id = ${staffMember.employeeId} WHERE id = ${next + 1}`;
    await db`DELETE FROM siyu.orders WHERE id = ${next + 2}`;
    await checkAll('after a refund, a move to another employee and a delete');
  }, 900_000);
});
