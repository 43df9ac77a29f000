/**
 * Row scope by attribute (issue 21): on a fact view, any member describing
 * the customer limits the rows to customers the scope owns. Generated from
 * the rule table and Cube's /meta, so a member added to a view is covered
 * without touching this file: for staff and manager, every fact view × every
 * customer member (as a dimension, in a filter, in the order, as a segment)
 * × a filter excluding their own customers returns no row, and the member
 * grouped within the scope equals plain SQL on facts credited to the scope
 * whose customer the scope owns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describesCustomer, ownerLimit, VIEW_RULES } from '../../../cube/engine/access-rules.ts';
import { PROFILE_SQL } from '../../helpers/independent-sql.ts';
import { one } from '../../helpers/database.ts';
import { useTestStack, type Client, type MetaCube, type MetaResponse } from '../../helpers/stack.ts';

/** Fact views whose customers are limited by owner, with the measure that counts their facts and its plain SQL. */
const FACTS: Record<string, { measure: string; from: string; credited: string; value: string }> = {
  sales_overview: { measure: 'order_count', from: 'siyu.orders f', credited: 'f.employee_id', value: `count(*) FILTER (WHERE f.status = 'paid')` },
  // Its paid orders are summed per customer day (migration 013); counted here on the orders themselves.
  sales_buyers: { measure: 'order_count', from: 'siyu.orders f', credited: 'f.employee_id', value: `count(*) FILTER (WHERE f.status = 'paid')` },
  sales_drill: { measure: 'order_count', from: 'siyu.orders f', credited: 'f.employee_id', value: `count(*) FILTER (WHERE f.status = 'paid')` },
  // The campaign rows of the customer-day table (migration 013): counted here on the orders carrying a campaign.
  attributed_drill: { measure: 'order_count', from: '(SELECT * FROM siyu.orders WHERE campaign_id IS NOT NULL) f', credited: 'f.employee_id', value: `count(*) FILTER (WHERE f.status = 'paid')` },
  activity_drill: { measure: 'participants', from: 'siyu.campaign_participations f', credited: 'f.employee_id', value: 'count(DISTINCT f.customer_id)' },
  staff_touch_drill: { measure: 'follow_ups', from: 'siyu.follow_ups f', credited: 'f.employee_id', value: 'count(*)' },
};

/** Each customer member as plain SQL on the customer c, owner ow, owner's team ot, source channel sc and recomputed profile p. */
const CUSTOMER_SQL: Record<string, string> = {
  customer: 'c.id', customer_name: 'c.name', phone: 'siyu.mask_phone(c.phone)',
  owner: 'ow.name', owner_id: 'ow.id',
  owner_team: 'ot.name', owner_team_id: 'ot.id',
  source_channel: 'sc.name', city_tier: 'c.city_tier',
  lifecycle_stage: 'p.lifecycle_stage', rfm_segment: 'p.rfm_segment', customer_ltv: 'p.m',
  last_paid_date: `to_char((SELECT value::date FROM siyu.settings WHERE key = 'as_of') - p.r, 'YYYY-MM-DD')`,
};

const key = (v: unknown): string => {
  if (v === null || v === undefined) return '∅';
  const text = String(v);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return text.slice(0, 10);
  return /^-?\d+(\.\d+)?$/.test(text) ? String(Number(text)) : text;
};

