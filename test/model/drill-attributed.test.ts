/**
 * The ROI (and attributed GMV) drill list from the customer-day table's
 * campaign rows (issue 19, `attributed_drill`): its page, total, header and a
 * team role's two scope queries are sales_drill's own queries asked on that
 * view; an executive's or operator's on a preset from the stored rows'
 * attributed part (`attributed_drill_periods`, migration 058), a manager's
 * and a staff member's, and an executive's cut by one team, channel,
 * campaign or employee, from the sliced rows' (`attributed_drill_slices`,
 * migration 061). Under exec, ops, manager and staff, on presets and a custom
 * range, and the executive's cuts on the presets, as seeded and after random
 * inserts, refunds, moves and deletes of orders with owner changes and team
 * moves:
 * - the list's total (named customers + the remainder) equals plain SQL on
 *   the orders (paid, carrying a campaign), and the header's GMV equals both
 *   plain SQL and the ROI tile's attributed GMV;
 * - the first, a deep and the last page hold the customers plain SQL ranks
 *   there (GMV largest first, then the customer id), with their GMV and orders;
 * - none of those queries reads the orders;
 * - and so after the as-of date moves a day (the stored rows' roll-over).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { attributesQuery, customersQueries, listedCustomers, listRemainder } from '../../web/src/features/customers/page-queries.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { drillListRows, parseDrill, parsePage, type DrillSlice } from '../../web/src/lib/drill.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { randomWritesWithMoves, roleWriteIds } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
/** Two presets and a custom range (the writes land on 2025-11-20/21 and 2026-10-31, 11-01, 11-16, 11-19, 11-20). */
const RANGES = ['range=last_12_months', 'range=last_30_days', 'from=2026-08-01&to=2026-10-31'];
const SIZE = 20;
/** The executive's lists cut by one slice (on the presets). */
type Cut = { kind: 'team' | 'channel' | 'campaign' | 'employee'; name: string };
const PRESETS = RANGES.filter((r) => r.startsWith('range='));

type Row = Record<string, unknown>;
/** Money to cents; no row (a scope without attributed orders in the range) is 0, as the tile shows it. */
const money = (v: unknown): string => Number(v ?? 0).toFixed(2);

