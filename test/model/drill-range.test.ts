/**
 * The sales drill list of a custom range (issue 19): for the roles that see
 * every fact, cut by nothing, its page is read from `sales_drill_range` (each
 * customer's GMV and orders from two rows of the sales paid-day table's
 * running amounts, migration 046) and its total and header from one query of
 * `sales_drill_range_totals` (the same rows summed without pairing them); a
 * team role's list stays on sales_drill with its limits and anonymised
 * remainder. Under exec, ops, manager and staff, on custom ranges (whole
 * months, most of a year, one day, ranges whose edges the writes land on, one
 * inside a month), as seeded and after random inserts, refunds, moves and
 * deletes of orders with owner changes and team moves:
 * - the list's total (named customers + the remainder) equals plain SQL on
 *   the orders and the overview's GMV tile on the same range, and the
 *   header's GMV equals both;
 * - the first page, a deep page and the last page hold the customers plain
 *   SQL ranks there (GMV largest first, then the customer id), with their GMV
 *   and orders;
 * - exec's and ops' list and total read the sales paid-day table, never the
 *   orders or the customer-day table;
 * - the pages by GMV (`sales_drill_range_top`: migration 063's threshold
 *   walk for a first page, migration 066's ranking by the GMV in cents for a
 *   deeper one, each cut in PostgreSQL) equal the full ranking's
 *   (`sales_drill_range`) and plain SQL's, on every range and one whose first
 *   page ends inside a tie, through Cube for exec and ops and from the
 *   functions themselves (walked, ranked in full and left to choose; any
 *   offset and size), as seeded, after the tie's writes and after the random
 *   writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { attributesQuery, customersQueries, listedCustomers, listRemainder } from '../../web/src/features/customers/page-queries.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { drillListRows, parseDrill, parsePage, type DrillSlice } from '../../web/src/lib/drill.ts';
import { RANGE_DRILL_VIEW, RANGE_TOP_MOST, RANGE_TOP_VIEW } from '../../web/src/lib/drill/range.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { randomWritesWithMoves, roleWriteIds } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
/**
 * Custom ranges (none a preset as of 2026-11-20): whole months (on month edges), most of a year, one day, ranges whose
 * edges the writes land on, and one inside a month (its edges on neither side of a month). The writes land on
 * 2025-11-20/21 and 2026-10-31, 11-01, 11-16, 11-19, 11-20 and 2026-10-12.
 */
const RANGES: Array<[string, string]> = [
  ['2026-08-01', '2026-10-31'], ['2025-11-21', '2026-11-16'], ['2026-11-18', '2026-11-18'], ['2025-11-20', '2026-11-01'], ['2026-10-05', '2026-10-27'],
];
const SIZE = 20;
/** A range whose first page ends inside a tie: TIED customers with no paid order in it are each given one of TIE_AMOUNT. */
const TIE_RANGE: [string, string] = ['2026-09-10', '2026-09-12'];
const TIED = 30;
const TIE_AMOUNT = '77777.00';

type Row = Record<string, unknown>;
const money = (v: unknown): string => (v === null || v === undefined ? 'null' : Number(v).toFixed(2));

