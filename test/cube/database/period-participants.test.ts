/**
 * The participants' period table (migration 028) stays equal to the
 * participations and their converted flag decided afresh from the paid
 * orders (plain SQL over the presets' ranges of web/src/lib/date-range.ts),
 * and to a fresh rebuild, through single and bulk participations, moves and
 * deletes, paid orders with and without the campaign, refunds, un-refunds,
 * campaign and customer moves, order deletes, writers of the same customers
 * at once, an employee moved to another team, the as-of date moving, a
 * statement touching more than 5,000 customers, and TRUNCATE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';
import { random } from '../../helpers/order-writes.ts';
import { concurrentParticipationWriters } from '../../helpers/participant-conversions.ts';
import { periodParticipantsDifferences, periodParticipantsRows } from '../../helpers/period-participants.ts';
import { presetRanges } from '../../helpers/period-sales.ts';

describe('the participants period table', () => {
  let db: TestDatabase;
  let ids: { customers: number[]; channels: number[]; campaigns: number[]; employees: number[]; teams: number[] };
  let nextOrder: number;
  let nextParticipation: number;
  let asOf = '2026-11-20';

  /** Equal to the participations and orders, and to what a rebuild from scratch gives. */
  async function expectExact(label: string): Promise<void> {
    expect(await periodParticipantsDifferences(db.sql, asOf), label).toEqual([]);
    const kept = await periodParticipantsRows(db.sql);
    await db.sql`SELECT siyu.roll_period_participants(true)`;
    expect(await periodParticipantsRows(db.sql), `${label}: a rebuild`).toEqual(kept);
  }

  beforeAll(async () => {
    db = await createTestDatabase('period_participants');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 600, seed: 5, asOf });
    const pick = async (table: string): Promise<number[]> =>
      (await db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 12`)).map((r) => r.id);
    ids = {
      customers: await pick('customers'), channels: await pick('channels'), campaigns: (await pick('campaigns')).slice(0, 5),
      employees: await pick('employees'), teams: await pick('teams'),
    };
    nextOrder = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`).n;
    nextParticipation = one(await db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.campaign_participations`).n;
  }, 240_000);
  afterAll(async () => db?.drop());

  it('is built by the seed equal to the participations, holds the presets\' ranges, and is counted as a data table', async () => {
    const [counts] = await db.sql<{ n: number; converted: number; fission: number }[]>`
      SELECT count(*)::int AS n, sum(converted)::int AS converted, sum(fission)::int AS fission FROM siyu.period_participants`;
    expect(counts!.n).toBeGreaterThan(1000);
    expect(counts!.converted).toBeGreaterThan(0);
    expect(counts!.fission).toBeGreaterThan(0);
    const periods = await db.sql<{ period: string }[]>`SELECT period FROM siyu.participant_periods`;
    expect(periods.map((p) => p.period).sort()).toEqual([...presetRanges(asOf).keys()].sort());
    await expectExact('seeded');
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('period_participants') AS v`).v;
    await db.sql`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
                 VALUES (${nextParticipation++}, ${ids.campaigns[0]!}, ${ids.customers[11]!}, NULL, ${ids.channels[0]!}, '2026-11-20 09:00+08')
                 ON CONFLICT DO NOTHING`;
    expect(one(await db.sql<{ v: string }[]>`SELECT siyu.data_version('period_participants') AS v`).v).not.toBe(before);
  });

  it('stays exact through a random mix of participation and order writes', async () => {
    const rnd = random(23);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const orNull = <T>(xs: readonly T[]): T | null => (rnd() < 0.3 ? null : any(xs));
    // Days on the edges of the ranges (today, yesterday, a week, a month, a year ago) and around midnight in Shanghai.
    const when = (): string => `${any(['2026-11-20', '2026-11-19', '2026-11-16', '2026-11-15', '2026-11-01', '2026-10-31', '2026-10-21', '2025-11-20', '2025-11-21', '2026-11-21'])} ${any(['00:10', '09:00', '15:59', '16:01', '23:50'])}+08`;
    const customers = ids.customers.slice(0, 6);
    const kinds: Record<string, number> = {};
    const order = (customer: number, campaign: number | null, status: string): Promise<unknown> =>
      db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
             VALUES (${nextOrder++}, ${customer}, ${orNull(ids.employees)}, ${any(ids.channels)}, ${campaign}, ${when()}, 9.90, 1, 'core', ${status})`;
    for (let step = 0; step < 300; step++) {
      const customer = any(customers);
      const roll = rnd();
      const kind = roll < 0.15 ? 'join' : roll < 0.2 ? 'bulk join' : roll < 0.3 ? 'move participation' : roll < 0.35 ? 'leave'
        : roll < 0.38 ? 'bulk leave' : roll < 0.55 ? 'order' : roll < 0.6 ? 'bulk order' : roll < 0.7 ? 'refund' : roll < 0.75 ? 'unrefund'
          : roll < 0.83 ? 'move campaign' : roll < 0.87 ? 'move customer' : roll < 0.95 ? 'delete order' : 'bulk delete orders';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      const myOrder = db.sql`SELECT id FROM siyu.orders WHERE customer_id = ${customer} AND (campaign_id = ANY(${ids.campaigns}) OR random() < 0.2) ORDER BY random() LIMIT 1`;
      const myParticipation = db.sql`SELECT id FROM siyu.campaign_participations WHERE customer_id = ${customer} ORDER BY random() LIMIT 1`;
      switch (kind) {
        case 'join':
          await db.sql`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
            VALUES (${nextParticipation++}, ${any(ids.campaigns)}, ${customer}, ${orNull(ids.employees)}, ${any(ids.channels)}, ${when()}, ${rnd() < 0.4 ? any(ids.customers) : null})
            ON CONFLICT DO NOTHING`;
          break;
        case 'bulk join':
          await db.sql`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
            SELECT ${nextParticipation} + g, (${ids.campaigns}::int[])[1 + g % 5], (${customers}::int[])[1 + (g / 5) % 6], ${orNull(ids.employees)}, ${any(ids.channels)},
                   ${when()}::timestamptz + g * interval '5 hours', CASE WHEN g % 3 = 0 THEN ${ids.customers[11]!}::int END
            FROM generate_series(0, 29) AS g
            ON CONFLICT DO NOTHING`;
          nextParticipation += 30;
          break;
        case 'move participation':
          await db.sql`UPDATE siyu.campaign_participations SET campaign_id = ${any(ids.campaigns)}, channel_id = ${any(ids.channels)}, employee_id = ${orNull(ids.employees)},
              joined_at = ${when()}
            WHERE id IN (${myParticipation})`
            .catch((error: Error) => { if (!/duplicate key/.test(error.message)) throw error; });
          break;
        case 'leave': await db.sql`DELETE FROM siyu.campaign_participations WHERE id IN (${myParticipation})`; break;
        case 'bulk leave': await db.sql`DELETE FROM siyu.campaign_participations WHERE customer_id = ${customer} AND joined_at >= ${when()}`; break;
        case 'order': await order(customer, orNull(ids.campaigns), rnd() < 0.85 ? 'paid' : 'refunded'); break;
        case 'bulk order': {
          const n = 2 + Math.floor(rnd() * 20);
          await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
            SELECT ${nextOrder} + g, (${customers}::int[])[1 + g % 6], NULL, ${any(ids.channels)}, CASE WHEN g % 3 <> 0 THEN (${ids.campaigns}::int[])[1 + g % 5] END,
                   ${when()}::timestamptz + g * interval '7 minutes', 1.00, 1, 'traffic', CASE WHEN g % 4 = 0 THEN 'refunded' ELSE 'paid' END
            FROM generate_series(0, ${n - 1}) AS g`;
          nextOrder += n;
          break;
        }
        case 'refund': await db.sql`UPDATE siyu.orders SET status = 'refunded' WHERE id IN (${myOrder})`; break;
        case 'unrefund': await db.sql`UPDATE siyu.orders SET status = 'paid' WHERE customer_id = ${customer} AND status = 'refunded'`; break;
        case 'move campaign': await db.sql`UPDATE siyu.orders SET campaign_id = ${orNull(ids.campaigns)} WHERE id IN (${myOrder})`; break;
        case 'move customer': await db.sql`UPDATE siyu.orders SET customer_id = ${any(customers)} WHERE id IN (${myOrder})`; break;
        case 'delete order': await db.sql`DELETE FROM siyu.orders WHERE id IN (${myOrder})`; break;
        case 'bulk delete orders': await db.sql`DELETE FROM siyu.orders WHERE customer_id = ${customer} AND campaign_id = ${any(ids.campaigns)}`; break;
      }
      if (step % 50 === 49) expect(await periodParticipantsDifferences(db.sql, asOf), `after step ${step} (${kind})`).toEqual([]);
    }
    expect(Object.keys(kinds).length).toBe(13);
    await expectExact('after the random writes');
  }, 300_000);

  it('stays exact when the same kinds of change go through the mask form meant for large statements', async () => {
    // Every change through siyu.period_participants_changes (per customer masks), as a statement of more than
    // 2,000 participations would.
    const rnd = random(31);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const customers = ids.customers.slice(0, 6);
    for (let step = 0; step < 40; step++) {
      await db.sql.begin(async (tx) => {
        await tx`SET LOCAL siyu.participants_small_limit = 0`;
        const customer = any(customers);
        const roll = rnd();
        if (roll < 0.3) {
          await tx`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
            VALUES (${nextParticipation++}, ${any(ids.campaigns)}, ${customer}, ${any(ids.employees)}, ${any(ids.channels)},
                    ${any(['2026-11-20 09:00+08', '2026-11-19 23:50+08', '2026-10-31 12:00+08', '2025-11-20 00:10+08'])}, ${rnd() < 0.5 ? ids.customers[11]! : null})
            ON CONFLICT DO NOTHING`;
        } else if (roll < 0.5) {
          await tx`UPDATE siyu.campaign_participations SET channel_id = ${any(ids.channels)}, joined_at = joined_at - interval '1 day'
                   WHERE id IN (SELECT id FROM siyu.campaign_participations WHERE customer_id = ${customer} ORDER BY random() LIMIT 1)`;
        } else if (roll < 0.6) {
          await tx`DELETE FROM siyu.campaign_participations WHERE id IN (SELECT id FROM siyu.campaign_participations WHERE customer_id = ${customer} ORDER BY random() LIMIT 1)`;
        } else if (roll < 0.85) {
          await tx`INSERT INTO siyu.orders (id, customer_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
                   VALUES (${nextOrder++}, ${customer}, ${ids.channels[0]!}, ${any(ids.campaigns)}, '2026-11-20 10:00+08', 5, 1, 'core', 'paid')`;
        } else {
          await tx`UPDATE siyu.orders SET status = 'refunded' WHERE customer_id = ${customer} AND campaign_id = ANY(${ids.campaigns}) AND status = 'paid'`;
        }
      });
    }
    await expectExact('after changes through the mask form');
  }, 240_000);

  it('stays exact when writers change the same customers at once', async () => {
    const rnd = random(7);
    const base = nextOrder;
    nextOrder += 1000;
    const participations = { id: nextParticipation };
    await concurrentParticipationWriters(db.sql, { rnd, ids, base, nextParticipation: participations, promoters: ids.employees });
    nextParticipation = participations.id;
    await expectExact('after concurrent writers');
  }, 240_000);

  it('follows an employee moved to another team', async () => {
    const [employee] = await db.sql<{ id: number; team_id: number }[]>`
      SELECT e.id, e.team_id FROM siyu.employees AS e JOIN siyu.campaign_participations AS p ON p.employee_id = e.id
      GROUP BY e.id ORDER BY count(*) DESC LIMIT 1`;
    const other = ids.teams.find((t) => t !== employee!.team_id)!;
    await db.sql`UPDATE siyu.employees SET team_id = ${other} WHERE id = ${employee!.id}`;
    await expectExact('after a team move');
    await db.sql`UPDATE siyu.employees SET team_id = ${employee!.team_id} WHERE id IN (${employee!.id}, ${ids.employees[0]!})`;
    await expectExact('after moving back');
  }, 240_000);

  it('rolls over to the ranges of a new as-of date, keeping the ranges still offered', async () => {
    const lastMonth = '2026-10-01..2026-10-31';
    const kept = await db.sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_participants AS p WHERE period = ${lastMonth} ORDER BY 1`;
    for (const day of ['2026-11-21', '2026-11-30', '2026-12-01']) {
      asOf = day;
      await db.sql`UPDATE siyu.settings SET value = ${day} WHERE key = 'as_of'`;
      expect(await periodParticipantsDifferences(db.sql, asOf), `as of ${day}`).toEqual([]);
      const periods = await db.sql<{ period: string }[]>`SELECT period FROM siyu.participant_periods`;
      expect(periods.map((p) => p.period).sort()).toEqual([...presetRanges(day).keys()].sort());
      if (day === '2026-11-21') {
        const after = await db.sql<{ row: string }[]>`SELECT (p.*)::text AS row FROM siyu.period_participants AS p WHERE period = ${lastMonth} ORDER BY 1`;
        expect(after).toEqual(kept);
      }
    }
    await db.sql`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
                 VALUES (${nextParticipation++}, ${ids.campaigns[4]!}, ${ids.customers[3]!}, ${ids.employees[2]!}, ${ids.channels[0]!}, '2026-12-01 09:00+08')
                 ON CONFLICT DO NOTHING`;
    await db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
                 VALUES (${nextOrder++}, ${ids.customers[3]!}, ${ids.employees[2]!}, ${ids.channels[0]!}, ${ids.campaigns[4]!}, '2026-12-01 10:00+08', 88.00, 1, 'core', 'paid')`;
    await expectExact('writes after the roll-over');
  }, 240_000);

  it('counts every range afresh after a statement touching more than 5,000 customers', async () => {
    const [before] = await db.sql<{ n: number }[]>`SELECT participants AS n FROM siyu.period_participants WHERE period = 'all' AND slice = 'brand'`;
    // Rolled back: made-up customers straight into the conversions table, only the period table's answer matters.
    await db.sql.begin(async (tx) => {
      await tx`INSERT INTO siyu.participant_conversions (participation_id, campaign_id, customer_id, channel_id, employee_id, joined_at, invited, converted)
               SELECT 5000000 + g, ${ids.campaigns[0]!}, 2000000 + g, ${ids.channels[0]!}, NULL, '2026-11-20 09:00+08', false, g % 2 = 0
               FROM generate_series(1, 6000) AS g`;
      expect(one(await tx<{ n: number }[]>`SELECT participants AS n FROM siyu.period_participants WHERE period = 'all' AND slice = 'brand'`).n).toBe(before!.n + 6000);
      throw new Error('roll back');
    }).catch((error: Error) => { if (error.message !== 'roll back') throw error; });
    await expectExact('after the rolled-back bulk statement');
  }, 240_000);

  it('is emptied with the participations, and rebuilt equal with the conversions table', async () => {
    await db.sql`SELECT siyu.rebuild_participant_conversions()`;
    expect(await periodParticipantsDifferences(db.sql, asOf)).toEqual([]);
    await db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.campaign_participations CASCADE`;
      expect(one(await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.period_participants`).n).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (String(error) !== 'Error: rollback') throw error; });
  });
});
