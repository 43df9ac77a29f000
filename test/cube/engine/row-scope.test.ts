/**
 * Each role sees exactly its rows. For every role and every metric of the
 * catalogue (sliced by the first dimension of its row), what the app answers
 * equals the independent SQL of test/helpers/independent-sql.ts run on the
 * tables narrowed to that role's scope, the way docs/security.md states it:
 * facts by the employee credited on the row (staff) or their team (manager),
 * customers by their owner. No slice outside the scope may appear.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue } from '../../../cube/tools/metric-catalogue.ts';
import { compare, independentSql, norm, num, PROFILE_SQL, RANGE, type Values } from '../../helpers/independent-sql.ts';
import { offeringView, TIME_DIMENSION_IDS } from '../../helpers/offering-view.ts';
import { one } from '../../helpers/database.ts';
import { useTestStack, type Client, type MetaResponse } from '../../helpers/stack.ts';

type Family = 'sales' | 'returns' | 'activity' | 'customers' | 'staff' | 'targets';

function familyOf(metric: string): Family {
  if (['target', 'achievement_rate', 'time_progress', 'forecast_achievement', 'bonus_earned'].includes(metric)) return 'targets';
  if (['spend', 'attributed_gmv', 'roi', 'cac'].includes(metric)) return 'returns';
  if (['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate', 'budget', 'budget_used'].includes(metric)) return 'activity';
  if (['customers', 'new_customers', 'referral_rate', 'ltv', 'churn_rate', 'repurchase_rate'].includes(metric)) return 'customers';
  if (['owned_customers', 'converted_customers', 'follow_ups', 'bookings', 'arrivals', 'arrival_rate'].includes(metric)) return 'staff';
  return 'sales';
}

/**
 * The scope rule per family, written as which rows of which table a person
 * with these employee ids may see (ids: theirs, or their team's).
 */
function restrictions(family: Family, ids: string): Record<string, string> {
  const credited = `employee_id IN (${ids})`;
  const owned = `owner_employee_id IN (${ids})`;
  switch (family) {
    case 'sales': return { orders: credited };
    // Acquisitions carry no employee: outside every team scope.
    case 'returns': return { campaign_spend: credited, orders: credited, customers: 'FALSE' };
    case 'activity': return { campaign_participations: credited };
    case 'customers': return { customers: owned, profile: owned };
    case 'staff': return { customers: owned, follow_ups: credited, appointments: credited };
    // An employee's targets by the employee; a team's target only to a scope that is the whole team (a manager).
    case 'targets': return {
      targets: `${credited} OR team_id IN (SELECT e.team_id FROM siyu.employees e WHERE e.id IN (${ids}) GROUP BY e.team_id
                 HAVING count(*) = (SELECT count(*) FROM siyu.employees m WHERE m.team_id = e.team_id))`,
    };
  }
}

