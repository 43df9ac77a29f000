/**
 * The as-of classification kept customer by customer (migration 026): after
 * random writes of every kind to the five tables it reads (orders, events,
 * follow-ups, appointments, customers and their referrals), the refreshed
 * table siyu.classification_now equals siyu.customer_classification(as-of)
 * computed afresh and the independent SQL of test/helpers/independent-sql.ts
 * (with the value quadrant's medians by PERCENTILE_CONT here), row for row
 * both ways; each such refresh recomputed only the written customers (and
 * the threshold crossers), and its version changed exactly when the table
 * did. Then a write that moves a mean, and one that moves a median, so that
 * customers nobody wrote change segment; then an as-of roll-over, a rule
 * change and a bulk mark, each rebuilt whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { migrate, readDefinitions } from '../../cube/database/migrate.ts';
import { seedDatabase } from '../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../helpers/database.ts';
import { profileSql } from '../helpers/independent-sql.ts';
import { random, randomOrderWrite } from '../helpers/order-writes.ts';

/** Thrown to roll a transaction back. */
class Rollback extends Error {}

const AS_OF = '2026-11-20';
const TZ = 'Asia/Shanghai';
const local = (column: string): string => `(${column} AT TIME ZONE '${TZ}')::date`;

interface Build { version: string; kind: string; customers: number | null; rows_changed: number }

