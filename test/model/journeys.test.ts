/**
 * Journey flows: every from × to count of every classification equals the
 * two classifications computed by independent SQL (test/helpers/
 * independent-sql.ts) on the same generated brand, and a move's drill list
 * holds exactly the customers who made it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDrillQuery, journeyDayFilters, JOURNEY_FAMILIES, parseDrill, toDrillRows, type JourneyFamily } from '../../web/src/lib/drill.ts';
import { buildJourneyQuery, journeyDrillParams } from '../../web/src/features/segments/journey-flows/build-query.ts';
import { profileSql } from '../helpers/independent-sql.ts';
import { useTestStack } from '../helpers/stack.ts';

const AS_OF = '2026-11-20';
/** Two windows: the default quarter up to as-of, and one in the past that new registrations cross. */
const WINDOWS: Array<[string, string]> = [['2026-08-22', AS_OF], ['2025-12-31', '2026-06-30']];

describe('journey flows', () => {
  const ctx = useTestStack('journeys', { demoCustomers: 1500 });

  beforeAll(async () => {
    await ctx.db.sql`CREATE SCHEMA journey_expect`;
    for (const [i, [from, to]] of WINDOWS.entries()) {
      await ctx.db.sql.unsafe(profileSql(`journey_expect.from_${i}`, `'${from}'`));
      await ctx.db.sql.unsafe(profileSql(`journey_expect.to_${i}`, `'${to}'`));
    }
  });
  afterAll(async () => {
    await ctx.db.sql`DROP SCHEMA IF EXISTS journey_expect CASCADE`;
  });

  /** from → to → customers by independent SQL: a customer missing on the start day was not registered yet. */
  const expected = async (i: number, family: JourneyFamily, where = 'TRUE'): Promise<Record<string, number>> => {
    const stage = (alias: string) => (family === 'rfm_segment' ? `coalesce(${alias}.${family}, 'none')` : `${alias}.${family}`);
    const rows = await ctx.db.sql.unsafe<{ k: string; n: number }[]>(`
      SELECT CASE WHEN f.id IS NULL THEN 'not_registered' ELSE ${stage('f')} END || ' → ' || ${stage('t')} AS k, count(*)::int AS n
      FROM journey_expect.to_${i} t
      LEFT JOIN journey_expect.from_${i} f ON f.id = t.id
      WHERE ${where}
      GROUP BY 1`);
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  };
  const actual = (family: JourneyFamily, rows: ReadonlyArray<Record<string, unknown>>): Record<string, number> =>
    Object.fromEntries(rows.map((r) => [`${r[`journey_flows.from_${family}`]} → ${r[`journey_flows.to_${family}`]}`, Number(r['journey_flows.customers'])]));

  for (const [i, [fromDate, toDate]] of WINDOWS.entries()) {
    for (const family of JOURNEY_FAMILIES) {
      it(`${family} from ${fromDate} to ${toDate}: each transition count equals independent SQL`, async () => {
        const rows = await ctx.api.load({ ...buildJourneyQuery({ family, fromDate, toDate }, { team: null, channel: null }) });
        const want = await expected(i, family);
        expect(actual(family, rows)).toEqual(want);
        // Not a trivial matrix: customers did move, and some only registered in the window.
        expect(Object.keys(want).filter((k) => { const [a, b] = k.split(' → '); return a !== b; }).length).toBeGreaterThan(2);
        expect(Object.keys(want).some((k) => k.startsWith('not_registered'))).toBe(true);
      });
    }
  }

  it('a move opens exactly the customers who made it, with their owners', async () => {
    const [fromDate, toDate] = WINDOWS[0]!;
    const rows = await ctx.api.load({ ...buildJourneyQuery({ family: 'lifecycle_stage', fromDate, toDate }, { team: null, channel: null }) });
    const moved = rows
      .filter((r) => r['journey_flows.from_lifecycle_stage'] !== r['journey_flows.to_lifecycle_stage'])
      .sort((a, b) => Number(b['journey_flows.customers']) - Number(a['journey_flows.customers']))[0]!;
    const from = String(moved['journey_flows.from_lifecycle_stage']);
    const to = String(moved['journey_flows.to_lifecycle_stage']);
    const choice = { family: 'lifecycle_stage' as const, fromDate, toDate };
    const slice = parseDrill(new URLSearchParams(journeyDrillParams(choice, from, to)), AS_OF);
    const list = toDrillRows('journey', await ctx.api.load({ ...buildDrillQuery(slice, { offset: 0, limit: 1000, sort: null, desc: false }) }));
    const want = await ctx.db.sql.unsafe<{ id: number; owner: string }[]>(`
      SELECT t.id, e.name AS owner
      FROM journey_expect.to_0 t
      LEFT JOIN journey_expect.from_0 f ON f.id = t.id
      LEFT JOIN siyu.employees e ON e.id = t.owner_employee_id
      WHERE coalesce(f.lifecycle_stage, 'not_registered') = $1 AND t.lifecycle_stage = $2
      ORDER BY t.id`, [from, to]);
    expect(list.length).toBe(Number(moved['journey_flows.customers']));
    expect(list.map((r) => [r.customer, r.values.owner])).toEqual(want.map((w) => [w.id, w.owner]));
  });

  it("a manager's flows are their team's customers only", async () => {
    const manager = await ctx.stack.client('manager', 'demo');
    const [fromDate, toDate] = WINDOWS[0]!;
    const rows = await manager.load({ ...buildJourneyQuery({ family: 'aipl_stage', fromDate, toDate }, { team: null, channel: null }) });
    const [team] = await ctx.db.sql<{ id: number }[]>`
      SELECT e.team_id AS id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`;
    const want = await expected(0, 'aipl_stage', `t.owner_employee_id IN (SELECT id FROM siyu.employees WHERE team_id = ${Number(team!.id)})`);
    expect(actual('aipl_stage', rows)).toEqual(want);
  });

  it('refuses a journey query without both days', async () => {
    const [fromDate] = WINDOWS[0]!;
    const error = await ctx.api.load({
      measures: ['journey_flows.customers'],
      dimensions: ['journey_flows.to_lifecycle_stage'],
      filters: [journeyDayFilters(fromDate, AS_OF)[0]!],
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/journey_flows\.to_date/);
  });

  it('keeps a classified day until the facts change, then classifies it again', async () => {
    const [fromDate, toDate] = WINDOWS[1]!;
    const query = { ...buildJourneyQuery({ family: 'lifecycle_stage', fromDate, toDate }, { team: null, channel: null }) };
    const builds = () => ctx.db.sql<{ day: string; version: string; built_at: Date }[]>`
      SELECT day::text, version, built_at FROM siyu.classification_day_builds WHERE day IN (${fromDate}::date, ${toDate}::date) ORDER BY day`;
    await ctx.api.load(query);
    const first = await builds();
    expect(first.map((b) => b.day)).toEqual([fromDate, toDate]);
    // Asked again (Cube's cache defeated by another limit): read, not built again.
    await ctx.api.load({ ...query, limit: 777 });
    expect(await builds()).toEqual(first);

    // A customer's orders up to the start day go away: both days must be classified again.
    const [customer] = await ctx.db.sql<{ id: number }[]>`
      SELECT customer_id AS id FROM siyu.orders WHERE status = 'paid' AND ordered_at < ${fromDate}::date
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`;
    await ctx.db.sql`DELETE FROM siyu.orders WHERE customer_id = ${customer!.id}`;
    await ctx.db.sql`DROP TABLE journey_expect.from_1, journey_expect.to_1`;
    await ctx.db.sql.unsafe(profileSql('journey_expect.from_1', `'${fromDate}'`));
    await ctx.db.sql.unsafe(profileSql('journey_expect.to_1', `'${toDate}'`));
    const want = await expected(1, 'lifecycle_stage');
    await expect.poll(async () => actual('lifecycle_stage', await ctx.api.load({ ...query, limit: 778 })), { timeout: 30_000, interval: 1000 }).toEqual(want);
    const again = await builds();
    expect(again.map((b) => b.version)).not.toContain(first[0]!.version);
  });

  it('keeps only the most recently built days', async () => {
    const [{ kept }] = await ctx.db.sql<[{ kept: number }]>`SELECT siyu.classification_days_kept() AS kept`;
    for (let d = 1; d <= kept + 2; d++) await ctx.db.sql`SELECT count(*) FROM siyu.classification_on(${`2026-01-${String(d).padStart(2, '0')}`}::date)`;
    const days = await ctx.db.sql<{ day: string }[]>`SELECT day::text FROM siyu.classification_day_builds ORDER BY day`;
    expect(days.length).toBe(kept);
    const [{ orphans }] = await ctx.db.sql<[{ orphans: number }]>`
      SELECT count(*)::int AS orphans FROM siyu.classification_day_rows WHERE day NOT IN (SELECT day FROM siyu.classification_day_builds)`;
    expect(orphans).toBe(0);
    expect(days.at(-1)!.day).toBe(`2026-01-${String(kept + 2).padStart(2, '0')}`);
  });
});