/** The same SQL, reading the narrowed copies of the restricted tables. */
function scoped(sqlText: string, schema: string, restricted: Record<string, string>): string {
  return sqlText
    .replace(/\bsiyu\.([a-z_]+)\b(?!\s*\()/g, (whole, table: string) => (restricted[table] ? `${schema}.${table}` : whole))
    .replace(/\btest_expect\.profile\b/g, restricted.profile ? `${schema}.profile` : 'test_expect.profile');
}

const CLOSED_TO_TEAM_ROLES = new Set(['budget', 'budget_used']);

describe('row scope per role', () => {
  const catalogue = readCatalogue();
  const ctx = useTestStack('scope', { demoCustomers: 3000 });
  const people: Record<string, { client: Client; ids: string | null; meta: MetaResponse }> = {};

  beforeAll(async () => {
    await ctx.db.sql`CREATE SCHEMA test_expect`;
    await ctx.db.sql.unsafe(PROFILE_SQL);
    const [staff] = await ctx.db.sql<{ id: number }[]>`
      SELECT a.id FROM siyu.employees a
      WHERE a.role = 'advisor' AND a.active AND EXISTS (SELECT 1 FROM siyu.customers c WHERE c.owner_employee_id = a.id)
      ORDER BY a.id LIMIT 1`;
    const team = await ctx.db.sql<{ id: number }[]>`
      SELECT e.id FROM siyu.employees e WHERE e.team_id = (SELECT t.id FROM siyu.teams t ORDER BY t.id LIMIT 1)`;
    const scopes: Record<string, string | null> = {
      staff: String(staff!.id), manager: team.map((r) => r.id).join(','), exec: null, ops: null, admin: null,
    };
    for (const [username, ids] of Object.entries(scopes)) {
      const client = await ctx.stack.client(username);
      people[username] = { client, ids, meta: await client.meta() };
      if (!ids) continue;
      for (const family of ['sales', 'returns', 'activity', 'customers', 'staff', 'targets'] as const) {
        const schema = `scope_${username}_${family}`;
        await ctx.db.sql.unsafe(`CREATE SCHEMA ${schema}`);
        for (const [table, where] of Object.entries(restrictions(family, ids))) {
          const source = table === 'profile' ? 'test_expect.profile' : `siyu.${table}`;
          await ctx.db.sql.unsafe(`CREATE VIEW ${schema}.${table} AS SELECT * FROM ${source} WHERE ${where}`);
        }
      }
    }
  });

  for (const username of ['staff', 'manager', 'exec', 'ops', 'admin']) {
    it(`${username}: every metric by its first dimension equals SQL on ${username}'s scope`, async () => {
      const { client, ids, meta } = people[username]!;
      for (const metric of catalogue.metrics) {
        const dim = metric.sliceBy[0]!;
        if (ids && CLOSED_TO_TEAM_ROLES.has(metric.id)) {
          // Budgets are the brand's money: not in a team role's /meta, and refused as if they did not exist.
          expect(offeringView(meta, metric), metric.id).toBeUndefined();
          const refused = await client.request('POST', '/cubejs-api/v1/load', { query: { measures: [`activity_performance.${metric.id}`] } });
          expect(refused.status, metric.id).toBe(403);
          continue;
        }
        const offering = offeringView(meta, metric);
        expect(offering, `${username} is offered ${metric.id}`).toBeDefined();
        const member = offering!.member(dim);
        const isTime = TIME_DIMENSION_IDS.has(dim);
        const rows = await client.load({
          measures: [offering!.measure],
          dimensions: isTime ? [] : [member],
          timeDimensions: isTime ? [{ dimension: member, granularity: 'month', dateRange: RANGE }] : [],
          limit: 50_000,
        });
        const key = isTime ? `${member}.month` : member;
        const cube: Values = new Map(rows.map((r) => [norm(r[key]), num(r[offering!.measure])]));
        const text = independentSql(metric.id, dim);
        const expectedSql = ids ? scoped(text, `scope_${username}_${familyOf(metric.id)}`, restrictions(familyOf(metric.id), ids)) : text;
        const expected = await ctx.db.sql.unsafe<{ k: unknown; v: unknown }[]>(expectedSql);
        const sql: Values = new Map(expected.map((r) => [norm(r.k), num(r.v)]));
        compare(`${username}: ${metric.id} by ${dim}`, cube, sql);
      }
    });
  }

  it('a narrower scope really is narrower: staff and manager see part of what exec sees', async () => {
    const gmv = async (u: string): Promise<number> => Number((await people[u]!.client.load({ measures: ['sales_overview.gmv'] }))[0]!['sales_overview.gmv']);
    const [staff, manager, exec] = [await gmv('staff'), await gmv('manager'), await gmv('exec')];
    expect(staff).toBeGreaterThan(0);
    expect(staff).toBeLessThan(manager);
    expect(manager).toBeLessThan(exec);
  });

  it('lists no customer outside the scope, in the customer list, the drill lists or the customer 360', async () => {
    const { client, ids } = people.staff!;
    const [outside] = await ctx.db.sql<{ id: number; name: string }[]>`
      SELECT id, name FROM siyu.customers WHERE owner_employee_id NOT IN (${ctx.db.sql.unsafe(ids!)}) ORDER BY id LIMIT 1`;
    const byId = (view: string, dims: string[]) => client.load({ dimensions: dims.map((d) => `${view}.${d}`), filters: [{ member: `${view}.customer`, operator: 'equals', values: [String(outside!.id)] }] });
    expect(await byId('customer_insights', ['customer', 'customer_name', 'phone'])).toEqual([]);
    expect(await byId('sales_overview', ['customer', 'customer_name'])).toEqual([]);
    // Every customer a staff member can list is their own.
    const listed = await client.load({ dimensions: ['customer_insights.customer', 'customer_insights.owner_id'], limit: 50_000 });
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed.map((r) => String(r['customer_insights.owner_id'])))).toEqual(new Set([ids]));
    const { n } = one(await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers WHERE owner_employee_id = ${Number(ids)}`);
    expect(listed.length).toBe(n);
  });

  it('no filter, group, segment, ungrouped or total query widens the scope', async () => {
    const { client, ids } = people.staff!;
    const { n } = one(await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.customers WHERE owner_employee_id = ${Number(ids)}`);
    const count = async (extra: Record<string, unknown>): Promise<number> => {
      const body = await client.request<{ data?: Array<Record<string, string>>; total?: number }>('POST', '/cubejs-api/v1/load',
        { query: { measures: ['customer_insights.customers'], ...extra } });
      expect(body.status, JSON.stringify(extra)).toBe(200);
      return Number(body.body.data?.[0]?.['customer_insights.customers'] ?? 0);
    };
    expect(await count({})).toBe(n);
    expect(await count({ filters: [{ or: [{ member: 'customer_insights.owner_id', operator: 'notEquals', values: [ids!] }, { member: 'customer_insights.owner_id', operator: 'set' }] }] })).toBe(n);
    expect(await count({ filters: [{ member: 'customer_insights.owner_id', operator: 'notEquals', values: [ids!] }] })).toBe(0);
    expect(await count({ segments: ['customer_insights.high_value_slipping'] })).toBeLessThanOrEqual(n);
    expect(await count({ filters: [{ member: 'customer_insights.customers', operator: 'gt', values: ['0'] }] })).toBe(n);
    const ungrouped = await client.request('POST', '/cubejs-api/v1/load',
      { query: { dimensions: ['customer_insights.customer', 'customer_insights.owner_id'], ungrouped: true, limit: 50_000 } });
    expect(ungrouped.status).toBe(400);
    const listed = await client.request<{ data: unknown[]; total?: number }>('POST', '/cubejs-api/v1/load',
      { query: { dimensions: ['customer_insights.customer'], total: true, limit: 10 } });
    expect(listed.body.data.length).toBe(Math.min(10, n));
    expect(listed.body.total).toBe(n);
  });
});
