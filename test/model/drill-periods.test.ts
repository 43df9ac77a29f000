/**
 * The sales drill list of a preset range (issue 19): for the roles that see
 * every fact it is read from the stored ranges (siyu.drill_sales, migration
 * 029), for a team role from its slice of the sliced table (migration 033)
 * with the anonymised remainder (web/src/lib/drill-scope.ts). Under exec, ops, manager and staff,
 * on several presets, as seeded and after random writes to the orders
 * (test/helpers/order-writes.ts):
 * - the list's total (named customers + the remainder) equals the GMV tile's
 *   buyers (the overview's own query) and plain SQL on the orders, and the
 *   header's GMV equals the tile's GMV;
 * - the first page and a deep page hold the customers plain SQL ranks there
 *   (GMV largest first, then the customer id), with their GMV and orders;
 * - the list and its total are answered by siyu.drill_sales for exec and ops,
 *   by siyu.drill_sales_slices (migration 033) for a manager and a staff
 *   member, never by the orders or the customer-day table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { attributesQuery, customersQueries, listedCustomers, listRemainder } from '../../web/src/features/customers/page-queries.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { dateRangeFor, type RangePreset } from '../../web/src/lib/date-range.ts';
import { drillListRows, parseDrill, parsePage, type DrillSlice } from '../../web/src/lib/drill.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { roleWriteIds, random, randomOrderWrite } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const PRESETS: RangePreset[] = ['last_12_months', 'this_month', 'all', 'today'];
const SIZE = 20;

type Row = Record<string, unknown>;
const money = (v: unknown): string => (v === null || v === undefined ? 'null' : Number(v).toFixed(2));

describe('preset sales drill lists', () => {
  const config = loadConfig();
  const ctx = useTestStack('drill_periods_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let asOf: string;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
  }, 240_000);
  afterAll(async () => probe?.stop());

  const limited = (who: SecurityContext): boolean => who.role === 'staff' || who.role === 'manager';
  const sliceOf = (preset: RangePreset): DrillSlice => parseDrill(new URLSearchParams(`metric=gmv&range=${preset}`), asOf);
  const pageOf = (n: number) => parsePage(new URLSearchParams(`size=${SIZE}&page=${n}`));

  /** Plain SQL: the scope's customers of the range ranked as the list ranks them, and how many buyers the number counts. */
  async function independent(who: SecurityContext, preset: RangePreset): Promise<{ ranked: string[]; buyers: number; gmv: string }> {
    const range = dateRangeFor(preset, asOf);
    const [from, to] = range ?? [null, null];
    const staff = who.role === 'staff' ? who.employeeId : null;
    const team = who.role === 'manager' ? who.teamId : null;
    const facts = ctx.db.sql`
      SELECT o.customer_id, o.amount, e.team_id AS credited_team, o.employee_id AS credited, c.owner_employee_id AS owner, owner.team_id AS owner_team
      FROM siyu.orders AS o
      JOIN siyu.customers AS c ON c.id = o.customer_id
      LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      LEFT JOIN siyu.employees AS owner ON owner.id = c.owner_employee_id
      WHERE o.status = 'paid'
        AND (${from}::date IS NULL OR (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date)
        AND (${staff}::int IS NULL OR o.employee_id = ${staff}::int)
        AND (${team}::int IS NULL OR e.team_id = ${team}::int)`;
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
  async function asked(person: Person, preset: RangePreset, page: number) {
    const slice = sliceOf(preset);
    const q = customersQueries(slice, pageOf(page), limited(person.who), asOf);
    const answer = await person.api.answer(q.list as CubeQuery);
    const rows = drillListRows(answer.data);
    const totalRows = q.list_total ? await person.api.load(q.list_total as CubeQuery) : [];
    const named = listedCustomers(q.list_total, { rows: totalRows }, { totalRows: () => answer.total ?? null })!;
    const loaded = async (query: unknown) => (query ? { rows: await person.api.load(query as CubeQuery) } : undefined);
    const rest = listRemainder(slice, pageOf(page), limited(person.who), asOf, {
      summary: await loaded(q.summary), list_total: await loaded(q.list_total), scope_all: await loaded(q.scope_all), scope_owned: await loaded(q.scope_owned),
    });
    const summary = drillListRows(await person.api.load(q.summary as CubeQuery))[0];
    // The attributes query finds every customer of the page (the 360's scope is the list's).
    const attributes = attributesQuery(slice, rows);
    if (attributes) expect((await person.api.load(attributes as CubeQuery)).length, `${person.who.role} ${preset} attributes`).toBe(rows.length);
    return {
      rows: rows.map((r) => `${r['sales_drill.customer']} ${money(r['sales_drill.gmv'])} ${r['sales_drill.order_count']}`),
      total: named + (rest?.customers ?? 0),
      named,
      gmv: money(summary?.['sales_drill.gmv']),
      queries: q,
    };
  }

  /** The GMV tile of the overview on the same preset: its buyers and GMV. */
  async function tile(person: Person, preset: RangePreset): Promise<{ buyers: number; gmv: string }> {
    const q = overviewQueries(dateRangeFor(preset, asOf), { team: null, channel: null, campaign: null }, 'none', null, asOf);
    const [row] = drillListRows(await person.api.load(q.sales_kpis as CubeQuery));
    const value = (m: string): unknown => row?.[`sales_periods.${m}`] ?? row?.[`sales_buyers.${m}`];
    return { buyers: Number(value('buyers') ?? 0), gmv: money(value('gmv')) };
  }

  async function checkAll(label: string): Promise<void> {
    for (const person of people) {
      for (const preset of PRESETS) {
        const what = `${label} · ${person.who.role} · ${preset}`;
        const expected = await independent(person.who, preset);
        // The list, its header and the tile are separate queries, each refreshed by Cube on its own key's check:
        // after writes, each is awaited until it has caught up, then all must agree with the SQL.
        await expect.poll(async () => {
          const list = await asked(person, preset, 1);
          return { total: list.total, header: list.gmv, tile: await tile(person, preset) };
        }, { timeout: 20_000, interval: 500, message: `${what}: the list's total, its header and the tile` })
          .toEqual({ total: expected.buyers, header: expected.gmv, tile: { buyers: expected.buyers, gmv: expected.gmv } });
        const first = await asked(person, preset, 1);
        expect(first.rows, `${what}: first page`).toEqual(expected.ranked.slice(0, SIZE));
        expect(first.named, `${what}: named customers`).toBe(expected.ranked.length);
        expect(await tile(person, preset), `${what}: the tile`).toEqual({ buyers: first.total, gmv: first.gmv });
        const deepest = Math.max(1, Math.ceil(expected.ranked.length / SIZE));
        const deep = Math.max(1, Math.ceil(deepest * 0.8));
        expect((await asked(person, preset, deep)).rows, `${what}: page ${deep}`).toEqual(expected.ranked.slice((deep - 1) * SIZE, deep * SIZE));
      }
    }
  }

  it('is answered by the stored ranges for the roles that see every fact, and by the sliced table for a team role', async () => {
    for (const { who } of people) {
      for (const preset of PRESETS) {
        const q = customersQueries(sliceOf(preset), pageOf(3), limited(who), asOf);
        for (const query of [q.list, q.list_total].filter((x) => x !== null)) {
          const sql = await probe.sql(who, query as CubeQuery);
          // A team role's list is its own slice of the sliced table (migration 033), the brand's list the brand's table.
          expect(sql, `${who.role} ${preset}`).toMatch(limited(who) ? /\bsiyu\.drill_sales_slices\b/ : /\bsiyu\.drill_sales\b/);
          expect(sql, `${who.role} ${preset}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b/);
        }
        // A team role's remainder: the tile's own period row and the list's total.
        for (const query of [q.scope_all, q.scope_owned, q.summary].filter((x) => x !== null)) {
          expect(await probe.sql(who, query as CubeQuery), `${who.role} ${preset} scope`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b/);
        }
        expect(q.list_total, `${who.role} ${preset}: total query`).not.toBeNull();
        // A team role's remainder is read from the header and the list's total: no scope query of the facts is sent.
        expect(q.scope_all, `${who.role} ${preset}: scope queries`).toBeNull();
      }
    }
    // Two filters, or another sort reads the facts as before (one filter: test/model/drill-slices.test.ts); a custom
    // range reads the paid days' running amounts (test/model/drill-range.test.ts).
    const exec = people[0]!.who;
    const custom = parseDrill(new URLSearchParams(`metric=gmv&from=${dateRangeFor('last_30_days', asOf)![0]}&to=${dateRangeFor('yesterday', asOf)![0]}`), asOf);
    expect(JSON.stringify(customersQueries(custom, pageOf(1), false, asOf).list)).toMatch(/"sales_drill_range(_top)?\./);
    const twoFilters = parseDrill(new URLSearchParams(`metric=gmv&range=last_30_days&team=x&channel=y`), asOf);
    expect(customersQueries(twoFilters, pageOf(1), false, asOf).list_total).toBeNull();
    const sql = await probe.sql(exec, customersQueries(sliceOf('last_12_months'), parsePage(new URLSearchParams('sort=owner')), false, asOf).list as CubeQuery);
    expect(sql).not.toMatch(/\bsiyu\.drill_sales\b/);
  }, 240_000);

  it('equals its tile and plain SQL under every role, first page and a deep page', async () => {
    await checkAll('as seeded');
  }, 600_000);

  it('still does after random new, refunded, moved and deleted orders', async () => {
    const db = ctx.db.sql;
    const pick = async (sql: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(sql)).map((r) => r.id);
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const ids = await roleWriteIds(db, staff, manager, { limit: 2 });
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    const rnd = random(41);
    const day = (back: number): string => {
      const d = new Date(`${asOf}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - back);
      return d.toISOString().slice(0, 10);
    };
    const when = (): string => `${day([0, 0, 1, 5, 20, 40, 200, 400][Math.floor(rnd() * 8)]!)} ${['00:10', '09:00', '23:50'][Math.floor(rnd() * 3)]}+08`;
    for (let step = 0; step < 40; step++) {
      await randomOrderWrite(db, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-5 hours' }, bulkDelete: 'customer' });
    }
    // A large order to one customer, so the first page's order changes too.
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
             VALUES (${next.id++}, ${ids.customers[0]!}, ${staff.employeeId!}, ${ids.channels[0]!}, ${`${asOf} 10:00+08`}, 99999.00, 1, 'premium', 'paid')`;
    await checkAll('after the random writes');
  }, 900_000);
});
