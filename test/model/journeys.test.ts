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
import { random, randomOrderWrite } from '../helpers/order-writes.ts';
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
    Object.fromEntries(rows.map((r) => [`${r['journey_counts.from_stage']} → ${r['journey_counts.to_stage']}`, Number(r['journey_counts.customers'])]));

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
      .filter((r) => r['journey_counts.from_stage'] !== r['journey_counts.to_stage'])
      .sort((a, b) => Number(b['journey_counts.customers']) - Number(a['journey_counts.customers']))[0]!;
    const from = String(moved['journey_counts.from_stage']);
    const to = String(moved['journey_counts.to_stage']);
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
    expect(list.length).toBe(Number(moved['journey_counts.customers']));
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

  it('keeps a past day through writes dated after it, and classifies it again after a write on or before it', async () => {
    const day = '2026-05-15';
    const build = async () => (await ctx.db.sql<{ version: string; built_at: Date }[]>`
      SELECT version, built_at FROM siyu.classification_day_builds WHERE day = ${day}::date`)[0];
    type Row = { id: number; lifecycle_stage: string; rfm_segment: string | null; aipl_stage: string; five_a_stage: string };
    const cached = () => ctx.db.sql<Row[]>`
      SELECT customer_id AS id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage FROM siyu.classification_on(${day}::date) ORDER BY 1`;
    let tables = 0;
    const independent = async (): Promise<Row[]> => {
      const table = `journey_expect.day_${tables++}`;
      await ctx.db.sql.unsafe(profileSql(table, `'${day}'`));
      return ctx.db.sql.unsafe<Row[]>(`SELECT id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage FROM ${table} ORDER BY 1`);
    };
    const stageOf = (rows: Row[], id: number) => rows.find((r) => r.id === id);
    const nextId = async (table: string) => Number((await ctx.db.sql.unsafe<{ id: number }[]>(`SELECT coalesce(max(id), 0) + 1 AS id FROM siyu.${table}`))[0]!.id);
    const at = (d: string) => ctx.db.sql`SELECT siyu.local_midnight(${d}::date) + interval '12 hours' AS t`.then((r) => r[0]!.t as Date);

    const first = await cached();
    const built = await build();
    expect(first).toEqual(await independent());

    // Writes dated after the day, of every table the classification reads: the day is read, not built again.
    const [buyer] = await ctx.db.sql<{ id: number; employee: number; channel: number }[]>`
      SELECT o.customer_id AS id, min(o.employee_id) AS employee, min(o.channel_id) AS channel FROM siyu.orders o
      WHERE o.status = 'paid' AND siyu.local_date(o.ordered_at) <= ${day}::date AND o.employee_id IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 1`;
    const today = await at(AS_OF);
    await ctx.db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
      VALUES (${await nextId('orders')}, ${buyer!.id}, ${buyer!.employee}, ${buyer!.channel}, ${today}, 99999.00, 1, 'premium', 'paid')`;
    await ctx.db.sql`UPDATE siyu.orders SET status = 'refunded' WHERE id = (
      SELECT min(id) FROM siyu.orders WHERE status = 'paid' AND siyu.local_date(ordered_at) > ${day}::date)`;
    await ctx.db.sql`INSERT INTO siyu.events (id, customer_id, type, channel_id, occurred_at)
      SELECT ${await nextId('events')}, id, 'share', source_channel_id, ${today} FROM siyu.customers WHERE id = ${buyer!.id}`;
    await ctx.db.sql`INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at)
      VALUES (${await nextId('follow_ups')}, ${buyer!.id}, ${buyer!.employee}, 'call', ${today})`;
    await ctx.db.sql`INSERT INTO siyu.appointments (id, customer_id, employee_id, booked_at, scheduled_for)
      VALUES (${await nextId('appointments')}, ${buyer!.id}, ${buyer!.employee}, ${today}, ${today})`;
    await ctx.db.sql`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, registered_at, member_level, referred_by_customer_id)
      VALUES (${await nextId('customers')}, '新客', '13900000001', 'female', 'tier2', ${buyer!.channel}, ${today}, 'normal', ${buyer!.id})`;
    expect(await cached()).toEqual(first);
    expect(await build()).toEqual(built);

    // Each write on or before the day moves someone on it: the day is built again and equals independent SQL.
    const backdated: Array<[string, () => Promise<number>]> = [
      ['an order placed before the day, of a customer with none by then', async () => {
        const prospect = first.find((r) => r.lifecycle_stage === 'prospect')!;
        await ctx.db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
          VALUES (${await nextId('orders')}, ${prospect.id}, ${buyer!.employee}, ${buyer!.channel}, ${await at(day)}, 10.00, 1, 'traffic', 'paid')`;
        return prospect.id;
      }],
      ['a refund of the only order a customer had by the day', async () => {
        const [single] = await ctx.db.sql<{ id: number }[]>`
          SELECT customer_id AS id FROM siyu.orders WHERE status = 'paid' AND siyu.local_date(ordered_at) <= ${day}::date
          GROUP BY 1 HAVING count(*) = 1 ORDER BY 1 LIMIT 1`;
        await ctx.db.sql`UPDATE siyu.orders SET status = 'refunded'
          WHERE customer_id = ${single!.id} AND status = 'paid' AND siyu.local_date(ordered_at) <= ${day}::date`;
        return single!.id;
      }],
      ['a share before the day, of a buyer who was no advocate', async () => {
        const buyerThen = first.find((r) => r.five_a_stage === 'act')!;
        await ctx.db.sql`INSERT INTO siyu.events (id, customer_id, type, channel_id, occurred_at)
          VALUES (${await nextId('events')}, ${buyerThen.id}, 'share', ${buyer!.channel}, ${await at('2026-05-01')})`;
        return buyerThen.id;
      }],
    ];
    let previous = { rows: first, build: built };
    for (const [what, write] of backdated) {
      const moved = await write();
      const rows = await cached();
      expect(rows, what).toEqual(await independent());
      expect(stageOf(rows, moved), what).not.toEqual(stageOf(previous.rows, moved));
      const rebuilt = await build();
      expect(rebuilt!.version, what).not.toBe(previous.build!.version);
      previous = { rows, build: rebuilt };
    }
  });

  it('a kept day equals the classification of that day after random writes either side of it', async () => {
    const day = '2026-04-10';
    const pick = async (table: string, where = 'TRUE') =>
      (await ctx.db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} WHERE ${where} ORDER BY id LIMIT 8`)).map((r) => r.id);
    const ids = {
      customers: await pick('customers', `siyu.local_date(registered_at) < '${day}'::date - 3`),
      channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees'),
    };
    const rnd = random(25);
    // Either side of the day's midnight (Asia/Shanghai, +08): the day before, the day, the day after.
    const when = (): string => `2026-04-${['09', '10', '11'][Math.floor(rnd() * 3)]} ${['00:10', '12:00', '23:50'][Math.floor(rnd() * 3)]}+08`;
    const next = { id: Number((await ctx.db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`)[0]!.n) };
    const version = async () => (await ctx.db.sql<{ v: string }[]>`SELECT version AS v FROM siyu.classification_day_builds WHERE day = ${day}::date`)[0]?.v;
    const cached = () => ctx.db.sql`
      SELECT customer_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage FROM siyu.classification_on(${day}::date) ORDER BY 1`;
    const fresh = () => ctx.db.sql`
      SELECT customer_id, lifecycle_stage, rfm_segment, aipl_stage, five_a_stage FROM siyu.customer_classification(${day}::date) ORDER BY 1`;
    /** The orders as rows of text, all of them and those up to the day. */
    const orders = async () => (await ctx.db.sql<{ whole: string; upto: string }[]>`
      SELECT md5(coalesce(string_agg(o::text, ',' ORDER BY o.id), '')) AS whole,
             md5(coalesce(string_agg(o::text, ',' ORDER BY o.id) FILTER (WHERE siyu.local_date(o.ordered_at) <= ${day}::date), '')) AS upto
      FROM siyu.orders o`)[0]!;
    await cached();
    const kept = { again: 0, read: 0 };
    for (let i = 0; i < 30; i++) {
      const before = { version: await version(), ...(await orders()) };
      const kind = await randomOrderWrite(ctx.db.sql, { rnd, ids, when, next, bulk: { customers: 4, spacing: '7 hours' }, bulkDelete: 'customers' });
      expect(await cached(), `write ${i}: ${kind}`).toEqual(await fresh());
      const after = { version: await version(), ...(await orders()) };
      if (after.upto !== before.upto) {
        expect(after.version, `write ${i}: ${kind} changed an order up to the day`).not.toBe(before.version);
        kept.again++;
      } else if (after.whole !== before.whole && after.version === before.version) kept.read++;
    }
    // Both ways were taken: writes after the day only left it, writes on or before it had it classified again.
    expect(kept.read).toBeGreaterThan(0);
    expect(kept.again).toBeGreaterThan(0);
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

  it('shows a new order on the as-of day once the as-of classification is rebuilt, not at the next write', async () => {
    const [fromDate, toDate] = WINDOWS[0]!;
    const query = { ...buildJourneyQuery({ family: 'lifecycle_stage', fromDate, toDate }, { team: null, channel: null }), limit: 4242 };
    await ctx.db.sql`SELECT siyu.classification_now_version()`;
    await ctx.api.load(query);
    const [prospect] = await ctx.db.sql<{ id: number; employee: number | null; channel: number }[]>`
      SELECT c.id, c.owner_employee_id AS employee, c.source_channel_id AS channel
      FROM siyu.classification_now n JOIN siyu.customers c ON c.id = n.customer_id
      WHERE n.lifecycle_stage = 'prospect' ORDER BY 1 LIMIT 1`;
    // A builder at work (the refresh worker rebuilding after a write holds this lock): readers get the previous build.
    const builder = await ctx.db.sql.reserve();
    try {
      await builder`SELECT pg_advisory_lock(hashtext('siyu.classification_now'))`;
      await ctx.db.sql`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
        VALUES ((SELECT max(id) + 1 FROM siyu.orders), ${prospect!.id}, ${prospect!.employee}, ${prospect!.channel},
                siyu.local_midnight(${AS_OF}::date) + interval '12 hours', 88.00, 1, 'traffic', 'paid')`;
      await ctx.db.sql.unsafe(profileSql('journey_expect.from_9', `'${fromDate}'`));
      await ctx.db.sql.unsafe(profileSql('journey_expect.to_9', `'${toDate}'`));
      // Once the refresh key has seen the write (checked every 2 s), the answer is the previous build's.
      await new Promise((r) => setTimeout(r, 2500));
      expect(actual('lifecycle_stage', await ctx.api.load(query))).not.toEqual(await expected(9, 'lifecycle_stage'));
    } finally {
      await builder`SELECT pg_advisory_unlock(hashtext('siyu.classification_now'))`;
      builder.release();
    }
    await ctx.db.sql`SELECT siyu.classification_now_version()`;
    const want = await expected(9, 'lifecycle_stage');
    await expect.poll(async () => actual('lifecycle_stage', await ctx.api.load(query)), { timeout: 15_000, interval: 1000 }).toEqual(want);
  });

  it('pairs the two days straight on their tables (siyu.journey_pairs) exactly as they classify afresh, after random writes and a start day dropped by the end day\'s build', async () => {
    const fresh = (from: string, to: string) => ctx.db.sql`
      SELECT later.customer_id,
             CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE earlier.lifecycle_stage END AS from_lifecycle_stage,
             later.lifecycle_stage AS to_lifecycle_stage,
             CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE COALESCE(earlier.rfm_segment, 'none') END AS from_rfm_segment,
             COALESCE(later.rfm_segment, 'none') AS to_rfm_segment,
             CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE earlier.aipl_stage END AS from_aipl_stage,
             later.aipl_stage AS to_aipl_stage,
             CASE WHEN earlier.customer_id IS NULL THEN 'not_registered' ELSE earlier.five_a_stage END AS from_five_a_stage,
             later.five_a_stage AS to_five_a_stage
      FROM siyu.customer_classification(${to}::date) AS later
      LEFT JOIN siyu.customer_classification(${from}::date) AS earlier ON earlier.customer_id = later.customer_id
      ORDER BY 1`;
    const pairs = (from: string, to: string) => ctx.db.sql`SELECT * FROM siyu.journey_pairs(${from}::date, ${to}::date) ORDER BY 1`;
    const pick = async (table: string) => (await ctx.db.sql.unsafe<{ id: number }[]>(`SELECT id FROM siyu.${table} ORDER BY id LIMIT 8`)).map((r) => r.id);
    const ids = { customers: await pick('customers'), channels: await pick('channels'), campaigns: await pick('campaigns'), employees: await pick('employees') };
    const rnd = random(35);
    // Orders either side of the past start day and on as-of.
    const when = (): string => `${['2026-08-21', '2026-08-22', '2026-08-23', AS_OF][Math.floor(rnd() * 4)]} ${['00:10', '12:00', '23:50'][Math.floor(rnd() * 3)]}+08`;
    const next = { id: Number((await ctx.db.sql<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`)[0]!.n) };
    const pairsOf: Array<[string, string]> = [WINDOWS[0]!, WINDOWS[1]!, [AS_OF, '2026-08-22'], [AS_OF, AS_OF]];
    for (const [from, to] of pairsOf) expect(await pairs(from, to), `${from} → ${to}`).toEqual(await fresh(from, to));
    for (let i = 0; i < 12; i++) {
      const kind = await randomOrderWrite(ctx.db.sql, { rnd, ids, when, next, bulk: { customers: 4, spacing: '7 hours' }, bulkDelete: 'customers' });
      expect(await pairs(WINDOWS[0]![0], AS_OF), `write ${i}: ${kind}`).toEqual(await fresh(WINDOWS[0]![0], AS_OF));
    }
    // The start day built first of the kept days, then the end day new: its build drops the start day, which is built again.
    const [{ kept }] = await ctx.db.sql<[{ kept: number }]>`SELECT siyu.classification_days_kept() AS kept`;
    for (let d = 1; d <= kept; d++) await ctx.db.sql`SELECT count(*) FROM siyu.classification_on(${`2026-02-${String(d).padStart(2, '0')}`}::date)`;
    expect(await pairs('2026-02-01', '2026-03-15'), 'start day dropped by the end day\'s build').toEqual(await fresh('2026-02-01', '2026-03-15'));
    const days = (await ctx.db.sql<{ day: string }[]>`SELECT day::text FROM siyu.classification_day_builds`).map((r) => r.day);
    expect(days).toEqual(expect.arrayContaining(['2026-02-01', '2026-03-15']));
  }, 300_000);
});
