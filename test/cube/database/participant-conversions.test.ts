/**
 * The participant conversions table (migration 019) stays equal to the
 * participations with "converted" decided afresh from the paid orders
 * (written here as plain SQL) through every kind of write to either:
 * single and bulk participations, moves and deletes; paid orders with and
 * without the campaign, refunds, un-refunds, campaign and customer moves,
 * amount corrections, single and bulk deletes; TRUNCATE; and writers of the
 * same customer at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { concurrentParticipationWriters, participantConversionDifferences as differences } from '../../helpers/participant-conversions.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { random } from '../../helpers/order-writes.ts';

describe('the participant conversions table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[] };
  let nextOrder: number;
  let nextParticipation: number;

  beforeAll(async () => {
    db = await createTestDatabase('participant_conversions');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf: '2026-11-20' });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: (await pick('campaigns')).slice(0, 5), employees: await pick('employees') };
    nextOrder = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
    nextParticipation = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.campaign_participations`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the participations, with converted and unconverted rows, and counted as a data table', async () => {
    const [counts] = await db.sql<{ all: number; converted: number }[]>`
      SELECT count(*)::int AS all, count(*) FILTER (WHERE converted)::int AS converted FROM siyu.participant_conversions`;
    expect(counts!.all).toBeGreaterThan(300);
    expect(counts!.converted).toBeGreaterThan(20);
    expect(counts!.converted).toBeLessThan(counts!.all);
    expect(await differences(db.sql)).toEqual([]);
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('participant_conversions') AS v`).v;
    await db.sql`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
                 VALUES (${nextParticipation++}, ${ids.campaigns[0]!}, ${ids.customers[11]!}, NULL, ${ids.channels[0]!}, '2026-11-20 09:00+08')
                 ON CONFLICT DO NOTHING`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('participant_conversions') AS v`).v).not.toBe(before);
  });

  it('stays equal through a random mix of participation and order writes', async () => {
    const rnd = random(19);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const orNull = <T>(xs: readonly T[]): T | null => (rnd() < 0.3 ? null : any(xs));
    const when = (): string => `2026-11-${String(10 + Math.floor(rnd() * 10)).padStart(2, '0')} ${any(['00:10', '09:00', '23:50'])}+08`;
    // Few customers and campaigns, so writes land on pairs that already have participations and orders.
    const customers = ids.customers.slice(0, 5);
    const kinds: Record<string, number> = {};
    const converted = new Set<number>();
    const order = (customer: number, campaign: number | null, status: string): Promise<unknown> =>
      db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
             VALUES (${nextOrder++}, ${customer}, ${orNull(ids.employees)}, ${any(ids.channels)}, ${campaign}, ${when()}, 9.90, 1, 'core', ${status})`;
    for (let step = 0; step < 400; step++) {
      const customer = any(customers);
      const roll = rnd();
      const kind = roll < 0.12 ? 'join' : roll < 0.17 ? 'bulk join' : roll < 0.22 ? 'move participation' : roll < 0.27 ? 'leave'
        : roll < 0.3 ? 'bulk leave' : roll < 0.45 ? 'order' : roll < 0.52 ? 'bulk order' : roll < 0.62 ? 'refund' : roll < 0.67 ? 'unrefund'
          : roll < 0.75 ? 'move campaign' : roll < 0.79 ? 'move customer' : roll < 0.84 ? 'correct amount' : roll < 0.94 ? 'delete order' : 'bulk delete orders';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const myOrder = db.sql`SELECT id FROM siyu.orders WHERE customer_id = ${customer} AND (campaign_id = ANY(${ids.campaigns}) OR random() < 0.2) ORDER BY random() LIMIT 1`;
      const myParticipation = db.sql`SELECT id FROM siyu.campaign_participations WHERE customer_id = ${customer} ORDER BY random() LIMIT 1`;
      switch (kind) {
        case 'join':
          await db.sql`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
            VALUES (${nextParticipation++}, ${any(ids.campaigns)}, ${customer}, ${orNull(ids.employees)}, ${any(ids.channels)}, ${when()}, ${rnd() < 0.3 ? any(ids.customers) : null})
            ON CONFLICT DO NOTHING`;
          break;
        case 'bulk join':
          await db.sql`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
            SELECT ${nextParticipation} + g, (${ids.campaigns}::int[])[1 + g % 5], (${customers}::int[])[1 + (g / 5) % 5], ${any(ids.employees)}, ${any(ids.channels)},
                   ${when()}::timestamptz + g * interval '3 minutes'
            FROM generate_series(0, 24) AS g
            ON CONFLICT DO NOTHING`;
          nextParticipation += 25;
          break;
        case 'move participation':
          await db.sql`UPDATE siyu.campaign_participations SET campaign_id = ${any(ids.campaigns)}, channel_id = ${any(ids.channels)}, employee_id = ${orNull(ids.employees)}
            WHERE id IN (${myParticipation})`
            // Onto a campaign the customer already joined: refused by the participations' own key, nothing written.
            .catch((error: Error) => { if (!/duplicate key/.test(error.message)) throw error; });
          break;
        case 'leave': await db.sql`DELETE FROM siyu.campaign_participations WHERE id IN (${myParticipation})`; break;
        case 'bulk leave': await db.sql`DELETE FROM siyu.campaign_participations WHERE customer_id = ${customer} AND joined_at >= ${when()}`; break;
        case 'order': await order(customer, orNull(ids.campaigns), rnd() < 0.85 ? 'paid' : 'refunded'); break;
        case 'bulk order': {
          const n = 2 + Math.floor(rnd() * 20);
          await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
            SELECT ${nextOrder} + g, (${customers}::int[])[1 + g % 5], NULL, ${any(ids.channels)}, CASE WHEN g % 3 <> 0 THEN (${ids.campaigns}::int[])[1 + g % 5] END,
                   ${when()}::timestamptz + g * interval '7 minutes', 1.00, 1, 'traffic', CASE WHEN g % 4 = 0 THEN 'refunded' ELSE 'paid' END
            FROM generate_series(0, ${n - 1}) AS g`;
          nextOrder += n;
          break;
        }
        case 'refund': await db.sql`UPDATE siyu.orders SET status = 'refunded' WHERE id IN (${myOrder})`; break;
        case 'unrefund': await db.sql`UPDATE siyu.orders SET status = 'paid' WHERE customer_id = ${customer} AND status = 'refunded'`; break;
        case 'move campaign': await db.sql`UPDATE siyu.orders SET campaign_id = ${orNull(ids.campaigns)} WHERE id IN (${myOrder})`; break;
        case 'move customer': await db.sql`UPDATE siyu.orders SET customer_id = ${any(customers)} WHERE id IN (${myOrder})`; break;
        case 'correct amount': await db.sql`UPDATE siyu.orders SET amount = amount + 1.01 WHERE customer_id = ${customer}`; break;
        case 'delete order': await db.sql`DELETE FROM siyu.orders WHERE id IN (${myOrder})`; break;
        case 'bulk delete orders': await db.sql`DELETE FROM siyu.orders WHERE customer_id = ${customer} AND campaign_id = ${any(ids.campaigns)}`; break;
      }
      if (step % 50 === 49) expect(await differences(db.sql), `after step ${step} (${kind})`).toEqual([]);
      if (step % 20 === 19) {
        converted.add(one(await db.sql<{ n: number }[]>`
          SELECT count(*) FILTER (WHERE converted)::int AS n FROM siyu.participant_conversions WHERE customer_id = ANY(${customers})`).n);
      }
    }
    expect(Object.keys(kinds).length).toBe(14);
    // The writes did turn participations converted and back.
    expect(converted.size).toBeGreaterThan(3);
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('stays equal when a participation and its first campaign order are written at once, and under many concurrent writers', async () => {
    // The race a lock must close: one transaction adds the participation (its flag read from the orders it
    // sees), another the customer's first paid order of that campaign (updating participations it sees).
    for (let k = 0; k < 4; k++) {
      const customer = ids.customers[6 + k]!;
      const campaign = ids.campaigns[k]!;
      await db.sql`DELETE FROM siyu.campaign_participations WHERE customer_id = ${customer} AND campaign_id = ${campaign}`;
      await db.sql`DELETE FROM siyu.orders WHERE customer_id = ${customer} AND campaign_id = ${campaign}`;
      const [p, o] = [nextParticipation++, nextOrder++];
      const join = db.sql.begin(async (tx) => {
        await tx`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, channel_id, joined_at)
                 VALUES (${p}, ${campaign}, ${customer}, ${ids.channels[0]!}, '2026-11-18 10:00+08')`;
        await tx`SELECT pg_sleep(${k % 2 === 0 ? 0.3 : 0})`;
      });
      const buy = db.sql.begin(async (tx) => {
        await tx`SELECT pg_sleep(${k % 2 === 0 ? 0.1 : 0.05})`;
        await tx`INSERT INTO siyu.orders (id, customer_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
                 VALUES (${o}, ${customer}, ${ids.channels[0]!}, ${campaign}, '2026-11-18 11:00+08', 20.00, 1, 'core', 'paid')`;
        await tx`SELECT pg_sleep(${k % 2 === 0 ? 0 : 0.3})`;
      });
      await Promise.all([join, buy]);
      expect(one(await db.sql<{ c: boolean }[]>`SELECT converted AS c FROM siyu.participant_conversions WHERE participation_id = ${p}`).c, `race ${k}`).toBe(true);
    }
    expect(await differences(db.sql)).toEqual([]);

    const rnd = random(7);
    const base = nextOrder;
    nextOrder += 1000;
    const participations = { id: nextParticipation };
    await concurrentParticipationWriters(db.sql, { rnd, ids, base, nextParticipation: participations });
    nextParticipation = participations.id;
    expect(await differences(db.sql)).toEqual([]);
  }, 240_000);

  it('is emptied with the participations, unconverted with the orders, and rebuilt equal by siyu.rebuild_participant_conversions()', async () => {
    await db.sql`UPDATE siyu.participant_conversions SET converted = NOT converted WHERE customer_id = ${ids.customers[0]!}`;
    expect(await differences(db.sql)).not.toEqual([]);
    await db.sql`SELECT siyu.rebuild_participant_conversions()`;
    expect(await differences(db.sql)).toEqual([]);
    const rollback = (error: unknown): void => { if (String(error) !== 'Error: rollback') throw error; };
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.orders CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*) FILTER (WHERE converted)::int AS n FROM siyu.participant_conversions`).n).toBe(0);
      await tx`TRUNCATE siyu.campaign_participations CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.participant_conversions`).n).toBe(0);
      throw new Error('rollback');
    }).catch(rollback);
  });
});
