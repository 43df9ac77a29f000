/**
 * The sales drill lists of a preset read from the sliced table (migration
 * 033, siyu.drill_sales_slices): an executive's or operator's list cut by one
 * credited team, channel, campaign or employee, and a manager's and a staff
 * member's own lists, as seeded and after random order writes mixed with
 * owner changes and team moves:
 * - the first page and a deep page hold the customers plain SQL on the
 *   orders ranks there (GMV largest first, then the customer id);
 * - the list's total (a team role's named customers plus its anonymised
 *   remainder) equals plain SQL's buyers and the overview's GMV tile cut the
 *   same way, the header's GMV the tile's;
 * - the SQL Cube runs reads the sliced table, never the orders or the
 *   customer-day table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { customersQueries, listedCustomers, listRemainder } from '../../web/src/features/customers/page-queries.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { dateRangeFor, type RangePreset } from '../../web/src/lib/date-range.ts';
import { drillListRows, parseDrill, parsePage } from '../../web/src/lib/drill.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { roleWriteIds, random, randomOrderWrite } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const PRESETS: RangePreset[] = ['last_12_months', 'this_month'];
const SIZE = 20;
type Cut = { kind: 'team' | 'channel' | 'campaign' | 'employee'; name: string } | null;
const money = (v: unknown): string => (v === null || v === undefined ? 'null' : Number(v).toFixed(2));

describe('preset sales drill lists from the sliced table', () => {
  const config = loadConfig();
  const ctx = useTestStack('drill_slices_model', { demoCustomers: 1200 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let asOf: string;
  const cuts: Cut[] = [];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, ['exec', 'ops', 'manager', 'staff'])));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const first = async (sql: string): Promise<string> => one(await ctx.db.sql.unsafe<{ name: string }[]>(sql)).name;
    cuts.push(
      { kind: 'team', name: await first('SELECT t.name FROM siyu.teams t ORDER BY t.id LIMIT 1') },
      { kind: 'channel', name: await first('SELECT name FROM siyu.channels ORDER BY id LIMIT 1') },
      { kind: 'campaign', name: await first('SELECT c.name FROM siyu.campaigns c JOIN siyu.orders o ON o.campaign_id = c.id GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1') },
      { kind: 'employee', name: await first('SELECT e.name FROM siyu.employees e JOIN siyu.orders o ON o.employee_id = e.id GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1') },
    );
  }, 240_000);
  afterAll(async () => probe?.stop());

  const limited = (who: SecurityContext): boolean => who.role === 'staff' || who.role === 'manager';
  const sliceOf = (preset: RangePreset, cut: Cut) =>
    parseDrill(new URLSearchParams(`metric=gmv&range=${preset}${cut ? `&${cut.kind}=${encodeURIComponent(cut.name)}` : ''}`), asOf);
  const pageOf = (n: number) => parsePage(new URLSearchParams(`size=${SIZE}&page=${n}`));
  /** What each person's lists are checked on: a team role's own list, an executive's or operator's cut ones. */
  const casesOf = (who: SecurityContext): Cut[] => (limited(who) ? [null] : cuts);

  /** Plain SQL on the orders: the list's customers ranked, the number's buyers and GMV. */
  async function independent(who: SecurityContext, preset: RangePreset, cut: Cut) {
    const [from, to] = dateRangeFor(preset, asOf)!;
    const staff = who.role === 'staff' ? who.employeeId : null;
    const team = who.role === 'manager' ? who.teamId : null;
    const is = (kind: string): string | null => (cut?.kind === kind ? cut.name : null);
    const facts = ctx.db.sql`
      SELECT o.customer_id, o.amount, c.owner_employee_id AS owner, owner.team_id AS owner_team
      FROM siyu.orders AS o
      JOIN siyu.customers AS c ON c.id = o.customer_id
      LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      LEFT JOIN siyu.teams AS t ON t.id = e.team_id
      LEFT JOIN siyu.employees AS owner ON owner.id = c.owner_employee_id
      LEFT JOIN siyu.channels AS ch ON ch.id = o.channel_id
      LEFT JOIN siyu.campaigns AS cp ON cp.id = o.campaign_id
      WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date
        AND (${staff}::int IS NULL OR o.employee_id = ${staff}::int) AND (${team}::int IS NULL OR e.team_id = ${team}::int)
        AND (${is('team')}::text IS NULL OR t.name = ${is('team')}) AND (${is('employee')}::text IS NULL OR e.name = ${is('employee')})
        AND (${is('channel')}::text IS NULL OR ch.name = ${is('channel')}) AND (${is('campaign')}::text IS NULL OR cp.name = ${is('campaign')})`;
    const ranked = await ctx.db.sql<{ row: string }[]>`
      WITH f AS (${facts})
      SELECT customer_id || ' ' || sum(amount)::numeric(16, 2) || ' ' || count(*) AS row FROM f
      WHERE (${staff}::int IS NULL OR owner = ${staff}::int) AND (${team}::int IS NULL OR owner_team = ${team}::int)
      GROUP BY customer_id ORDER BY sum(amount) DESC, customer_id`;
    const all = one(await ctx.db.sql<{ buyers: number; gmv: string | null }[]>`
      WITH f AS (${facts}) SELECT count(DISTINCT customer_id)::int AS buyers, sum(amount)::text AS gmv FROM f`);
    return { ranked: ranked.map((r) => r.row), buyers: all.buyers, gmv: money(all.gmv) };
  }

  async function asked(person: Person, preset: RangePreset, cut: Cut, page: number) {
    const slice = sliceOf(preset, cut);
    const q = customersQueries(slice, pageOf(page), limited(person.who), asOf);
    const rows = drillListRows(await person.api.load(q.list as CubeQuery));
    const named = listedCustomers(q.list_total, { rows: await person.api.load(q.list_total as CubeQuery) }, null)!;
    const loaded = async (query: unknown) => (query ? { rows: await person.api.load(query as CubeQuery) } : undefined);
    const rest = listRemainder(slice, pageOf(page), limited(person.who), asOf, {
      summary: await loaded(q.summary), list_total: await loaded(q.list_total), scope_all: await loaded(q.scope_all), scope_owned: await loaded(q.scope_owned),
    });
    const summary = drillListRows(await person.api.load(q.summary as CubeQuery))[0];
    return {
      rows: rows.map((r) => `${r['sales_drill.customer']} ${money(r['sales_drill.gmv'])} ${r['sales_drill.order_count']}`),
      total: named + (rest?.customers ?? 0), named, gmv: money(summary?.['sales_drill.gmv']), queries: q,
    };
  }

  /** The overview's GMV tile cut the same way (an employee is not an overview filter: null). */
  async function tile(person: Person, preset: RangePreset, cut: Cut): Promise<{ buyers: number; gmv: string } | null> {
    if (cut?.kind === 'employee') return null;
    const filters = { team: cut?.kind === 'team' ? cut.name : null, channel: cut?.kind === 'channel' ? cut.name : null, campaign: cut?.kind === 'campaign' ? cut.name : null };
    const [row] = drillListRows(await person.api.load(overviewQueries(dateRangeFor(preset, asOf), filters, 'none', null, asOf).sales_kpis as CubeQuery));
    const value = (m: string): unknown => row?.[`sales_periods.${m}`] ?? row?.[`sales_buyers.${m}`];
    return { buyers: Number(value('buyers') ?? 0), gmv: money(value('gmv')) };
  }

  async function checkAll(label: string): Promise<void> {
    for (const person of people) {
      for (const cut of casesOf(person.who)) {
        for (const preset of PRESETS) {
          const what = `${label} · ${person.who.role} · ${cut ? `${cut.kind}=${cut.name}` : 'own'} · ${preset}`;
          const expected = await independent(person.who, preset, cut);
          const wanted = { total: expected.buyers, header: expected.gmv, tile: cut?.kind === 'employee' ? null : { buyers: expected.buyers, gmv: expected.gmv } };
          await expect.poll(async () => {
            const list = await asked(person, preset, cut, 1);
            return { total: list.total, header: list.gmv, tile: await tile(person, preset, cut) };
          }, { timeout: 20_000, interval: 500, message: `${what}: the list's total, its header and the tile` }).toEqual(wanted);
          const first = await asked(person, preset, cut, 1);
          expect(first.rows, `${what}: first page`).toEqual(expected.ranked.slice(0, SIZE));
          expect(first.named, `${what}: named customers`).toBe(expected.ranked.length);
          const deep = Math.max(1, Math.ceil(Math.ceil(expected.ranked.length / SIZE) * 0.8));
          expect((await asked(person, preset, cut, deep)).rows, `${what}: page ${deep}`).toEqual(expected.ranked.slice((deep - 1) * SIZE, deep * SIZE));
          for (const query of [first.queries.list, first.queries.list_total]) {
            const sql = await probe.sql(person.who, query as CubeQuery);
            expect(sql, `${what}: answered by`).toMatch(/\bsiyu\.drill_sales_slices\b/);
            expect(sql, `${what}: answered by`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b/);
          }
        }
      }
    }
  }

  it('equals plain SQL and its tile, cut or a team role\'s own, first page and a deep page', async () => {
    expect(cuts.every((c) => c !== null && c.name.length > 0)).toBe(true);
    await checkAll('as seeded');
    // Two cuts at once are not stored: they read the facts.
    const two = parseDrill(new URLSearchParams(`metric=gmv&range=last_12_months&team=${encodeURIComponent(cuts[0]!.name)}&channel=${encodeURIComponent(cuts[1]!.name)}`), asOf);
    expect(customersQueries(two, pageOf(1), false, asOf).list_total).toBeNull();
  }, 600_000);

  it('names to a team role no customer, GMV or orders of a customer it does not own', async () => {
    const v = 'sales_drill_slices';
    for (const person of people.filter((p) => limited(p.who))) {
      const staff = person.who.role === 'staff';
      const period = { member: `${v}.period`, operator: 'equals', values: ['all'] };
      const outside = { member: `${v}.${staff ? 'owner_id' : 'owner_team_id'}`, operator: 'notEquals', values: [String(staff ? person.who.employeeId : person.who.teamId)] };
      for (const member of ['customer', 'gmv', 'order_count', 'owner_id', 'owner_team_id']) {
        expect(await person.api.load({ dimensions: [`${v}.${member}`], filters: [period, outside] }), `${person.who.role} ${member}`).toEqual([]);
        const [row] = await person.api.load({ measures: [`${v}.buyers`], filters: [period, outside, { member: `${v}.${member}`, operator: 'set' }] });
        expect(Number(row?.[`${v}.buyers`] ?? 0), `${person.who.role} ${member} set`).toBe(0);
      }
      // Grouped by a customer's GMV or orders, only its own customers are counted (the named part of its number).
      const [owned] = await person.api.load({ measures: [`${v}.buyers`], filters: [period, { member: `${v}.customer`, operator: 'set' }] });
      for (const member of ['gmv', 'order_count']) {
        const rows = await person.api.load({ measures: [`${v}.buyers`], dimensions: [`${v}.${member}`], filters: [period] });
        expect(rows.reduce((n, r) => n + Number(r[`${v}.buyers`]), 0), `${person.who.role} by ${member}`).toBe(Number(owned?.[`${v}.buyers`]));
      }
      // Its own slice's rows only, whatever slice it names: another employee's or team's rows are out of its limit.
      const [all] = await person.api.load({ measures: [`${v}.buyers`], filters: [period] });
      const [asTile] = drillListRows(await person.api.load({ measures: ['sales_periods.buyers'], filters: [{ member: 'sales_periods.period', operator: 'equals', values: ['all'] }] }));
      expect(Number(all?.[`${v}.buyers`]), person.who.role).toBe(Number(asTile?.['sales_drill.buyers']));
    }
  }, 240_000);

  it('still does after random order writes, owner changes and team moves', async () => {
    const db = ctx.db.sql;
    const pick = async (sql: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(sql)).map((r) => r.id);
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const ids = await roleWriteIds(db, staff, manager, { limit: 2, without: [staff.employeeId] });
    // Employees who can move without changing who the demo accounts are: not the staff member, not the team's manager.
    const movers = await pick(`SELECT e.id FROM siyu.employees e WHERE e.id <> ${staff.employeeId}
      AND NOT EXISTS (SELECT 1 FROM siyu.teams t WHERE t.manager_id = e.id) AND NOT EXISTS (SELECT 1 FROM siyu.accounts a WHERE a.employee_id = e.id AND a.username IN ('staff', 'manager')) ORDER BY e.id LIMIT 6`);
    expect(movers.length).toBe(6);
    const teams = await pick('SELECT id FROM siyu.teams ORDER BY id');
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    const rnd = random(53);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const when = (): string => `${any([asOf, asOf, `${asOf.slice(0, 8)}01`])} ${any(['00:10', '09:00', '23:50'])}+08`;
    for (let step = 0; step < 40; step++) {
      const roll = rnd();
      if (roll < 0.15) await db`UPDATE siyu.customers SET owner_employee_id = ${any([...ids.employees, ...movers])} WHERE id = ${any(ids.customers.slice(0, 4))}`;
      else if (roll < 0.25) await db`UPDATE siyu.employees SET team_id = ${any([manager.teamId!, ...teams])} WHERE id = ${any(movers)}`;
      else await randomOrderWrite(db, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-5 hours' }, bulkDelete: 'customer' });
    }
    // A mover into the manager's team with their credited orders, and a customer of the staff member given away.
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId!} WHERE id = ${movers[0]!}`;
    await db`UPDATE siyu.customers SET owner_employee_id = ${movers[0]!} WHERE id = ${ids.customers[0]!}`;
    await checkAll('after the random writes');
  }, 900_000);
});
