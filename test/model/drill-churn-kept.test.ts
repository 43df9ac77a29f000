/**
 * The churn and LTV lists on the classification (web/src/lib/drill/classification.ts,
 * docs/performance.md "The churn and LTV lists' counts from the kept
 * classification counts"): their total, the churn list's two header counts
 * and the header's rate or LTV read the kept counts by owner
 * (segment_counts) unless a campaign cuts them, and the churn list's page is
 * asked by dimensions. Under exec, ops, manager and staff, whole and cut by
 * the owner's team, the source channel and a campaign, as seeded and after
 * random writes with owner changes and team moves:
 * - each count and header number equals the old route (the same measure on
 *   customer_insights), plain SQL on the orders, and the overview's tile;
 * - every page of the churned customers and of all buyers, in customer
 *   order with the churned flag, equals plain SQL and the old grouped page,
 *   and the pages together are exactly the total's customers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { customersQueries, listedCustomers } from '../../web/src/features/customers/page-queries.ts';
import { buildAsOfKpiQuery, asCustomerInsightsRow } from '../../web/src/features/overview/kpis/build-query.ts';
import { baseFilters, buildDrillPageQuery, drillListRows, parseDrill, parsePage, toDrillRows, type DrillSlice } from '../../web/src/lib/drill.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { randomWritesWithMoves } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const TZ = 'Asia/Shanghai';
const SIZE = 20;
/** Ratios to 10 significant digits (the same sums divided, in another order). */
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(Number(v).toPrecision(10)));
type Cut = { team?: string; channel?: string; campaign?: string };
interface Numbers { buyers: number; churned: number; churnRate: number | null; ltv: number | null }