describe('custom-range sales drill lists', () => {
  const config = loadConfig();
  const ctx = useTestStack('drill_range_model', { demoCustomers: 1500 });
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
  const sliceOf = ([from, to]: [string, string]): DrillSlice => parseDrill(new URLSearchParams(`metric=gmv&from=${from}&to=${to}`), asOf);
  const pageOf = (n: number) => parsePage(new URLSearchParams(`size=${SIZE}&page=${n}`));

  /** Plain SQL: the scope's customers of the range ranked as the list ranks them, and the number's buyers and GMV. */
  async function independent(who: SecurityContext, [from, to]: [string, string]): Promise<{ ranked: string[]; buyers: number; gmv: string }> {
    const staff = who.role === 'staff' ? who.employeeId : null;
    const team = who.role === 'manager' ? who.teamId : null;
    const facts = ctx.db.sql`
      SELECT o.customer_id, o.amount, c.owner_employee_id AS owner, owner.team_id AS owner_team
      FROM siyu.orders AS o
      JOIN siyu.customers AS c ON c.id = o.customer_id
      LEFT JOIN siyu.employees AS e ON e.id = o.employee_id
      LEFT JOIN siyu.employees AS owner ON owner.id = c.owner_employee_id
      WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${from}::date AND ${to}::date
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
  async function asked(person: Person, range: [string, string], page: number) {
    const slice = sliceOf(range);
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
    if (attributes) expect((await person.api.load(attributes as CubeQuery)).length, `${person.who.role} ${range} attributes`).toBe(rows.length);
    return {
      rows: rows.map((r: Row) => `${r['sales_drill.customer']} ${money(r['sales_drill.gmv'])} ${r['sales_drill.order_count']}`),
      total: named + (rest?.customers ?? 0),
      named,
      gmv: money(summary?.['sales_drill.gmv']),
    };
  }

  /** The GMV tile of the overview on the same range: its buyers and GMV. */
  async function tile(person: Person, range: [string, string]): Promise<{ buyers: number; gmv: string }> {
    const q = overviewQueries(range, { team: null, channel: null, campaign: null }, 'none', null, asOf);
    const [row] = drillListRows(await person.api.load(q.sales_kpis as CubeQuery));
    const value = (m: string): unknown => row?.[`sales_range.${m}`] ?? row?.[`sales_buyers.${m}`] ?? row?.[`sales_drill.${m}`];
    return { buyers: Number(value('buyers') ?? 0), gmv: money(value('gmv')) };
  }

  async function checkAll(label: string): Promise<void> {
    for (const person of people) {
      for (const range of RANGES) {
        const what = `${label} · ${person.who.role} · ${range.join('..')}`;
        const expected = await independent(person.who, range);
        // The list, its total, header and the tile are separate queries, each refreshed on its own key's check.
        await expect.poll(async () => {
          const list = await asked(person, range, 1);
          return { total: list.total, header: list.gmv, tile: await tile(person, range), first: list.rows };
        }, { timeout: 20_000, interval: 500, message: `${what}: the list's total, its header, the tile and the first page` })
          .toEqual({ total: expected.buyers, header: expected.gmv, tile: { buyers: expected.buyers, gmv: expected.gmv }, first: expected.ranked.slice(0, SIZE) });
        const last = Math.max(1, Math.ceil(expected.ranked.length / SIZE));
        for (const page of new Set([Math.max(1, Math.ceil(last * 0.8)), last])) {
          const deep = await asked(person, range, page);
          expect(deep.rows, `${what}: page ${page}`).toEqual(expected.ranked.slice((page - 1) * SIZE, page * SIZE));
          expect(deep.named, `${what}: named customers`).toBe(expected.ranked.length);
        }
      }
    }
  }

  /**
   * The walk's first pages against the full ranking and plain SQL on every range and the tie's: the function walked,
   * ranked in full and left to choose, for several page ends; through Cube for exec and ops, pages 1-3 of 20 and of 50
   * from the walk's view equal to the same pages of the full ranking's view.
   */
  async function checkWalk(label: string): Promise<void> {
    const exec = people[0]!;
    for (const range of [...RANGES, TIE_RANGE]) {
      const what = `${label} · ${range.join('..')}`;
      const expected = (await independent(exec.who, range)).ranked;
      const from = ctx.db.sql`(${range[0]}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
      const to = ctx.db.sql`((${range[1]}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 millisecond'`;
      for (const n of [1, SIZE, 50, 3 * SIZE + 1]) {
        for (const walk of [true, false, null]) {
          const rows = await ctx.db.sql<{ row: string }[]>`
            SELECT t.customer_id || ' ' || t.paid_amount::numeric(16, 2) || ' ' || t.paid_orders AS row
            FROM siyu.sales_drill_range_top(${from}, ${to}, ${n}::int, ${walk}::boolean) AS t`;
          expect(rows.map((r) => r.row), `${what}: the first ${n}, walk ${walk}`).toEqual(expected.slice(0, n));
        }
      }
      // Any page, cut in PostgreSQL: the full ranking by the GMV in cents (migration 066) and the page function that
      // chooses it or the walk; offsets at the start, inside the tie, 80 % down and at the end, past the end.
      const len = expected.length;
      for (const skip of [...new Set([0, 7, 25, Math.floor(len * 0.8), Math.max(0, len - 3), len + 5])]) {
        for (const n of [1, SIZE, RANGE_TOP_MOST + 1]) {
          const want = expected.slice(skip, skip + n);
          const ranked = await ctx.db.sql<{ row: string }[]>`
            SELECT t.customer_id || ' ' || t.paid_amount::numeric(16, 2) || ' ' || t.paid_orders AS row
            FROM siyu.sales_drill_range_ranked(${from}, ${to}, ${skip}::int, ${n}::int) AS t`;
          expect(ranked.map((r) => r.row), `${what}: ranked in full, ${n} after ${skip}`).toEqual(want);
          const paged = await ctx.db.sql<{ row: string }[]>`
            SELECT t.customer_id || ' ' || t.paid_amount::numeric(16, 2) || ' ' || t.paid_orders AS row
            FROM siyu.sales_drill_range_page(${from}, ${to}, ${skip}::int, ${skip + n}::int) AS t`;
          expect(paged.map((r) => r.row), `${what}: the page, ${n} after ${skip}`).toEqual(want);
        }
      }
      for (const person of people.filter((p) => !limited(p.who))) {
        for (const [size, page] of [[SIZE, 1], [SIZE, 2], [SIZE, 3], [50, 1], [50, 2]] as const) {
          const q = customersQueries(sliceOf(range), parsePage(new URLSearchParams(`size=${size}&page=${page}`)), false, asOf).list as CubeQuery;
          expect(JSON.stringify(q), `${what}: the walk's view`).toContain(RANGE_TOP_VIEW);
          const full = JSON.parse(JSON.stringify({ ...q, filters: undefined, offset: (page - 1) * size })
            .replaceAll(`"${RANGE_TOP_VIEW}.`, `"${RANGE_DRILL_VIEW}.`)) as CubeQuery;
          const read = async (query: CubeQuery) => drillListRows(await person.api.load(query))
            .map((r: Row) => `${r['sales_drill.customer']} ${money(r['sales_drill.gmv'])} ${r['sales_drill.order_count']}`);
          await expect.poll(async () => ({ walk: await read(q), full: await read(full) }), {
            timeout: 20_000, interval: 500, message: `${what} · ${person.who.role}: page ${page} of ${size}`,
          }).toEqual({ walk: expected.slice((page - 1) * size, page * size), full: expected.slice((page - 1) * size, page * size) });
        }
      }
    }
  }

  it('is answered by the sales paid-day table for the roles that see every fact, by sales_drill for a team role', async () => {
    for (const { who } of people) {
      for (const range of RANGES) {
        const q = customersQueries(sliceOf(range), pageOf(3), limited(who), asOf);
        if (limited(who)) {
          expect(JSON.stringify(q.list), `${who.role} ${range}`).toContain('"sales_drill.customer"');
          continue;
        }
        expect(q.list_total, `${who.role} ${range}: total query`).not.toBeNull();
        // The header is the total's own query: one statement for both.
        expect(q.summary, `${who.role} ${range}: the header's query is the total's`).toEqual(q.list_total);
        // Every page by GMV from the page view, its top the page's end and its skip the page's offset, cut in
        // PostgreSQL (Cube asks no offset); a page past RANGE_TOP_MOST too (the function ranks it in full).
        const equals = (member: string, n: number) => ({ member: `${RANGE_TOP_VIEW}.${member}`, operator: 'equals', values: [String(n)] });
        expect(JSON.stringify(q.list), `${who.role} ${range}: first pages`).toContain(`"${RANGE_TOP_VIEW}.customer"`);
        expect(q.list, `${who.role} ${range}: top and skip`).toMatchObject({ filters: [equals('top', 60), equals('skip', 40)], limit: SIZE });
        expect((q.list as { offset?: number }).offset, `${who.role} ${range}: no offset in Cube`).toBeUndefined();
        const deep = customersQueries(sliceOf(range), parsePage(new URLSearchParams(`size=${SIZE}&page=${RANGE_TOP_MOST / SIZE + 1}`)), false, asOf).list;
        expect(deep, `${who.role} ${range}: deep pages`).toMatchObject({ filters: [equals('top', RANGE_TOP_MOST + SIZE), equals('skip', RANGE_TOP_MOST)] });
        const byCustomer = customersQueries(parseDrill(new URLSearchParams(`metric=buyers&from=${range[0]}&to=${range[1]}`), asOf), pageOf(2), false, asOf).list;
        for (const query of [q.list, deep, byCustomer, q.list_total, q.summary]) {
          const sql = await probe.sql(who, query as CubeQuery);
          // Pages by GMV through migration 066's page function, the list by customer through migration 052's pairs,
          // the total and header straight.
          const read = query === q.list || query === deep ? /\bsiyu\.sales_drill_range_page\(/ : query === byCustomer ? /\bsiyu\.sales_drill_range_rows\(/ : /\bsiyu\.sales_paid_days\b/;
          expect(sql, `${who.role} ${range}`).toMatch(read);
          expect(sql, `${who.role} ${range}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days)\b|COUNT\(DISTINCT/i);
          // The total's GMV and orders from the kept team month and day tables, not the customers' last rows.
          if (query === q.list_total) {
            expect(sql, `${who.role} ${range}: total`).toMatch(/\bsiyu\.sales_team_months\b[\s\S]*\bsiyu\.sales_team_days\b/);
            expect(sql, `${who.role} ${range}: total`).not.toMatch(/\brunning_amount\b|\bnext_day\b/);
          }
        }
        expect(q.scope_all, `${who.role} ${range}: scope queries`).toBeNull();
      }
    }
    // Cut by a team, sorted by another column, or on a preset: not this view.
    const exec = people[0]!.who;
    const cut = parseDrill(new URLSearchParams(`metric=gmv&from=${RANGES[0]![0]}&to=${RANGES[0]![1]}&team=x`), asOf);
    expect(JSON.stringify(customersQueries(cut, pageOf(1), false, asOf).list)).not.toContain('sales_drill_range');
    const byOwner = customersQueries(sliceOf(RANGES[0]!), parsePage(new URLSearchParams('sort=owner')), false, asOf).list;
    expect(await probe.sql(exec, byOwner as CubeQuery)).not.toMatch(/\bsiyu\.sales_paid_days\b/);
    const preset = parseDrill(new URLSearchParams('metric=gmv&range=last_month'), asOf);
    expect(JSON.stringify(customersQueries(preset, pageOf(1), false, asOf).list)).toContain('sales_drill_periods');
    // A team role may not query the views; the walk's view needs its top.
    const staff = people.find((p) => p.who.role === 'staff')!;
    for (const page of [pageOf(1), parsePage(new URLSearchParams(`size=${SIZE}&page=${RANGE_TOP_MOST / SIZE + 1}`))]) {
      const denied = await staff.api.request('POST', '/cubejs-api/v1/load', { query: customersQueries(sliceOf(RANGES[0]!), page, false, asOf).list });
      expect(denied.status).toBe(403);
    }
    const topless = { ...(customersQueries(sliceOf(RANGES[0]!), pageOf(1), false, asOf).list as CubeQuery), filters: [] };
    expect((await people[0]!.api.request('POST', '/cubejs-api/v1/load', { query: topless })).status).toBe(400);
  }, 240_000);

  it('ranks a deep page in two processes and walks the first pages in one (migrations 069, 063)', async () => {
    // PostgreSQL 18 counts the parallel workers each database launched; this file's database is its own.
    const c = await ctx.db.sql.reserve();
    try {
      const launched = async (): Promise<number> => {
        await c`SELECT pg_stat_force_next_flush()`;
        await c`SELECT pg_stat_clear_snapshot()`;
        return Number(one(await c<{ n: string }[]>`
          SELECT parallel_workers_launched AS n FROM pg_stat_database WHERE datname = current_database()`).n);
      };
      const [from, to] = RANGES[1]!;
      const a = c`(${from}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
      const b = c`((${to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 millisecond'`;
      const before = await launched();
      await c`SELECT count(*) FROM siyu.sales_drill_range_page(${a}, ${b}, 1000, 1050)`;
      const deep = await launched();
      expect(deep - before, 'workers launched for a page past the walk').toBe(1);
      await c`SELECT count(*) FROM siyu.sales_drill_range_page(${a}, ${b}, 0, 50)`;
      expect(await launched(), 'workers launched for the first page').toBe(deep);
    } finally {
      c.release();
    }
  });

  it('equals its tile and plain SQL under every role, first, deep and last page', async () => {
    await checkAll('as seeded');
  }, 600_000);

  it("gives the full ranking's first pages by its threshold walk, ties included", async () => {
    await checkWalk('as seeded');
    // TIED customers without a paid order in the tie's range each buy TIE_AMOUNT in it: the first page of 20 ends inside
    // their tie, which the list orders by the customer id.
    const db = ctx.db.sql;
    const tied = await db<{ id: number }[]>`
      SELECT c.id FROM siyu.customers AS c
      WHERE NOT EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = c.id AND o.status = 'paid'
                          AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${TIE_RANGE[0]}::date AND ${TIE_RANGE[1]}::date)
      ORDER BY md5(c.id::text) LIMIT ${TIED}`;
    expect(tied.length).toBe(TIED);
    const next = one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
             SELECT ${next}::int + k, t.id, NULL, (SELECT min(id) FROM siyu.channels), '2026-09-11 12:00+08', ${TIE_AMOUNT}::numeric, 1, 'premium', 'paid'
             FROM unnest(${tied.map((t) => t.id)}::int[]) WITH ORDINALITY AS t (id, k)`;
    const ranked = (await independent(people[0]!.who, TIE_RANGE)).ranked;
    expect(ranked.slice(0, TIED).every((r) => r.split(' ')[1] === TIE_AMOUNT), 'the tie heads the range').toBe(true);
    await checkWalk('after the tie');
  }, 900_000);

  it('still does after random new, refunded, moved and deleted orders, owner changes and team moves', async () => {
    const db = ctx.db.sql;
    const pick = async (sql: string): Promise<number[]> => (await db.unsafe<{ id: number }[]>(sql)).map((r) => r.id);
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    // Written to: every role's customers; of the team's employees, not the manager themself (moved, they would manage another team).
    const ids = await roleWriteIds(db, staff, manager, { limit: 3, without: [manager.employeeId] });
    const teams = await pick('SELECT id FROM siyu.teams ORDER BY id LIMIT 3');
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    const kinds = await randomWritesWithMoves(db, { seed: 46, ids, teams, next, steps: 80, check: async () => {} });
    expect(kinds['team move'], 'team moves among the writes').toBeGreaterThan(0);
    // A large order to one customer inside every range but the one-day one, so the first page's order changes too.
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
             VALUES (${next.id++}, ${ids.customers[0]!}, ${staff.employeeId!}, ${ids.channels[0]!}, '2026-10-31 23:50+08', 99999.00, 1, 'premium', 'paid')`;
    // And one inside the one-month range, so its first page changes as well.
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
             VALUES (${next.id++}, ${ids.customers[1] ?? ids.customers[0]!}, ${staff.employeeId!}, ${ids.channels[0]!}, '2026-10-12 10:00+08', 88888.00, 1, 'premium', 'paid')`;
    await checkAll('after the random writes');
    await checkWalk('after the random writes');
  }, 1_200_000);
});
