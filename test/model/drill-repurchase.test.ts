/**
 * The repurchase list of a preset range (issue 19, docs/performance.md "The
 * repurchase list from stored rows"): its rows are siyu.drill_sales' buyers
 * of the range (the repeat buyers: two or more paid orders), its total, header
 * counts and header rate the tile's own row of siyu.period_owners. Under exec,
 * ops, manager and staff, on three presets, whole and cut by the owner's team,
 * as seeded and after random order writes, owner changes and team moves:
 * - every page (and a deep one) holds the customers plain SQL on the orders
 *   finds, in customer order, each flagged when they bought twice or more;
 * - the list's total, both header counts and the header's rate equal SQL and
 *   the overview's repurchase tile (its own query);
 * - the page's list, total, counts and rate are answered by siyu.drill_sales
 *   and siyu.period_owners, never by the orders or the customer-day table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { customersQueries, listedCustomers } from '../../web/src/features/customers/page-queries.ts';
import { overviewQueries } from '../../web/src/features/overview/page-queries.ts';
import { dateRangeFor, type RangePreset } from '../../web/src/lib/date-range.ts';
import { drillListRows, parseDrill, parsePage } from '../../web/src/lib/drill.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { one } from '../helpers/database.ts';
import { randomWritesWithMoves } from '../helpers/order-writes.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const PRESETS: RangePreset[] = ['last_12_months', 'this_month', 'all'];
const TZ = 'Asia/Shanghai';
const rate = (v: unknown): string => (v === null || v === undefined ? 'null' : Number(v).toFixed(8));

describe('the repurchase list of a preset from stored rows', () => {
  const config = loadConfig();
  const ctx = useTestStack('drill_repurchase', { demoCustomers: 1200 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let asOf: string;
  let teamName: string;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    teamName = one(await ctx.db.sql<{ name: string }[]>`SELECT name FROM siyu.teams WHERE id = ${manager.teamId!}`).name;
  }, 240_000);
  afterAll(async () => probe?.stop());

  const limited = (who: SecurityContext): boolean => who.role === 'staff' || who.role === 'manager';
  const params = (preset: RangePreset, team: string | null, show: string, extra = '') =>
    new URLSearchParams(`metric=repurchase_rate&range=${preset}&show=${show}${team ? `&team=${encodeURIComponent(team)}` : ''}${extra}`);

  /** Plain SQL: the scope's buyers of the range in customer order, as 'id flag' (flag: two or more paid orders). */
  async function independent(who: SecurityContext, preset: RangePreset, team: string | null): Promise<string[]> {
    const [from, to] = dateRangeFor(preset, asOf) ?? [null, null];
    const staff = who.role === 'staff' ? who.employeeId! : null;
    const managed = who.role === 'manager' ? who.teamId! : null;
    const rows = await ctx.db.sql<{ row: string }[]>`
      WITH p AS (
        SELECT customer_id, count(*) AS n FROM siyu.orders
        WHERE status = 'paid' AND (${from}::date IS NULL OR (ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${from}::date AND ${to}::date)
        GROUP BY customer_id)
      SELECT p.customer_id || ' ' || (p.n >= 2) AS row
      FROM p JOIN siyu.customers c ON c.id = p.customer_id
      LEFT JOIN siyu.employees o ON o.id = c.owner_employee_id
      LEFT JOIN siyu.teams t ON t.id = o.team_id
      WHERE (${staff}::int IS NULL OR c.owner_employee_id = ${staff}::int)
        AND (${managed}::int IS NULL OR o.team_id = ${managed}::int)
        AND (${team}::text IS NULL OR t.name = ${team}::text)
      ORDER BY p.customer_id`;
    return rows.map((r) => r.row);
  }

  /** The page's queries as it sends them: every page of the list, its total, both counts, the header's rate. */
  async function asked(person: Person, preset: RangePreset, team: string | null, show: string) {
    const q = (extra = '') => {
      const search = params(preset, team, show, extra);
      return customersQueries(parseDrill(search, asOf), parsePage(search), limited(person.who), asOf);
    };
    const first = q('&size=1000');
    const rows: string[] = [];
    for (let page = 1; ; page++) {
      const data = drillListRows(await person.api.load(q(`&size=1000&page=${page}`).list as CubeQuery));
      rows.push(...data.map((r) => `${r['customer_insights.customer']} ${Number(r['customer_insights.repurchase_rate']) > 0}`));
      if (data.length < 1000) break;
    }
    const count = async (query: unknown) => Number(Object.values((await person.api.load(query as CubeQuery))[0] ?? {})[0] ?? 0);
    const total = listedCustomers(first.list_total, { rows: first.list_total ? await person.api.load(first.list_total as CubeQuery) : [] }, null);
    const [summary] = drillListRows(await person.api.load(first.summary as CubeQuery));
    return {
      rows, total, repeat: await count(first.numerator_count), buyers: await count(first.denominator_count),
      rate: rate(summary?.['customer_insights.repurchase_rate']), deep: async (page: number) => q(`&size=20&page=${page}`),
    };
  }

  /** The overview's repurchase tile on the same preset and team. */
  async function tile(person: Person, preset: RangePreset, team: string | null): Promise<string> {
    const q = overviewQueries(dateRangeFor(preset, asOf), { team, channel: null, campaign: null }, 'none', null, asOf);
    const [row] = await person.api.load(q.repurchase as CubeQuery);
    return rate(row?.['repurchase_periods.repurchase_rate'] ?? row?.['buyer_repurchase.repurchase_rate']);
  }

  async function checkAll(label: string): Promise<void> {
    let repeaters = 0;
    for (const person of people) {
      for (const preset of PRESETS) {
        for (const team of [null, teamName]) {
          const what = `${label} · ${person.who.role} · ${preset} · ${team ?? 'whole'}`;
          const all = await independent(person.who, preset, team);
          const repeat = all.filter((r) => r.endsWith(' true'));
          const expectedRate = rate(all.length === 0 ? null : repeat.length / all.length);
          // Each query is refreshed by Cube on its own key's check: awaited until caught up, then all must agree.
          await expect.poll(async () => {
            const got = await asked(person, preset, team, 'numerator');
            return { total: got.total, repeat: got.repeat, buyers: got.buyers, rate: got.rate, tile: await tile(person, preset, team) };
          }, { timeout: 20_000, interval: 500, message: `${what}: total, counts, rate and tile` })
            .toEqual({ total: repeat.length, repeat: repeat.length, buyers: all.length, rate: expectedRate, tile: expectedRate });
          const numerator = await asked(person, preset, team, 'numerator');
          expect(numerator.rows, `${what}: repeat buyers`).toEqual(repeat);
          const everyone = await asked(person, preset, team, 'all');
          expect(everyone.rows, `${what}: buyers`).toEqual(all);
          expect(everyone.total, `${what}: buyers' total`).toBe(all.length);
          const deep = Math.max(1, Math.ceil(Math.ceil(all.length / 20) * 0.8));
          const page = drillListRows(await person.api.load((await everyone.deep(deep)).list as CubeQuery));
          expect(page.map((r) => `${r['customer_insights.customer']} ${Number(r['customer_insights.repurchase_rate']) > 0}`), `${what}: page ${deep}`)
            .toEqual(all.slice((deep - 1) * 20, deep * 20));
          repeaters += repeat.length > 0 && repeat.length < all.length ? 1 : 0;
        }
      }
    }
    // Most cases hold both repeat and one-time buyers, so neither list is trivially empty or the whole.
    expect(repeaters).toBeGreaterThan(12);
  }

  it('is answered by siyu.drill_sales and siyu.period_owners, never the orders, for every role', async () => {
    for (const { who } of people) {
      for (const show of ['numerator', 'all']) {
        const search = params('last_12_months', teamName, show, '&page=3');
        const q = customersQueries(parseDrill(search, asOf), parsePage(search), limited(who), asOf);
        expect(q.list.total, `${who.role} ${show}: the list asks no total`).toBeUndefined();
        expect(await probe.sql(who, q.list as CubeQuery), `${who.role} ${show} list`).toMatch(/\bsiyu\.drill_sales\b/);
        for (const query of [q.list_total, q.summary, q.numerator_count, q.denominator_count]) {
          expect(query, `${who.role} ${show}`).not.toBeNull();
          expect(await probe.sql(who, query as CubeQuery), `${who.role} ${show}`).toMatch(/\bsiyu\.period_owners\b/);
        }
        for (const query of [q.list, q.list_total, q.summary, q.numerator_count, q.denominator_count]) {
          expect(await probe.sql(who, query as CubeQuery), `${who.role} ${show}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customer_days|customer_paid_days)\b/);
        }
      }
    }
    // A custom range, a channel cut or another order stays on customer_insights.
    const exec = people[0]!.who;
    for (const extra of [`&from=${dateRangeFor('last_30_days', asOf)![0]}&to=${dateRangeFor('yesterday', asOf)![0]}`, '&channel=x', '&sort=owner']) {
      const search = new URLSearchParams(`metric=repurchase_rate${extra}`);
      const q = customersQueries(parseDrill(search, asOf), parsePage(search), false, asOf);
      expect(await probe.sql(exec, q.list as CubeQuery), extra).not.toMatch(/\bsiyu\.drill_sales\b/);
    }
  }, 240_000);

  it('equals SQL and the tile under every role, as seeded and after random writes and owner changes', async () => {
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
      employees: [staff.employeeId!, ...(await pick(`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} ORDER BY id LIMIT 2`)),
        ...(await pick(`SELECT id FROM siyu.employees WHERE team_id <> ${manager.teamId} ORDER BY id LIMIT 1`))],
    };
    const teams = await pick('SELECT id FROM siyu.teams ORDER BY id LIMIT 3');
    const next = { id: one(await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n };
    const kinds = await randomWritesWithMoves(db, { seed: 40, ids, teams, next, steps: 60, check: async () => {} });
    expect(Object.keys(kinds).length).toBeGreaterThan(5);
    await checkAll('after random writes');
  }, 900_000);
});