describe('the churn and LTV lists from the kept classification counts', () => {
  const ctx = useTestStack('drill_churn_kept', { demoCustomers: 1200 });
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

  /** Plain SQL on the orders: the scope's buyers to as-of in the cut, in customer order, as 'id churned' (1 or 0), and the numbers. */
  async function independent(who: SecurityContext, cut: Cut): Promise<{ rows: string[]; numbers: Numbers }> {
    const staff = who.role === 'staff' ? who.employeeId! : null;
    const managed = who.role === 'manager' ? who.teamId! : null;
    const [team, channel, campaign] = [cut.team ?? null, cut.channel ?? null, cut.campaign ?? null];
    const rows = await ctx.db.sql<{ id: number; churned: boolean; amount: string }[]>`
      WITH p AS (
        SELECT customer_id, sum(amount) AS amount, max((ordered_at AT TIME ZONE ${TZ})::date) AS last_paid FROM siyu.orders
        WHERE status = 'paid' AND (ordered_at AT TIME ZONE ${TZ})::date <= ${asOf}::date GROUP BY customer_id)
      SELECT p.customer_id AS id, ${asOf}::date - p.last_paid > 120 AS churned, p.amount::text AS amount
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
      ORDER BY p.customer_id`;
    const buyers = rows.length;
    const churned = rows.filter((r) => r.churned).length;
    const sums = one(await ctx.db.sql<{ ltv: string | null }[]>`SELECT sum(a)::numeric / NULLIF(${buyers}::int, 0) AS ltv FROM unnest(${rows.map((r) => r.amount)}::numeric[]) AS a`);
    return {
      rows: rows.map((r) => `${r.id} ${r.churned ? 1 : 0}`),
      numbers: { buyers, churned, churnRate: buyers === 0 ? null : num(churned / buyers), ltv: num(sums.ltv) },
    };
  }

  /** The page's count and header queries, and the old route's (the same measures on customer_insights), as numbers. */
  async function counts(person: Person, params: string, limited: boolean): Promise<{ kept: Numbers; old: Numbers; routes: string[] }> {
    const q = (metric: string, show: string) => {
      const search = new URLSearchParams(`metric=${metric}${params}&show=${show}`);
      const slice = parseDrill(search, asOf);
      return { slice, queries: customersQueries(slice, parsePage(search), limited, asOf, person.who.role === 'staff') };
    };
    const churn = q('churn_rate', 'numerator');
    const churnAll = q('churn_rate', 'all');
    const ltv = q('ltv', 'all');
    const load = async (query: unknown) => (await person.api.load(query as CubeQuery))[0] ?? {};
    const member = (query: unknown) => (query as { measures: string[] }).measures[0]!;
    const read = async (query: unknown) => Number((await load(query))[member(query)] ?? 0);
    const summary = async (query: unknown, short: string) => drillListRows([await load(query)])[0]![`customer_insights.${short}`];
    const kept: Numbers = {
      churned: await read(churn.queries.numerator_count),
      buyers: await read(churn.queries.denominator_count),
      churnRate: num(await summary(churn.queries.summary, 'churn_rate')),
      ltv: num(await summary(ltv.queries.summary, 'ltv')),
    };
    // The lists' totals are the same counts: the numerator's, the buyers' (both lists).
    const totals = [
      listedCustomers(churn.queries.list_total, { rows: await person.api.load(churn.queries.list_total as CubeQuery) }, null),
      listedCustomers(churnAll.queries.list_total, { rows: await person.api.load(churnAll.queries.list_total as CubeQuery) }, null),
      listedCustomers(ltv.queries.list_total, { rows: await person.api.load(ltv.queries.list_total as CubeQuery) }, null),
    ];
    expect(totals, `${params}: the lists' totals`).toEqual([kept.churned, kept.buyers, kept.buyers]);
    const on = (slice: DrillSlice, measure: string) => ({ measures: [`customer_insights.${measure}`], filters: baseFilters(slice) });
    const oldRow = async (slice: DrillSlice, measure: string) => (await load(on(slice, measure)))[`customer_insights.${measure}`];
    const old: Numbers = {
      churned: Number(await oldRow(churn.slice, 'churned_buyers') ?? 0),
      buyers: Number(await oldRow(churn.slice, 'buyers_to_date') ?? 0),
      churnRate: num(await oldRow(churn.slice, 'churn_rate')),
      ltv: num(await oldRow(ltv.slice, 'ltv')),
    };
    const routes = [churn.queries.numerator_count, churn.queries.denominator_count, churn.queries.summary, churn.queries.list_total,
      churnAll.queries.list_total, ltv.queries.list_total, ltv.queries.summary].map((query) => member(query).split('.')[0]!);
    return { kept, old, routes };
  }

  /** Every page of the churn list (the churned, or all buyers) as 'id flag', by the page's query and by the old grouped one. */
  async function pages(person: Person, params: string, limited: boolean, show: 'numerator' | 'all'): Promise<{ rows: string[]; old: string[] }> {
    const rows: string[] = [];
    const old: string[] = [];
    for (let page = 1; page < 500; page++) {
      const search = new URLSearchParams(`metric=churn_rate${params}&show=${show}&size=${SIZE}&page=${page}`);
      const slice = parseDrill(search, asOf);
      const q = customersQueries(slice, parsePage(search), limited, asOf, person.who.role === 'staff');
      // By dimensions: no measure groups the customers, no total over them.
      expect(q.list.measures ?? [], `${params} ${show}`).toEqual([]);
      expect(q.list.total, `${params} ${show}`).toBeUndefined();
      const got = toDrillRows('churn_rate', drillListRows(await person.api.load(q.list as CubeQuery))).map((r) => `${r.customer} ${r.values.in_numerator ? 1 : 0}`);
      const grouped = toDrillRows('churn_rate', drillListRows(await person.api.load(buildDrillPageQuery(slice, parsePage(search)) as CubeQuery)))
        .map((r) => `${r.customer} ${r.values.in_numerator ? 1 : 0}`);
      rows.push(...got);
      old.push(...grouped);
      if (got.length < SIZE && grouped.length < SIZE) break;
    }
    return { rows, old };
  }

  async function checkAll(label: string): Promise<void> {
    let mixed = 0;
    for (const person of people) {
      const limited = person.who.role === 'staff' || person.who.role === 'manager';
      for (const [params, cut] of cuts) {
        const what = `${label} · ${person.who.role} · ${params || 'whole'}`;
        const expected = await independent(person.who, cut);
        // The header's rate and LTV are the overview's tile.
        const tile = async () => {
          const row = asCustomerInsightsRow((await person.api.load(buildAsOfKpiQuery({ team: cut.team ?? null, channel: cut.channel ?? null, campaign: cut.campaign ?? null }, limited) as CubeQuery))[0]);
          return { churnRate: num(row?.['customer_insights.churn_rate']), ltv: num(row?.['customer_insights.ltv']) };
        };
        // Fresh after writes: a first read may still see the classification, or the brand's rollup on the old route, being refreshed.
        const { churnRate, ltv } = expected.numbers;
        await expect.poll(async () => {
          const got = await counts(person, params, limited);
          return { kept: got.kept, old: got.old, tile: await tile() };
        }, { timeout: 30_000, interval: 500, message: what }).toEqual({ kept: expected.numbers, old: expected.numbers, tile: { churnRate, ltv } });
        const { kept, routes } = await counts(person, params, limited);
        // The kept counts unless a campaign cuts the list (its participants).
        expect(routes, `${what}: routes`).toEqual(Array(routes.length).fill(cut.campaign ? 'customer_insights' : 'segment_counts'));
        const churned = await pages(person, params, limited, 'numerator');
        const all = await pages(person, params, limited, 'all');
        expect(churned.rows, `${what}: the churned`).toEqual(expected.rows.filter((r) => r.endsWith(' 1')));
        expect(churned.old, `${what}: the churned, old page`).toEqual(churned.rows);
        expect(all.rows, `${what}: all buyers`).toEqual(expected.rows);
        expect(all.old, `${what}: all buyers, old page`).toEqual(all.rows);
        expect([churned.rows.length, all.rows.length], `${what}: the pages hold the totals`).toEqual([kept.churned, kept.buyers]);
        if (kept.churned > 0 && kept.buyers > kept.churned && kept.buyers > SIZE) mixed++;
      }
    }
    // Most cases hold both churned and current buyers over more than one page.
    expect(mixed).toBeGreaterThan(6);
  }

  it('equal the old route, SQL and the tiles under every role and cut, as seeded and after random writes and owner changes', async () => {
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
      employees: [staff.employeeId!, ...(await pick(`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} AND id <> ${manager.employeeId ?? -1} ORDER BY id LIMIT 3`))],
    };
    const teams = await pick('SELECT id FROM siyu.teams ORDER BY id LIMIT 3');
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    const kinds = await randomWritesWithMoves(db, { seed: 51, ids, teams, next, steps: 60, check: async () => {} });
    expect(kinds['team move'], 'team moves among the writes').toBeGreaterThan(0);
    await checkAll('after random writes');
  }, 900_000);
});
