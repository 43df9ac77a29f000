/** The live simulator against real tables: deterministic, whole, on the curve, and honest about "now". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { TABLES } from '../../seed/tables.ts';
import { seedDatabase } from '../../seed/load.ts';
import { DEFAULT_LIVE_RATES, type LiveRates } from '../../seed/live-rates.ts';
import { LiveSimulator, startLiveSimulation, trimFuture } from '../../seed/simulate.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const SEED = { customers: 400, seed: 11, asOf: '2026-11-20', timeZone: 'Asia/Shanghai' };
/** 10:00 in Shanghai on as-of, inside 2026 老客回馈季 (11-15 to 11-30). */
const NOW = Date.parse('2026-11-20T10:00:00+08:00');
/** Busy enough that two hours at 400 customers hold a few dozen events. */
const RATES: LiveRates = { ...DEFAULT_LIVE_RATES, participations: 40_000, referrals: 8_000, orders: 16_000, followUps: 8_000, appointments: 4_000 };

async function checksums(db: TestDatabase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const order = table === 'settings' ? 'key' : 'id';
    const [row] = await db.sql.unsafe<{ md5: string; n: number }[]>(
      `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.${order}), '')) AS md5, count(*)::int AS n FROM siyu.${table} AS t`);
    out[table] = `${row!.n}:${row!.md5}`;
  }
  return out;
}

async function simulated(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(label);
  await migrate(db.sql);
  await seedDatabase(db.sql, SEED);
  await trimFuture(db.sql, new Date(NOW));
  const sim = new LiveSimulator(db.sql, { seed: 3, timeZone: 'Asia/Shanghai', customers: SEED.customers, rates: RATES });
  await sim.followCalendar(NOW);
  await sim.run(NOW, NOW + 2 * 3_600_000, 5);
  return db;
}

describe('live simulator', () => {
  let a: TestDatabase;
  let b: TestDatabase;

  beforeAll(async () => {
    a = await simulated('sim_a');
    b = await simulated('sim_b');
  });
  afterAll(async () => {
    await a?.drop();
    await b?.drop();
  });

  it('cuts the seeded history at now', async () => {
    const db = await createTestDatabase('sim_trim');
    try {
      await migrate(db.sql);
      await seedDatabase(db.sql, SEED);
      const [before] = await db.sql<{ n: number }[]>`
        SELECT (SELECT count(*) FROM siyu.events WHERE occurred_at > ${new Date(NOW)})::int AS n`;
      expect(before!.n).toBeGreaterThan(0);
      await trimFuture(db.sql, new Date(NOW));
      const [after] = await db.sql<{ n: number }[]>`
        SELECT ((SELECT count(*) FROM siyu.orders WHERE ordered_at > ${new Date(NOW)})
             + (SELECT count(*) FROM siyu.campaign_participations WHERE joined_at > ${new Date(NOW)})
             + (SELECT count(*) FROM siyu.events WHERE occurred_at > ${new Date(NOW)})
             + (SELECT count(*) FROM siyu.customers WHERE registered_at > ${new Date(NOW)})
             + (SELECT count(*) FROM siyu.appointments WHERE booked_at > ${new Date(NOW)} OR arrived_at > ${new Date(NOW)}))::int AS n`;
      expect(after!.n).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('writes the same rows for the same seed and clock', async () => {
    expect(await checksums(b)).toEqual(await checksums(a));
  });

  it('appends every kind of fact for the running campaign inside the window, through the ordinary tables', async () => {
    const window = [new Date(NOW), new Date(NOW + 2 * 3_600_000)];
    const [row] = await a.sql<Record<string, number>[]>`
      WITH c AS (SELECT id FROM siyu.campaigns WHERE name = '2026 老客回馈季')
      SELECT (SELECT count(*)::int FROM siyu.campaign_participations WHERE campaign_id = (SELECT id FROM c) AND joined_at >= ${window[0]!}) AS participations,
             (SELECT count(*)::int FROM siyu.campaign_participations WHERE campaign_id = (SELECT id FROM c) AND joined_at >= ${window[0]!}
                AND invited_by_customer_id IS NOT NULL) AS referrals,
             (SELECT count(*)::int FROM siyu.customers WHERE registered_at >= ${window[0]!} AND referred_by_customer_id IS NOT NULL) AS new_referred,
             (SELECT count(*)::int FROM siyu.orders WHERE campaign_id = (SELECT id FROM c) AND ordered_at >= ${window[0]!}) AS orders,
             (SELECT count(*)::int FROM siyu.orders WHERE campaign_id = (SELECT id FROM c) AND ordered_at >= ${window[0]!} AND status = 'refunded') AS refunds,
             (SELECT count(*)::int FROM siyu.follow_ups WHERE occurred_at >= ${window[0]!}) AS follow_ups,
             (SELECT count(*)::int FROM siyu.appointments WHERE booked_at >= ${window[0]!}) AS appointments,
             (SELECT count(*)::int FROM siyu.orders WHERE ordered_at >= ${window[1]!}) AS late,
             (SELECT count(*)::int FROM siyu.orders o JOIN siyu.customers c ON c.id = o.customer_id WHERE o.ordered_at < c.registered_at) AS before_registration`;
    expect(row!.participations).toBeGreaterThan(10);
    expect(row!.referrals).toBeGreaterThan(0);
    expect(row!.new_referred).toBe(row!.referrals);
    expect(row!.orders).toBeGreaterThan(5);
    expect(row!.follow_ups).toBeGreaterThan(0);
    expect(row!.appointments).toBeGreaterThan(0);
    expect(row!.late).toBe(0);
    expect(row!.before_registration).toBe(0);
  });

  it('counts the segments page\'s new default journey when a live run crosses midnight', async () => {
    const db = await createTestDatabase('sim_midnight');
    try {
      await migrate(db.sql);
      await seedDatabase(db.sql, SEED);
      // The clock starts 3 s before midnight of as-of (as-of stays) and moves 2 s each time it is read.
      let clock = Date.parse('2026-11-20T23:59:55+08:00');
      const run = await startLiveSimulation(db.sql, { seed: 3, timeZone: 'Asia/Shanghai', customers: SEED.customers, rates: RATES, slotSeconds: 1,
        now: () => (clock += 2000) });
      const pair = async () => (await db.sql<{ pair: string }[]>`
        SELECT from_day::text || ' ' || to_day::text AS pair FROM siyu.journey_count_pairs WHERE to_day = '2026-11-21'`).map((r) => r.pair);
      await expect.poll(pair, { timeout: 30_000, interval: 200 }).toEqual(['2026-08-23 2026-11-21']);
      await run.stop();
    } finally {
      await db.drop();
    }
  }, 120_000);
});
