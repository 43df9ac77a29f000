/**
 * The LTV list's page asked by dimensions (web/src/lib/drill/ltv.ts,
 * docs/performance.md "The LTV list's page"): the buyers ordered by their paid
 * amount up to as-of, read from the classification table's columns instead of
 * grouping every customer by the LTV measure. Under exec, ops, manager and
 * staff, whole and cut by the owner's team, the source channel and a
 * campaign, as seeded and after random order writes and owner changes: the
 * first page and a deep page hold the customers plain SQL on the orders ranks
 * there (paid amount largest first, then the customer id) with their LTV, the
 * list's total equals SQL, and the page asks no measure; a staff member's own
 * list asks the LTV measure per customer instead (ltv.ts, `ownBook`: read
 * through the owner's customers, not the brand's paid-amount index), with the
 * same rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { customersQueries, listedCustomers } from '../../web/src/features/customers/page-queries.ts';
import { drillListRows, parseDrill, parsePage, toDrillRows } from '../../web/src/lib/drill.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { randomWritesWithMoves } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const TZ = 'Asia/Shanghai';
const SIZE = 20;
const money = (v: unknown): string => Number(v).toFixed(2);
type Cut = { team?: string; channel?: string; campaign?: string };

describe('the LTV list by dimensions', () => {
  const ctx = useTestStack('drill_ltv', { demoCustomers: 1200 });
  const people: Person[] = [];
  let asOf: string;
  let cuts: Array<[string, Cut]>;

  beforeAll(async () => {
    people.push(...(await signInAll(ctx.stack, ['exec', 'ops', 'manager', 'staff'])));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const names = one(await ctx.db.sql<{ team: string; channel: string; campaign: string }[]>`
      SELECT (SELECT name FROM siyu.teams WHERE id = ${manager.teamId!}) AS team,
             (SELECT ch.name FROM siyu.customers c JOIN siyu.channels ch ON ch.id = c.source_channel_id GROUP BY ch.name ORDER BY count(*) DESC LIMIT 1) AS channel,
             (SELECT cam.name FROM siyu.campaign_participations cp JOIN siyu.campaigns cam ON cam.id = cp.campaign_id GROUP BY cam.name ORDER BY count(*) DESC LIMIT 1) AS campaign`);
    cuts = [['', {}], [`&team=${encodeURIComponent(names.team)}`, { team: names.team }],
      [`&channel=${encodeURIComponent(names.channel)}`, { channel: names.channel }], [`&campaign=${encodeURIComponent(names.campaign)}`, { campaign: names.campaign }]];
  }, 240_000);

  /** Plain SQL: the scope's buyers to as-of in the cut, as 'id amount', paid amount largest first, then the id. */
  async function independent(who: SecurityContext, cut: Cut): Promise<string[]> {
    const staff = who.role === 'staff' ? who.employeeId! : null;
    const managed = who.role === 'manager' ? who.teamId! : null;
    const [team, channel, campaign] = [cut.team ?? null, cut.channel ?? null, cut.campaign ?? null];
    const rows = await ctx.db.sql<{ row: string }[]>`
      WITH p AS (
        SELECT customer_id, sum(amount) AS amount FROM siyu.orders
        WHERE status = 'paid' AND (ordered_at AT TIME ZONE ${TZ})::date <= ${asOf}::date GROUP BY customer_id)
      SELECT p.customer_id || ' ' || p.amount::numeric(16, 2) AS row
      FROM p JOIN siyu.customers c ON c.id = p.customer_id
      LEFT JOIN siyu.employees o ON o.id = c.owner_employee_id
      LEFT JOIN siyu.teams t ON t.id = o.team_id
      LEFT JOIN siyu.channels ch ON ch.id = c.source_channel_id
      WHERE (${staff}::int IS NULL OR c.owner_employee_id = ${staff}::int)
        AND (${managed}::int IS NULL OR o.team_id = ${managed}::int)
        AND (${team}::text IS NULL OR t.name = ${team}::text)
        AND (${channel}::text IS NULL OR ch.name = ${channel}::text)
        AND (${campaign}::text IS NULL OR EXISTS (SELECT 1 FROM siyu.campaign_participations cp JOIN siyu.campaigns cam ON cam.id = cp.campaign_id
          WHERE cp.customer_id = c.id AND cam.name = ${campaign}::text))
      ORDER BY p.amount DESC, p.customer_id`;
    return rows.map((r) => r.row);
  }

  async function checkAll(label: string): Promise<void> {
    let deepChecked = 0;
    for (const person of people) {
      const limited = person.who.role === 'staff' || person.who.role === 'manager';
      const staff = person.who.role === 'staff';
      for (const [params, cut] of cuts) {
        const what = `${label} · ${person.who.role} · ${params || 'whole'}`;
        const expected = await independent(person.who, cut);
        const queries = (page: number) => {
          const search = new URLSearchParams(`metric=ltv${params}&size=${SIZE}&page=${page}`);
          return customersQueries(parseDrill(search, asOf), parsePage(search), limited, asOf, staff);
        };
        const pageRows = async (page: number) => {
          const q = queries(page);
          // Asked by dimensions: no measure groups the customers, no total over them; a staff member's by the measure.
          expect(q.list.measures ?? [], what).toEqual(staff ? ['customer_insights.ltv'] : []);
          expect(q.list.total, what).toBeUndefined();
          const rows = toDrillRows('ltv', drillListRows(await person.api.load(q.list as CubeQuery)));
          return rows.map((r) => `${r.customer} ${money(r.values.part)}`);
        };
        const total = async () => {
          const q = queries(1);
          return listedCustomers(q.list_total, { rows: await person.api.load(q.list_total as CubeQuery) }, null);
        };
        await expect.poll(async () => ({ total: await total(), first: await pageRows(1) }), { timeout: 20_000, interval: 500, message: what })
          .toEqual({ total: expected.length, first: expected.slice(0, SIZE) });
        const deep = Math.max(1, Math.ceil(Math.ceil(expected.length / SIZE) * 0.8));
        expect(await pageRows(deep), `${what}: page ${deep}`).toEqual(expected.slice((deep - 1) * SIZE, deep * SIZE));
        if (deep > 1) deepChecked++;
      }
    }
    expect(deepChecked).toBeGreaterThan(8);
  }

  it('equals SQL under every role and cut, as seeded and after random writes and owner changes', async () => {
    await checkAll('as seeded');
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
      employees: [staff.employeeId!, ...(await pick(`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} ORDER BY id LIMIT 2`))],
    };
    const teams = await pick('SELECT id FROM siyu.teams ORDER BY id LIMIT 3');
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    await randomWritesWithMoves(db, { seed: 77, ids, teams, next, steps: 40, check: async () => {} });
    // A large order, so the first page's order changes too.
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
             VALUES (${next.id++}, ${ids.customers[0]!}, ${staff.employeeId!}, ${ids.channels[0]!}, ${`${asOf} 10:00+08`}, 99999.00, 1, 'premium', 'paid')`;
    await checkAll('after random writes');
  }, 900_000);
});