describe('row scope by customer attribute on fact views', () => {
  const ctx = useTestStack('attribute_scope', { demoCustomers: 1500 });
  let everything: MetaResponse;
  const people: Record<'staff' | 'manager', { client: Client; meta: MetaResponse; id: number; employees: number[] }> = {} as never;

  beforeAll(async () => {
    await ctx.db.sql`CREATE SCHEMA test_expect`;
    await ctx.db.sql.unsafe(PROFILE_SQL);
    everything = await ctx.api.meta();
    const { employee_id: staffId } = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`);
    const { team_id: teamId } = one(await ctx.db.sql<{ team_id: number }[]>`
      SELECT e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const team = (await ctx.db.sql<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${teamId}`).map((r) => r.id);
    for (const [username, id, employees] of [['staff', staffId, [staffId]], ['manager', teamId, team]] as const) {
      const client = await ctx.stack.client(username);
      people[username] = { client, meta: await client.meta(), id, employees: [...employees] };
    }
  });

  const viewOf = (meta: MetaResponse, name: string): MetaCube | undefined => meta.cubes.find((c) => c.name === name);
  const customerMembers = (view: string): string[] => {
    const cube = viewOf(everything, view)!;
    return [...cube.dimensions, ...cube.measures, ...cube.segments].map((m) => m.name).filter((m) => describesCustomer(view, m.split('.')[1]!));
  };
  // The sliced drill lists' view answers only a named period cut by a stored slice, and its per-customer GMV and orders
  // have no per-row SQL here: its owner scope is checked in test/model/drill-slices.test.ts (its attributed part's, the
  // same rule, in test/model/drill-attributed.test.ts).
  const elsewhere = new Set(['sales_drill_slices', 'attributed_drill_slices']);
  const factViews = Object.entries(VIEW_RULES).filter(([view, rule]) => rule.limit !== null && rule.customers !== 'owned' && !elsewhere.has(view)).map(([view]) => view);

  it('lists, for every fact view, only members that exist, and covers every fact view with owner members here', () => {
    expect(factViews.length).toBeGreaterThan(0);
    for (const view of factViews) {
      const rule = VIEW_RULES[view]!;
      const names = new Set([...viewOf(everything, view)!.dimensions, ...viewOf(everything, view)!.measures].map((m) => m.name.split('.')[1]));
      if (rule.limit === null || rule.customers === 'owned') continue;
      expect(rule.customers.factMembers.filter((m) => !names.has(m)), view).toEqual([]);
      if (ownerLimit(view)) expect(Object.keys(FACTS), `${view} needs its facts' SQL in this test`).toContain(view);
    }
  });

  for (const role of ['staff', 'manager'] as const) {
    it(`${role}: a fact view without an owner member offers no customer member, and refuses one like an unknown member`, async () => {
      const { client, meta } = people[role];
      for (const view of factViews.filter((v) => ownerLimit(v) === null)) {
        const offered = new Set([...viewOf(meta, view)!.dimensions, ...viewOf(meta, view)!.measures].map((m) => m.name));
        for (const member of customerMembers(view)) {
          expect(offered.has(member), member).toBe(false);
          const r = await client.request<{ error: string }>('POST', '/cubejs-api/v1/load', { query: { dimensions: [member] } });
          expect(r.status, member).toBe(403);
        }
      }
    });

    it(`${role}: every customer member of every fact view, with a filter excluding the own scope, returns no row`, async () => {
      const { client, meta, id } = people[role];
      let checked = 0;
      for (const view of factViews.filter((v) => ownerLimit(v) !== null)) {
        const fact = FACTS[view]!;
        const measure = `${view}.${fact.measure}`;
        const owner = ownerLimit(view)!;
        const outside = { member: `${view}.${role === 'staff' ? owner.staff : owner.manager}`, operator: 'notEquals', values: [String(id)] };
        const offered = new Set([...viewOf(meta, view)!.dimensions, ...viewOf(meta, view)!.segments].map((m) => m.name));
        const segments = new Set(viewOf(everything, view)!.segments.map((s) => s.name));
        for (const member of customerMembers(view)) {
          expect(offered.has(member), `${role} is offered ${member}`).toBe(true);
          const masked = viewOf(meta, view)!.dimensions.find((d) => d.name === member)?.meta?.pii === true;
          const asked: Array<Record<string, unknown>> = segments.has(member)
            ? [{ measures: [measure], segments: [member], filters: [outside] }]
            : [
              { measures: [measure], dimensions: [member], filters: [outside], limit: 50_000 },
              { dimensions: [member], filters: [outside], limit: 50_000 },
              ...(masked ? [] : [
                { measures: [measure], filters: [{ member, operator: 'set' }, outside] },
                { measures: [measure], dimensions: [`${view}.employee_id`], order: [[member, 'asc']], filters: [outside] },
              ]),
            ];
          for (const query of asked) {
            const rows = await client.load(query);
            // A query without dimensions answers one total row: it must count nothing.
            const leaked = rows.filter((r) => (query.dimensions ? true : Number(r[measure] ?? 0) !== 0));
            expect(leaked, `${role} ${JSON.stringify(query)}`).toEqual([]);
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(30);
    });

    it(`${role}: every customer member grouped within the scope equals plain SQL on the scope's own customers`, async () => {
      const { client, employees } = people[role];
      const ids = employees.join(',');
      for (const view of factViews.filter((v) => ownerLimit(v) !== null)) {
        const fact = FACTS[view]!;
        const measure = `${view}.${fact.measure}`;
        for (const member of customerMembers(view)) {
          const name = member.split('.')[1]!;
          const expr = CUSTOMER_SQL[name];
          expect(expr, `${member}: add its plain SQL to CUSTOMER_SQL`).toBeDefined();
          const rows = await client.load({ measures: [measure], dimensions: [member], limit: 50_000 });
          const cube = new Map(rows.map((r) => [key(r[member]), Number(r[measure] ?? 0)]));
          const expected = await ctx.db.sql.unsafe<{ k: unknown; v: string }[]>(`
            SELECT ${expr} AS k, ${fact.value} AS v
            FROM ${fact.from}
            JOIN siyu.customers c ON c.id = f.customer_id
            LEFT JOIN siyu.employees ow ON ow.id = c.owner_employee_id
            LEFT JOIN siyu.teams ot ON ot.id = ow.team_id
            LEFT JOIN siyu.channels sc ON sc.id = c.source_channel_id
            LEFT JOIN test_expect.profile p ON p.id = c.id
            WHERE ${fact.credited} IN (${ids}) AND c.owner_employee_id IN (${ids})
            GROUP BY 1`);
          const sql = new Map(expected.map((r) => [key(r.k), Number(r.v)]));
          // Stacked facts show a customer with other facts at 0: a key on one side only must count nothing.
          for (const k of new Set([...cube.keys(), ...sql.keys()])) {
            expect(cube.get(k) ?? 0, `${role} ${member} [${k}]`).toBe(sql.get(k) ?? 0);
          }
          expect(sql.size, `${role} ${member} has rows in scope`).toBeGreaterThan(0);
          // Named only in a filter, the member limits the rows the same way.
          if (viewOf(people[role].meta, view)!.dimensions.find((d) => d.name === member)?.meta?.pii) continue;
          const [total] = await client.load({ measures: [measure], filters: [{ member, operator: 'set' }] });
          const inScope = [...sql.entries()].filter(([k]) => k !== '∅').reduce((s, [, v]) => s + v, 0);
          expect(Number(total?.[measure] ?? 0), `${role} filter on ${member}`).toBe(inScope);
        }
      }
    });
  }
});
