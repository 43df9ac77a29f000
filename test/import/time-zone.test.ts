/**
 * The business time zone of a first load is recorded before any row: the
 * customer-day table's days are local days in that zone (not in the default
 * one, which is what the triggers read while no zone was recorded), and a
 * later import asking another zone is refused and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { fingerprint, importFolder, SAMPLE } from './helpers.ts';

const ZONE = 'America/New_York';

describe('an import in another business time zone than the default', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('import_zone');
    await migrate(db.sql);
  });
  afterAll(async () => db?.drop());

  it('cuts the orders into the local days of its zone from the first row on', async () => {
    const report = await importFolder(db.sql, SAMPLE, { timeZone: ZONE });
    expect(report.problems).toEqual([]);
    expect(report.result).toBe('imported');
    const [zone] = await db.sql<{ value: string }[]>`SELECT value FROM siyu.settings WHERE key = 'time_zone'`;
    expect(zone!.value).toBe(ZONE);
    // The paid orders' local days in New York, summed per customer and day, computed here from the orders.
    const expected = await db.sql<{ customer_id: number; day: string; orders: number; amount: string }[]>`
      SELECT customer_id, ((ordered_at AT TIME ZONE ${ZONE})::date)::text AS day, count(*)::int AS orders, sum(amount)::text AS amount
      FROM siyu.orders WHERE status = 'paid' GROUP BY 1, 2 ORDER BY 1, 2`;
    const stored = await db.sql<{ customer_id: number; day: string; orders: number; amount: string }[]>`
      SELECT customer_id, ((day_start AT TIME ZONE ${ZONE})::date)::text AS day, sum(paid_orders)::int AS orders, sum(paid_amount)::text AS amount
      FROM siyu.customer_days GROUP BY 1, 2 HAVING sum(paid_orders) > 0 ORDER BY 1, 2`;
    expect(stored).toEqual(expected);
    // Each day starts at local midnight in the zone.
    const [offMidnight] = await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.customer_days WHERE (day_start AT TIME ZONE ${ZONE})::time <> '00:00'`;
    expect(offMidnight!.n).toBe(0);
    // The sample has orders whose day differs between the two zones, so the check above can tell them apart.
    const [differ] = await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.orders
      WHERE (ordered_at AT TIME ZONE ${ZONE})::date <> (ordered_at AT TIME ZONE 'Asia/Shanghai')::date`;
    expect(differ!.n).toBeGreaterThan(0);
  });

  it('refuses a later import in another zone, naming both, and writes nothing', async () => {
    const before = await fingerprint(db.sql);
    const report = await importFolder(db.sql, SAMPLE, { timeZone: 'Asia/Shanghai' });
    expect(report.result).toBe('refused');
    const reasons = report.problems.map((p) => p.reason.en);
    expect(reasons).toEqual([expect.stringContaining(`business time zone ${ZONE}`)]);
    expect(reasons[0]).toContain('Asia/Shanghai');
    expect(await fingerprint(db.sql)).toEqual(before);
  });
});