describe('the ROI drill list from the customer-day table', () => {
  const config = loadConfig();
  const ctx = useTestStack('drill_attributed_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let asOf: string;
  const cuts: Cut[] = [];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const first = async (sql: string): Promise<string> => one(await ctx.db.sql.unsafe<{ name: string }[]>(sql)).name;
    const busiest = (table: string, column: string) =>
      `SELECT x.name FROM siyu.${table} x JOIN siyu.orders o ON o.${column} = x.id WHERE o.campaign_id IS NOT NULL GROUP BY x.id ORDER BY count(*) DESC, x.id LIMIT 1`;
    cuts.push(
      { kind: 'team', name: await first('SELECT t.name FROM siyu.teams t ORDER BY t.id LIMIT 1') },
      { kind: 'channel', name: await first(busiest('channels', 'channel_id')) },
      { kind: 'campaign', name: await first(busiest('campaigns', 'campaign_id')) },
      { kind: 'employee', name: await first(busiest('employees', 'employee_id')) },
    );
  }, 240_000);
  afterAll(async () => probe?.stop());

  const limited = (who: SecurityContext): boolean => who.role === 'staff' || who.role === 'manager';
  const sliceOf = (range: string, metric = 'roi', cut: Cut | null = null): DrillSlice =>
    parseDrill(new URLSearchParams(`metric=${metric}&${range}${cut ? `&${cut.kind}=${encodeURIComponent(cut.name)}` : ''}`), asOf);
  const pageOf = (n: number) => parsePage(new URLSearchParams(`size=${SIZE}&page=${n}`));

  /** Plain SQL: the scope's customers of the range's attributed paid orders, ranked as the list ranks them; the number's buyers and GMV. */
  async function independent(who: SecurityContext, [from, to]: readonly [string, string], cut: Cut | null = null): Promise<{ ranked: string[]; buyers: number; gmv: string }> {
    const staff = who.role === 'staff' ? who.employeeId : null;
    const team = who.role === 'manager' ? who.teamId : null;
    const is = (kind: Cut['kind']): string | null => (cut?.kind === kind ? cut.name : null);
    const facts = ctx.db.sql`
      SELECT o.customer_id, o.amount, c.owner_employee_id AS owner, owner.team_id AS owner_team
      FROM siyu.orders AS o
      JOIN siyu.customers AS c ON c.id = o.customer_id
      LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      LEFT JOIN siyu.teams AS t ON t.id = e.team_id
      LEFT JOIN siyu.channels AS ch ON ch.id = o.channel_id
      LEFT JOIN siyu.campaigns AS cp ON cp.id = o.campaign_id
      LEFT JOIN siyu.employees AS owner ON owner.id = c.owner_employee_id
      WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL
        AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date
        AND (${staff}::int IS NULL OR o.employee_id = ${staff}::int)
        AND (${team}::int IS NULL OR e.team_id = ${team}::int)
        AND (${is('team')}::text IS NULL OR t.name = ${is('team')}) AND (${is('employee')}::text IS NULL OR e.name = ${is('employee')})
        AND (${is('channel')}::text IS NULL OR ch.name = ${is('channel')}) AND (${is('campaign')}::text IS NULL OR cp.name = ${is('campaign')})`;
    // A team role's list names only the customers it owns.
    const ranked = await ctx.db.sql<{ row: string }[]>`
      WITH f AS (${facts})
      SELECT customer_id || ' ' || sum(amount)::numeric(16, 2) || ' ' || count(*) AS row
      FROM f
      WHERE (${staff}::int IS NULL OR owner = ${staff}::int) AND (${team}::int IS NULL OR owner_team = ${team}::int)
      GROUP BY customer_id ORDER BY sum(amount) DESC, customer_id`;
    const all = one(await ctx.db.sql<{ buyers: number; gmv: string | null }[]>`
      WITH f AS (${facts}) SELECT count(DISTINCT customer_id)::int AS buyers, sum(amount)::text AS gmv FROM f`);
    return { ranked: ranked.map((r) => r.row), buyers: all.buyers, gmv: money(all.gmv) };
  }

  /** The list as the page asks it: a page's rows (customer, GMV, orders), its total with the remainder, the header's GMV. */
  async function asked(person: Person, slice: DrillSlice, page: number) {
    const q = customersQueries(slice, pageOf(page), limited(person.who), asOf);
    const answer = await person.api.answer(q.list as CubeQuery);
    const rows = drillListRows(answer.data);
    const loaded = async (query: unknown) => (query ? { rows: await person.api.load(query as CubeQuery) } : undefined);
    const total = await loaded(q.list_total);
    const named = listedCustomers(q.list_total, total ?? { rows: [] }, { totalRows: () => answer.total ?? null })!;
    const rest = listRemainder(slice, pageOf(page), limited(person.who), asOf, {
      summary: await loaded(q.summary), list_total: total, scope_all: await loaded(q.scope_all), scope_owned: await loaded(q.scope_owned),
    });
    const summary = drillListRows(await person.api.load(q.summary as CubeQuery))[0];
    const attributes = attributesQuery(slice, rows);
    if (attributes) expect((await person.api.load(attributes as CubeQuery)).length, `${person.who.role} attributes`).toBe(rows.length);
    return {
      rows: rows.map((r: Row) => `${r['sales_drill.customer']} ${money(r['sales_drill.gmv'])} ${r['sales_drill.order_count']}`),
      total: named + (rest?.customers ?? 0),
      named,
      gmv: money(summary?.['sales_drill.gmv']),
    };
  }

  /** The ROI tile of the overview on the same range: its attributed GMV. */
  async function tile(person: Person, range: readonly [string, string], cut: Cut | null = null): Promise<string | null> {
    if (cut?.kind === 'employee') return null;
    const filters = { team: cut?.kind === 'team' ? cut.name : null, channel: cut?.kind === 'channel' ? cut.name : null, campaign: cut?.kind === 'campaign' ? cut.name : null };
    const q = overviewQueries([range[0], range[1]], filters, 'none', null, asOf);
    const [row] = await person.api.load(q.roi as CubeQuery);
    return money(row?.['channel_roi.attributed_gmv']);
  }

  async function checkAll(label: string): Promise<void> {
    for (const person of people) {
      for (const param of RANGES) {
        const slice = sliceOf(param);
        const range = slice.range!;
        const what = `${label} · ${person.who.role} · ${param}`;
        const expected = await independent(person.who, range);
        // The list, its total, header and the tile are separate queries, each refreshed on its own key's check.
        await expect.poll(async () => {
          const list = await asked(person, slice, 1);
          return { total: list.total, header: list.gmv, tile: await tile(person, range), first: list.rows };
        }, { timeout: 20_000, interval: 500, message: `${what}: the list's total, its header, the tile and the first page` })
          .toEqual({ total: expected.buyers, header: expected.gmv, tile: expected.gmv, first: expected.ranked.slice(0, SIZE) });
        const last = Math.max(1, Math.ceil(expected.ranked.length / SIZE));
        for (const page of new Set([Math.max(1, Math.ceil(last * 0.8)), last])) {
          const deep = await asked(person, slice, page);
          expect(deep.rows, `${what}: page ${page}`).toEqual(expected.ranked.slice((page - 1) * SIZE, page * SIZE));
          expect(deep.named, `${what}: named customers`).toBe(expected.ranked.length);
        }
      }
    }
    // The executive's lists cut by one team, channel, campaign or employee (the sliced rows' attributed part).
    const exec = people.find((p) => p.who.role === 'executive')!;
    for (const cut of cuts) {
      for (const param of PRESETS) {
        const slice = sliceOf(param, 'roi', cut);
        const range = slice.range!;
        const what = `${label} · executive · ${cut.kind}=${cut.name} · ${param}`;
        const expected = await independent(exec.who, range, cut);
        const wanted = { total: expected.buyers, header: expected.gmv, tile: cut.kind === 'employee' ? null : expected.gmv, first: expected.ranked.slice(0, SIZE) };
        await expect.poll(async () => {
          const list = await asked(exec, slice, 1);
          return { total: list.total, header: list.gmv, tile: await tile(exec, range, cut), first: list.rows };
        }, { timeout: 20_000, interval: 500, message: `${what}: the list's total, its header, the tile and the first page` }).toEqual(wanted);
        const last = Math.max(1, Math.ceil(expected.ranked.length / SIZE));
        expect((await asked(exec, slice, last)).rows, `${what}: page ${last}`).toEqual(expected.ranked.slice((last - 1) * SIZE, last * SIZE));
      }
    }
  }

  it('reads the customer-day table or the stored rows, never the orders, under every role', async () => {
    for (const { who } of people) {
      for (const metric of ['roi', 'attributed_gmv']) {
        for (const param of RANGES) {
          const q = customersQueries(sliceOf(param, metric), pageOf(3), limited(who), asOf);
          expect(q.list_total, `${who.role} ${metric} ${param}: total query`).not.toBeNull();
          for (const query of [q.list, q.list_total, q.summary, q.scope_all, q.scope_owned]) {
            if (!query) continue;
            const sql = await probe.sql(who, query as CubeQuery);
            // On a preset, the brand's list from the stored rows' attributed part (migration 058), a team role's from the
            // sliced rows' (migration 061); else the campaign rows.
            const stored = param.startsWith('range=') ? (limited(who) ? /\bsiyu\.drill_sales_slices\b/ : /\bsiyu\.drill_sales\b/) : /\bsiyu\.customer_days\b/;
            expect(sql, `${who.role} ${metric} ${param}`).toMatch(stored);
            expect(sql, `${who.role} ${metric} ${param}`).not.toMatch(/\bsiyu\.(orders|paid_orders)\b/);
            if (param.startsWith('range=')) expect(sql, `${who.role} ${metric} ${param}`).not.toMatch(/\bsiyu\.customer_days\b/);
          }
          // A team role's remainder: from the list's total and header on a preset, from the scope queries otherwise.
          expect(Boolean(q.scope_all), `${who.role}: scope queries`).toBe(limited(who) && !param.startsWith('range='));
        }
      }
    }
    // The executive's cut lists on a preset from the sliced rows, every query.
    for (const cut of cuts) {
      const q = customersQueries(sliceOf(RANGES[0]!, 'roi', cut), pageOf(2), false, asOf);
      for (const query of [q.list, q.list_total, q.summary]) {
        const sql = await probe.sql(people[0]!.who, query as CubeQuery);
        expect(sql, `cut by ${cut.kind}`).toMatch(/\bsiyu\.drill_sales_slices\b/);
        expect(sql, `cut by ${cut.kind}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b/);
      }
    }
    // Sorted by an attribute column the view lacks: sales_drill, as before.
    const byOwner = customersQueries(sliceOf(RANGES[0]!), parsePage(new URLSearchParams('sort=owner')), false, asOf).list;
    expect(JSON.stringify(byOwner)).toContain('"sales_drill.customer"');
  }, 240_000);

  it('names to a team role no customer, attributed GMV or orders of a customer it does not own (attributed_drill_slices)', async () => {
    const v = 'attributed_drill_slices';
    for (const person of people.filter((p) => limited(p.who))) {
      const staff = person.who.role === 'staff';
      const period = { member: `${v}.period`, operator: 'equals', values: ['all'] };
      const outside = { member: `${v}.${staff ? 'owner_id' : 'owner_team_id'}`, operator: 'notEquals', values: [String(staff ? person.who.employeeId : person.who.teamId)] };
      for (const member of ['customer', 'gmv', 'order_count', 'owner_id', 'owner_team_id']) {
        expect(await person.api.load({ dimensions: [`${v}.${member}`], filters: [period, outside] }), `${person.who.role} ${member}`).toEqual([]);
        const [row] = await person.api.load({ measures: [`${v}.buyers`], filters: [period, outside, { member: `${v}.${member}`, operator: 'set' }] });
        expect(Number(row?.[`${v}.buyers`] ?? 0), `${person.who.role} ${member} set`).toBe(0);
      }
      // Grouped by a customer's attributed GMV or orders, only its own customers are counted (the named part of its number).
      const [owned] = await person.api.load({ measures: [`${v}.buyers`], filters: [period, { member: `${v}.customer`, operator: 'set' }] });
      for (const member of ['gmv', 'order_count']) {
        const rows = await person.api.load({ measures: [`${v}.buyers`], dimensions: [`${v}.${member}`], filters: [period] });
        expect(rows.reduce((n, r) => n + Number(r[`${v}.buyers`]), 0), `${person.who.role} by ${member}`).toBe(Number(owned?.[`${v}.buyers`]));
      }
      // Its own slice's rows only: its whole number equals attributed_drill's over all days.
      const [all] = await person.api.load({ measures: [`${v}.buyers`, `${v}.total_gmv`], filters: [period] });
      const [days] = await person.api.load({ measures: ['attributed_drill.buyers', 'attributed_drill.gmv'] });
      expect([Number(all?.[`${v}.buyers`]), money(all?.[`${v}.total_gmv`])], person.who.role)
        .toEqual([Number(days?.['attributed_drill.buyers']), money(days?.['attributed_drill.gmv'])]);
    }
  }, 240_000);

  it('equals its tile and plain SQL under every role, first, deep and last page', async () => {
    await checkAll('as seeded');
  }, 600_000);

  it('still does after random new, refunded, moved and deleted orders, owner changes and team moves', async () => {
    const db = ctx.db.sql;
    const pick = async (sql: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(sql)).map((r) => r.id);
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    // Written to: every role's customers; of the team's employees, not the manager themself (moved, they would manage another team).
    const ids = await roleWriteIds(db, staff, manager, { limit: 3, without: [manager.employeeId] });
    const teams = await pick('SELECT id FROM siyu.teams ORDER BY id LIMIT 3');
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    const kinds = await randomWritesWithMoves(db, { seed: 50, ids, teams, next, steps: 80, check: async () => {} });
    expect(kinds['team move'], 'team moves among the writes').toBeGreaterThan(0);
    // A large attributed order to one customer inside every range, so the first page's order changes too.
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
             VALUES (${next.id++}, ${ids.customers[0]!}, ${staff.employeeId!}, ${ids.channels[0]!}, ${ids.campaigns[0]!}, ${`${asOf} 10:00+08`}, 99999.00, 1, 'premium', 'paid')`;
    await checkAll('after the random writes');
  }, 900_000);

  it('still does once the as-of date moves a day (the stored ranges rolled over)', async () => {
    const day = new Date(Date.parse(`${asOf}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await ctx.db.sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`;
    asOf = day;
    await checkAll('after the roll-over');
  }, 900_000);
});
