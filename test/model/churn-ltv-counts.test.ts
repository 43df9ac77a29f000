/**
 * The overview's churn and LTV tiles (every role; the brand's since the churn list moved, docs/performance.md) from the
 * stored classification counts by owner (segment_counts, migration 039)
 * instead of every owned customer's classification row (customer_insights):
 * under exec, ops, manager and staff, uncut and cut by the owner's team and
 * by the source channel, as seeded and after random writes (orders of every
 * kind, owner changes, team moves), the tile equals plain SQL on the
 * classification computed afresh (siyu.customer_classification(as-of)) over
 * the customers the role owns; a team role's tile reads the counts table,
 * never the classification rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { asCustomerInsightsRow } from '../../web/src/features/overview/kpis/build-query.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import type { KpiSlice } from '../../web/src/features/overview/kpis/build-query.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { randomWritesWithMoves } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
/** Ratios to 10 significant digits (the same sums divided, in another order). */
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(Number(v).toPrecision(10)));

describe('churn and LTV tiles of the team roles from the classification counts', () => {
  const config = loadConfig();
  const ctx = useTestStack('churn_ltv_counts', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let asOf: string;
  const slices: KpiSlice[] = [{ team: null, channel: null, campaign: null }];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const { team } = one(await ctx.db.sql<{ team: string }[]>`SELECT name AS team FROM siyu.teams WHERE id = ${manager.teamId!}`);
    const { channel } = one(await ctx.db.sql<{ channel: string }[]>`
      SELECT ch.name AS channel FROM siyu.customers c JOIN siyu.channels ch ON ch.id = c.source_channel_id GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
    slices.push({ team, channel: null, campaign: null }, { team: null, channel, campaign: null });
  }, 240_000);
  afterAll(async () => probe?.stop());

  const limited = (who: SecurityContext): boolean => who.role === 'staff' || who.role === 'manager';
  const queryOf = (who: SecurityContext, slice: KpiSlice): CubeQuery => overviewQueries(null, slice, 'none', null, asOf, limited(who)).churn_ltv as CubeQuery;

  /** Plain SQL on the classification computed afresh: the role's owned customers in the slice. */
  async function independent(who: SecurityContext, slice: KpiSlice): Promise<{ churn: number | null; ltv: number | null }> {
    const staff = who.role === 'staff' ? who.employeeId : null;
    const team = who.role === 'manager' ? who.teamId : null;
    const row = one(await ctx.db.sql<{ churn: string | null; ltv: string | null }[]>`
      SELECT (count(*) FILTER (WHERE f.paid_orders > 0 AND f.recency_days > 120))::numeric / NULLIF(count(*) FILTER (WHERE f.paid_orders > 0), 0) AS churn,
             sum(f.paid_amount) FILTER (WHERE f.paid_orders > 0) / NULLIF(count(*) FILTER (WHERE f.paid_orders > 0), 0) AS ltv
      FROM siyu.customer_classification(siyu.as_of()) AS f
      JOIN siyu.customers AS c ON c.id = f.customer_id
      LEFT JOIN siyu.employees AS e ON e.id = c.owner_employee_id
      LEFT JOIN siyu.teams AS t ON t.id = e.team_id
      LEFT JOIN siyu.channels AS ch ON ch.id = c.source_channel_id
      WHERE (${staff}::int IS NULL OR c.owner_employee_id = ${staff}::int) AND (${team}::int IS NULL OR e.team_id = ${team}::int)
        AND (${slice.team}::text IS NULL OR t.name = ${slice.team}::text) AND (${slice.channel}::text IS NULL OR ch.name = ${slice.channel}::text)`);
    return { churn: num(row.churn), ltv: num(row.ltv) };
  }

  async function tile(person: Person, slice: KpiSlice): Promise<{ churn: number | null; ltv: number | null }> {
    const row = asCustomerInsightsRow((await person.api.load(queryOf(person.who, slice)))[0]);
    return { churn: num(row?.['customer_insights.churn_rate']), ltv: num(row?.['customer_insights.ltv']) };
  }

  async function checkAll(label: string): Promise<void> {
    for (const person of people) {
      for (const slice of slices) {
        const expected = await independent(person.who, slice);
        await expect.poll(() => tile(person, slice), { timeout: 20_000, interval: 500, message: `${label} · ${person.who.role} · ${JSON.stringify(slice)}` })
          .toEqual(expected);
      }
    }
  }

  it('reads the classification counts for a team role', async () => {
    for (const { who } of people) {
      for (const slice of slices) {
        const sql = await probe.sql(who, queryOf(who, slice));
        // Every role's, the brand's too (its lists' counts read the same rows: test/model/drill-churn-kept.test.ts).
        expect(sql, `${who.role} ${JSON.stringify(slice)}`).toMatch(/\bsiyu\.classification_counts\b/);
        expect(sql, `${who.role} ${JSON.stringify(slice)}`).not.toMatch(/\bsiyu\.classification_now\b/);
      }
    }
    // Cut by a campaign (its participants): customer_insights, as before.
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    expect(JSON.stringify(queryOf(staff, { team: null, channel: null, campaign: 'x' }))).toContain('customer_insights.');
  }, 120_000);

  it('equals plain SQL on the classification under every role, uncut and cut', async () => {
    await checkAll('as seeded');
  }, 300_000);

  it('still does after random writes, owner changes and team moves', async () => {
    const db = ctx.db.sql;
    const pick = async (sql: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(sql)).map((r) => r.id);
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const ids = {
      customers: [
        ...(await pick(`SELECT id FROM siyu.customers WHERE owner_employee_id = ${staff.employeeId} ORDER BY id LIMIT 3`)),
        ...(await pick(`SELECT c.id FROM siyu.customers c JOIN siyu.employees e ON e.id = c.owner_employee_id WHERE e.team_id = ${manager.teamId} ORDER BY c.id DESC LIMIT 3`)),
        ...(await pick('SELECT id FROM siyu.customers ORDER BY id LIMIT 6')),
      ],
      channels: await pick('SELECT id FROM siyu.channels ORDER BY id LIMIT 4'),
      campaigns: await pick('SELECT id FROM siyu.campaigns ORDER BY id LIMIT 4'),
      employees: [staff.employeeId!, ...(await pick(`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} AND id <> ${manager.employeeId ?? -1} ORDER BY id LIMIT 3`))],
    };
    const teams = await pick('SELECT id FROM siyu.teams ORDER BY id LIMIT 3');
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    const kinds = await randomWritesWithMoves(db, { seed: 51, ids, teams, next, steps: 60, check: async () => {} });
    expect(kinds['team move'], 'team moves among the writes').toBeGreaterThan(0);
    await checkAll('after the random writes');
  }, 600_000);
});