describe('the as-of classification, kept customer by customer', () => {
  let db: TestDatabase;
  let sql: Sql;
  let tables = 0;

  beforeAll(async () => {
    db = await createTestDatabase('classification_incremental');
    sql = db.sql;
    await migrate(sql);
    await seedDatabase(sql, { customers: 1500, seed: 11, asOf: AS_OF });
    await sql`CREATE SCHEMA incremental_expect`;
  }, 240_000);
  afterAll(async () => db?.drop());

  const refresh = async (): Promise<Build> => {
    await sql`SELECT siyu.classification_now_version()`;
    return one(await sql<Build[]>`SELECT version, kind, customers, rows_changed FROM siyu.classification_builds`);
  };
  /** A digest of the table's rows: whether a refresh changed any. */
  const digest = async (): Promise<string> => one(await sql<{ h: string }[]>`
    SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.customer_id), '')) AS h FROM siyu.classification_now AS t`).h;

  /** Rows one side has and the other has not, both ways (EXCEPT), against the function computed afresh and against independent SQL. */
  const expectExact = async (label: string): Promise<void> => {
    const fresh = await sql<{ extra: number; missing: number }[]>`
      WITH fresh AS (SELECT * FROM siyu.customer_classification(siyu.as_of()))
      SELECT (SELECT count(*)::int FROM (SELECT * FROM siyu.classification_now EXCEPT SELECT * FROM fresh) AS e) AS extra,
             (SELECT count(*)::int FROM (SELECT * FROM fresh EXCEPT SELECT * FROM siyu.classification_now) AS m) AS missing`;
    expect(one(fresh), `${label}: against siyu.customer_classification(as-of)`).toEqual({ extra: 0, missing: 0 });

    const table = `incremental_expect.profile_${tables++}`;
    await sql.unsafe(profileSql(table, "(SELECT value FROM siyu.settings WHERE key = 'as_of')"));
    // The value quadrant, which the shared independent SQL leaves out: points by correlated sums, medians by PERCENTILE_CONT.
    const expected = `
      WITH points AS (
        SELECT p.*,
               coalesce((SELECT sum(CASE e.type WHEN 'register' THEN 10 WHEN 'view' THEN 1 WHEN 'like' THEN 1 WHEN 'comment' THEN 2
                                  WHEN 'share' THEN 5 WHEN 'consult' THEN 3 WHEN 'booking' THEN 5 WHEN 'visit' THEN 5 ELSE 0 END)
                         FROM siyu.events e WHERE e.customer_id = p.id
                           AND ${local('e.occurred_at')} <= (SELECT value::date FROM siyu.settings WHERE key = 'as_of')), 0) AS a,
               floor(p.m / 10) AS v
        FROM ${table} p
      ),
      medians AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) AS ma, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS mv FROM points)
      SELECT id AS customer_id, f AS paid_orders, m AS paid_amount, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, a AS activity_points,
             CASE WHEN a > ma AND v > mv THEN 'both' WHEN a > ma THEN 'koc' WHEN v > mv THEN 'gmv' ELSE 'neither' END AS value_quadrant
      FROM points CROSS JOIN medians`;
    const mine = `SELECT customer_id, paid_orders, paid_amount, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage, activity_points, value_quadrant
                  FROM siyu.classification_now`;
    const independent = one(await sql.unsafe<{ extra: number; missing: number }[]>(`
      SELECT (SELECT count(*)::int FROM ((${mine}) EXCEPT (${expected})) AS e) AS extra,
             (SELECT count(*)::int FROM ((${expected}) EXCEPT (${mine})) AS m) AS missing`));
    expect(independent, `${label}: against independent SQL`).toEqual({ extra: 0, missing: 0 });
    await sql.unsafe(`DROP TABLE ${table}`);
  };

  it("the histogram median is PERCENTILE_CONT(0.5)'s, odd and even counts, ties and gaps", async () => {
    const rnd = random(19);
    for (let i = 0; i < 40; i++) {
      const n = i < 4 ? i : 1 + Math.floor(rnd() * 60);
      const values = Array.from({ length: n }, () => Math.floor(rnd() * (i % 3 === 0 ? 5 : 1000)));
      const [row] = await sql<{ histogram: number | null; percentile: number | null }[]>`
        WITH v AS (SELECT unnest(${values}::bigint[]) AS x),
        h AS (SELECT x, count(*) AS c FROM v GROUP BY x)
        SELECT siyu.classification_median((SELECT array_agg(x::double precision ORDER BY x) FROM h), (SELECT array_agg(c ORDER BY x) FROM h)) AS histogram,
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM v) AS percentile`;
      expect(row!.histogram, `values ${values.join(',')}`).toBe(row!.percentile);
    }
  });

  // Migration 056: the refresh's thresholds from the kept sums and histograms through their index
  // (siyu.classification_now_thresholds) equal the rules' own function over the arrays, on the seeded histograms and on
  // random ones written in (rolled back).
  it("the refresh's thresholds are the rules' thresholds over the same sums and histograms", async () => {
    const rules = `SELECT * FROM siyu.classification_thresholds(
        (SELECT buyers FROM siyu.classification_sums), (SELECT recency_sum FROM siyu.classification_sums),
        (SELECT orders_sum FROM siyu.classification_sums), (SELECT amount_sum FROM siyu.classification_sums),
        (SELECT array_agg(points::bigint ORDER BY points) FROM siyu.classification_points WHERE measure = 'activity' AND customers > 0),
        (SELECT array_agg(customers ORDER BY points) FROM siyu.classification_points WHERE measure = 'activity' AND customers > 0),
        (SELECT array_agg(points ORDER BY points) FROM siyu.classification_points WHERE measure = 'value' AND customers > 0),
        (SELECT array_agg(customers ORDER BY points) FROM siyu.classification_points WHERE measure = 'value' AND customers > 0))`;
    await refresh();
    expect(await sql`SELECT * FROM siyu.classification_now_thresholds()`).toEqual(await sql.unsafe(rules));
    const rnd = random(56);
    for (let i = 0; i < 30; i++) {
      await sql.begin(async (tx) => {
        await tx`DELETE FROM siyu.classification_points`;
        for (const measure of ['activity', 'value']) {
          const n = i < 3 ? i : 1 + Math.floor(rnd() * 40);
          const seen = new Set<number>();
          for (let k = 0; k < n; k++) {
            const points = measure === 'value' && i % 2 === 1 ? Math.floor(rnd() * 9000) / 10 : Math.floor(rnd() * (i % 3 === 0 ? 6 : 800));
            if (seen.has(points)) continue;
            seen.add(points);
            await tx`INSERT INTO siyu.classification_points (measure, points, customers) VALUES (${measure}, ${points}, ${1 + Math.floor(rnd() * (k % 4 === 0 ? 50 : 3))})`;
          }
        }
        const mine = await tx`SELECT * FROM siyu.classification_now_thresholds()`;
        expect(mine, `random histograms ${i}`).toEqual(await tx.unsafe(rules));
        throw new Rollback();
      }).catch((e: unknown) => { if (!(e instanceof Rollback)) throw e; });
    }
  });

  it('starts from a whole build after the seed', async () => {
    const build = await refresh();
    expect(build.kind).toBe('whole');
    expect(one(await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.classification_now`).n).toBe(1500);
    await expectExact('after the seed');
  });

  it('follows random writes of every kind to all five tables, recomputing only the written customers', async () => {
    const rnd = random(26);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const idsOf = async (table: string): Promise<number[]> =>
      (await sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id`)).map((r) => Number(r.id));
    const [channels, campaigns, employees] = [await idsOf('channels'), await idsOf('campaigns'), await idsOf('employees')];
    const nextId = async (table: string): Promise<number> =>
      Number(one(await sql.unsafe<{ id: number }[]>(`SELECT coalesce(max(id), 0) + 1 AS id FROM siyu.${table}`)).id);
    /** A time from 130 days before as-of to the day after it (a write after as-of must change nothing), as SQL text. */
    const when = (): string => {
      const days = Math.floor(rnd() * 132) - 130;
      const d = new Date(Date.parse(`${AS_OF}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      return `${d} ${pick(['00:10', '09:30', '23:50'])}+08`;
    };
    const someCustomers = async (n: number): Promise<number[]> =>
      (await sql<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY md5(id::text || ${String(rnd())}) LIMIT ${n}`).map((r) => r.id);
    const next = { id: await nextId('orders') };

    const writes: Array<[string, () => Promise<unknown>]> = [
      ['orders', async () => randomOrderWrite(sql, {
        rnd, when, next, ids: { customers: await someCustomers(8), channels, campaigns, employees },
        bulk: { customers: 6, spacing: '9 hours' }, bulkDelete: pick(['customer', 'customers'] as const),
      })],
      ['new event', async () => sql`INSERT INTO siyu.events (id, customer_id, type, channel_id, occurred_at)
        VALUES (${await nextId('events')}, ${pick(await someCustomers(5))}, ${pick(['view', 'like', 'comment', 'share', 'consult', 'booking', 'visit', 'register'])},
                ${pick(channels)}, ${when()})`],
      ['event moved or retyped', async () => sql`UPDATE siyu.events SET occurred_at = ${when()}, type = ${pick(['share', 'view', 'consult'])}
        WHERE id = (SELECT id FROM siyu.events WHERE customer_id = ${pick(await someCustomers(5))} ORDER BY id DESC LIMIT 1)`],
      ['event deleted', async () => sql`DELETE FROM siyu.events WHERE id = (SELECT id FROM siyu.events WHERE customer_id = ${pick(await someCustomers(5))} ORDER BY id LIMIT 1)`],
      ['follow-up', async () => sql`INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
        VALUES (${await nextId('follow_ups')}, ${pick(await someCustomers(5))}, ${pick(employees)}, 'call', ${when()})`],
      ['follow-up moved or deleted', async () => (rnd() < 0.5
        ? sql`UPDATE siyu.follow_ups SET occurred_at = ${when()} WHERE id = (SELECT max(id) FROM siyu.follow_ups)`
        : sql`DELETE FROM siyu.follow_ups WHERE id = (SELECT id FROM siyu.follow_ups ORDER BY md5(id::text) LIMIT 1)`)],
      ['booking', async () => {
        const day = 1 + Math.floor(rnd() * 16);
        await sql`INSERT INTO siyu.appointments (id, customer_id, employee_id, booked_at, scheduled_for)
          VALUES (${await nextId('appointments')}, ${pick(await someCustomers(5))}, ${pick(employees)},
                  siyu.local_midnight(${AS_OF}::date - ${day + 3}::int) + interval '10 hours', siyu.local_midnight(${AS_OF}::date - ${day}::int) + interval '15 hours')`;
      }],
      ['arrival, missed or cancelled', async () => {
        const [booking] = await sql<{ id: number }[]>`
          SELECT id FROM siyu.appointments WHERE scheduled_for >= siyu.local_midnight(${AS_OF}::date - 16) ORDER BY md5(id::text || ${String(rnd())}) LIMIT 1`;
        const roll = rnd();
        if (roll < 0.4) await sql`UPDATE siyu.appointments SET arrived_at = scheduled_for WHERE id = ${booking!.id}`;
        else if (roll < 0.6) await sql`UPDATE siyu.appointments SET arrived_at = siyu.local_midnight(${AS_OF}::date + 1) + interval '1 hour' WHERE id = ${booking!.id}`;
        else if (roll < 0.8) await sql`UPDATE siyu.appointments SET arrived_at = NULL WHERE id = ${booking!.id}`;
        else await sql`DELETE FROM siyu.appointments WHERE id = ${booking!.id}`;
      }],
      ['new referred customer', async () => sql`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, registered_at, member_level, referred_by_customer_id, birthday)
        VALUES (${await nextId('customers')}, '新客', ${`139${String(await nextId('customers')).padStart(8, '0')}`}, 'female', 'tier2', ${pick(channels)}, ${when()}, 'normal',
                ${rnd() < 0.8 ? pick(await someCustomers(5)) : null}, ${rnd() < 0.5 ? `1990-11-${String(21 + Math.floor(rnd() * 9)).padStart(2, '0')}` : null})`],
      ['referral moved', async () => sql`UPDATE siyu.customers SET referred_by_customer_id = ${pick(await someCustomers(5))}
        WHERE id = (SELECT id FROM siyu.customers WHERE referred_by_customer_id IS NOT NULL ORDER BY md5(id::text || ${String(rnd())}) LIMIT 1)`],
      ['registration moved, birthday changed', async () => sql`UPDATE siyu.customers SET registered_at = least(registered_at, ${when()}::timestamptz),
        birthday = ${`1988-11-${String(18 + Math.floor(rnd() * 12)).padStart(2, '0')}`} WHERE id = ${pick(await someCustomers(5))}`],
      ['new customer without facts deleted', async () => sql`DELETE FROM siyu.customers WHERE id = (
        SELECT c.id FROM siyu.customers c WHERE c.name = '新客'
          AND NOT EXISTS (SELECT 1 FROM siyu.orders o WHERE o.customer_id = c.id) AND NOT EXISTS (SELECT 1 FROM siyu.events e WHERE e.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM siyu.follow_ups f WHERE f.customer_id = c.id) AND NOT EXISTS (SELECT 1 FROM siyu.appointments a WHERE a.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM siyu.customer_identities i WHERE i.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM siyu.campaign_participations p WHERE p.customer_id = c.id OR p.invited_by_customer_id = c.id)
        ORDER BY c.id LIMIT 1)`],
    ];

    const seen = { changed: 0, unchanged: 0, crossed: 0 };
    for (let batch = 0; batch < 14; batch++) {
      const before = { build: one(await sql<Build[]>`SELECT version, kind, customers, rows_changed FROM siyu.classification_builds`), rows: await digest() };
      const kinds: string[] = [];
      // Each batch: every kind of write once in the first batches, then a random handful.
      const batchWrites = batch < 2 ? writes : Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => pick(writes));
      for (const [kind, write] of batchWrites) {
        kinds.push(kind);
        await write();
      }
      const thresholdsBefore = await sql`SELECT mean_r, mean_f, mean_m, median_activity, median_value FROM siyu.classification_builds`;
      const build = await refresh();
      const label = `batch ${batch}: ${kinds.join(', ')}`;
      expect(build.kind, label).toBe('customers');
      await expectExact(label);
      const rows = await digest();
      // The version changes exactly when the table's rows did.
      expect(build.version !== before.build.version, label).toBe(rows !== before.rows);
      if (rows !== before.rows) seen.changed++;
      else seen.unchanged++;
      const thresholdsAfter = await sql`SELECT mean_r, mean_f, mean_m, median_activity, median_value FROM siyu.classification_builds`;
      if (JSON.stringify(thresholdsAfter) !== JSON.stringify(thresholdsBefore)) seen.crossed++;
    }
    expect(seen.changed).toBeGreaterThan(0);
    expect(seen.crossed).toBeGreaterThan(0);
  });

  it('a write with no effect on the classification leaves the table and its version as they were', async () => {
    const before = await refresh();
    const rows = await digest();
    // A follow-up after as-of and an order moved to another channel: facts written, nothing as of as-of changed.
    await sql`INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
      SELECT max(id) + 1, 1, (SELECT min(id) FROM siyu.employees), 'call', siyu.local_midnight(${AS_OF}::date + 2) FROM siyu.follow_ups`;
    await sql`UPDATE siyu.orders SET channel_id = channel_id WHERE id = (SELECT min(id) FROM siyu.orders)`;
    const after = await refresh();
    expect(after.kind).toBe('customers');
    expect(after.customers).toBeGreaterThan(0);
    expect(after.rows_changed).toBe(0);
    expect(after.version).toBe(before.version);
    expect(await digest()).toBe(rows);
  });

  it('a write still open while a refresh runs is taken by the next one', async () => {
    await refresh();
    const writer = await sql.reserve();
    try {
      await writer`BEGIN`;
      const [prospect] = await writer<{ id: number }[]>`SELECT customer_id AS id FROM siyu.classification_now WHERE paid_orders = 0 ORDER BY customer_id LIMIT 1`;
      await writer`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        SELECT max(id) + 1, ${prospect!.id}, NULL, (SELECT min(id) FROM siyu.channels), NULL, siyu.local_midnight(${AS_OF}::date) + interval '10 hours',
               66.00, 1, 'traffic', 'paid' FROM siyu.orders`;
      // Another committed write (an event: an order would wait for the open one's period-table rows), and a refresh that cannot see the open one.
      await sql`INSERT INTO siyu.events (id, customer_id, type, channel_id, occurred_at)
        SELECT max(id) + 1, ${prospect!.id + 1}, 'consult', (SELECT min(id) FROM siyu.channels), siyu.local_midnight(${AS_OF}::date) FROM siyu.events`;
      expect((await refresh()).kind).toBe('customers');
      await expectExact('with a write still open');
      await writer`COMMIT`;
      const build = await refresh();
      expect(build.kind).toBe('customers');
      expect(build.customers).toBe(1);
      await expectExact('after it committed');
      expect(one(await sql<{ stage: string }[]>`SELECT lifecycle_stage AS stage FROM siyu.classification_now WHERE customer_id = ${prospect!.id}`).stage).toBe('new');
    } finally {
      await writer`ROLLBACK`.catch(() => {});
      writer.release();
    }
  });

  it("one customer's order moves the mean paid amount: customers nobody wrote change RFM segment", async () => {
    await refresh();
    const before = await sql<{ customer_id: number; rfm_segment: string | null }[]>`SELECT customer_id, rfm_segment FROM siyu.classification_now ORDER BY 1`;
    const [buyer] = await sql<{ id: number }[]>`SELECT customer_id AS id FROM siyu.classification_now WHERE paid_orders > 0 ORDER BY customer_id LIMIT 1`;
    await sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      SELECT max(id) + 1, ${buyer!.id}, NULL, (SELECT min(id) FROM siyu.channels), NULL, siyu.local_midnight(${AS_OF}::date) + interval '11 hours',
             2000000.00, 1, 'core', 'paid' FROM siyu.orders`;
    const build = await refresh();
    expect(build.kind).toBe('customers');
    expect(build.customers).toBe(1);
    await expectExact('after the large order');
    const after = new Map((await sql<{ customer_id: number; rfm_segment: string | null }[]>`
      SELECT customer_id, rfm_segment FROM siyu.classification_now`).map((r) => [r.customer_id, r.rfm_segment]));
    const others = before.filter((r) => r.customer_id !== buyer!.id && after.get(r.customer_id) !== r.rfm_segment);
    expect(others.length).toBeGreaterThan(10);
  });

  it('new customers that move the median activity: customers nobody wrote change value quadrant', async () => {
    await refresh();
    const before = await sql<{ customer_id: number; value_quadrant: string }[]>`SELECT customer_id, value_quadrant FROM siyu.classification_now ORDER BY 1`;
    // How many customers above the tie at the median it takes to move the median past it.
    const [{ n, at_most, top }] = await sql<[{ n: number; at_most: number; top: number }]>`
      WITH m AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY activity_points) AS median FROM siyu.classification_now)
      SELECT (SELECT count(*)::int FROM siyu.classification_now) AS n,
             (SELECT count(*)::int FROM siyu.classification_now, m WHERE activity_points <= ceil(m.median)) AS at_most,
             (SELECT ceil(median)::int FROM m) AS top`;
    const added = Math.max(1, 2 * at_most - n + 2);
    const first = Number(one(await sql<{ id: number }[]>`SELECT max(id) + 1 AS id FROM siyu.customers`).id);
    // One statement: the new customers, registered today, each with enough share events to be above the median.
    await sql.begin(async (tx) => {
      await tx`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, registered_at, member_level)
        SELECT ${first} + g, '活跃新客', '138' || lpad((${first} + g)::text, 8, '0'), 'male', 'tier1', (SELECT min(id) FROM siyu.channels), siyu.local_midnight(${AS_OF}::date) + interval '8 hours', 'normal'
        FROM generate_series(0, ${added - 1}) AS g`;
      await tx`INSERT INTO siyu.events (id, customer_id, type, channel_id, occurred_at)
        SELECT (SELECT max(id) FROM siyu.events) + row_number() OVER (), ${first} + g, 'share', (SELECT min(id) FROM siyu.channels),
               siyu.local_midnight(${AS_OF}::date) + interval '9 hours'
        FROM generate_series(0, ${added - 1}) AS g, generate_series(0, ${Math.ceil(top / 5) + 1}) AS k`;
    });
    const build = await refresh();
    expect(build.kind).toBe('customers');
    await expectExact('after the active new customers');
    const after = new Map((await sql<{ customer_id: number; value_quadrant: string }[]>`
      SELECT customer_id, value_quadrant FROM siyu.classification_now`).map((r) => [r.customer_id, r.value_quadrant]));
    const others = before.filter((r) => after.get(r.customer_id) !== r.value_quadrant);
    expect(others.length).toBeGreaterThan(0);
  });

  it('rebuilds whole after an as-of roll-over, a rule change and a bulk mark', async () => {
    await sql`UPDATE siyu.settings SET value = '2026-11-21' WHERE key = 'as_of'`;
    expect((await refresh()).kind).toBe('whole');
    await expectExact('after the roll-over');

    // A changed rule (high value slipping from 40 days instead of 45), applied as the migrator applies an edited definition.
    const current = await readDefinitions();
    const rule = current.find((d) => d.name === 'customer_classification')!;
    const changed = { ...rule, sql: rule.sql.replace('recency_days BETWEEN 45 AND 120', 'recency_days BETWEEN 40 AND 120'), checksum: 'changed' };
    expect(changed.sql).not.toBe(rule.sql);
    const slipping = async () => one(await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.classification_now WHERE is_high_value_slipping`).n;
    const listed = await slipping();
    await migrate(sql, undefined, current.map((d) => (d === rule ? changed : d)));
    const build = await refresh();
    expect(build.kind).toBe('whole');
    await expectExact('after the rule change');
    expect(await slipping()).toBeGreaterThan(listed);
    await migrate(sql);
    expect((await refresh()).kind).toBe('whole');
    expect(await slipping()).toBe(listed);

    await sql`SELECT siyu.classification_mark_all()`;
    const marked = await refresh();
    expect(marked.kind).toBe('whole');
    expect(marked.rows_changed).toBe(0);
    await expectExact('after a bulk mark');

    // Back to the seeded as-of, and writes after it are followed one by one again.
    await sql`UPDATE siyu.settings SET value = ${AS_OF} WHERE key = 'as_of'`;
    expect((await refresh()).kind).toBe('whole');
    await sql`UPDATE siyu.orders SET status = 'refunded' WHERE id = (SELECT max(id) FROM siyu.orders WHERE status = 'paid')`;
    expect((await refresh()).kind).toBe('customers');
    await expectExact('after a refund');
  });
});
