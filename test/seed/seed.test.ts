import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../seed/tables.ts';
import { seedDatabase } from '../../seed/load.ts';
import { migrate } from '../../cube/database/migrate.ts';
import { createTestDatabase, one, type TestDatabase } from '../helpers/database.ts';

const OPTIONS = { customers: 3000, seed: 7, asOf: '2026-11-20' };

/** Every key, foreign key, check and index on the schema's tables, as PostgreSQL would recreate it. */
async function definitions(db: TestDatabase): Promise<string[]> {
  const rows = await db.sql<{ def: string }[]>`
    SELECT format('%s %s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid), CASE WHEN c.convalidated THEN 'valid' ELSE 'not valid' END) AS def
    FROM pg_constraint c WHERE c.connamespace = 'siyu'::regnamespace AND c.contype IN ('p', 'u', 'x', 'f', 'c')
    UNION ALL
    SELECT indexdef || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END FROM pg_indexes x
    JOIN pg_class k ON k.relname = x.indexname AND k.relnamespace = 'siyu'::regnamespace
    JOIN pg_index i ON i.indexrelid = k.oid
    WHERE x.schemaname = 'siyu'`;
  return rows.map((r) => r.def).sort();
}

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

describe('seed', () => {
  let db: TestDatabase;
  let first: Record<string, string>;
  /** The schema's keys and indexes as the migrations leave them, before any seed. */
  let migrated: string[];

  beforeAll(async () => {
    db = await createTestDatabase('seed');
    await migrate(db.sql);
    migrated = await definitions(db);
    await seedDatabase(db.sql, OPTIONS);
    first = await checksums(db);
  });
  afterAll(async () => db.drop());

  it('makes the same rows whether the customer blocks come from worker threads or from this one', async () => {
    const other = await createTestDatabase('seed_blocks');
    try {
      await migrate(other.sql);
      const blocks = { customers: 1800, seed: 5, asOf: '2026-11-20', blockCustomers: 400 };
      const counts = await seedDatabase(other.sql, { ...blocks, workers: 2 });
      const threaded = await checksums(other);
      await seedDatabase(other.sql, { ...blocks, workers: 0 });
      expect(await checksums(other)).toEqual(threaded);
      // The counts are the generator's rows (settings also gets the data_origin mark).
      for (const table of TABLES.filter((t) => t !== 'settings')) expect(counts[table], table).toBe(Number(threaded[table]!.split(':')[0]));
    } finally {
      await other.drop();
    }
  });

  it('is deterministic: the same arguments give the same rows in every table', async () => {
    await seedDatabase(db.sql, OPTIONS);
    expect(await checksums(db)).toEqual(first);
    for (const table of TABLES) expect(Number(first[table]!.split(':')[0]), table).toBeGreaterThan(0);
  });

  it('ships targets for the as-of month and the one before (every active employee and team), one bonus scheme and one running contest, the same each time', async () => {
    const targetsMd5 = async () => one(await db.sql<{ md5: string }[]>`
      SELECT md5(string_agg(t::text, E'\n' ORDER BY t.id)) AS md5 FROM siyu.targets t`).md5;
    const { employees, teams } = one(await db.sql<{ employees: number; teams: number }[]>`
      SELECT (SELECT count(*)::int FROM siyu.employees WHERE active) AS employees, (SELECT count(DISTINCT team_id)::int FROM siyu.employees WHERE active) AS teams`);
    const perPeriod = await db.sql<{ period: string; metric: string; employees: number; teams: number }[]>`
      SELECT period, metric, count(employee_id)::int AS employees, count(team_id)::int AS teams FROM siyu.targets
      WHERE period NOT LIKE 'campaign:%' GROUP BY 1, 2 ORDER BY 1, 2`;
    expect(perPeriod).toEqual(['2026-10', '2026-11'].flatMap((period) =>
      ['follow_ups', 'gmv'].map((metric) => ({ period, metric, employees, teams }))));
    // The demo's team targets are the sums of their employees'.
    expect(await db.sql`
      SELECT t.id FROM siyu.targets t
      WHERE t.team_id IS NOT NULL
        AND t.value <> (SELECT sum(x.value) FROM siyu.targets x JOIN siyu.employees e ON e.id = x.employee_id
                        WHERE e.team_id = t.team_id AND x.period = t.period AND x.metric = t.metric)`).toEqual([]);
    // Each active employee's month targets, counted apart from the seed's SQL: 110 % of the month before's paid GMV
    // (to ¥1,000, at least ¥5,000) and follow-ups (at least 10), months in Shanghai time.
    expect(await db.sql`
      WITH m (period, starts, ends) AS (VALUES ('2026-11', '2026-10-01 00:00:00+08'::timestamptz, '2026-11-01 00:00:00+08'::timestamptz),
                                               ('2026-10', '2026-09-01 00:00:00+08'::timestamptz, '2026-10-01 00:00:00+08'::timestamptz)),
      expected AS (
        SELECT m.period, e.id AS employee_id, 'gmv' AS metric,
               greatest(round(coalesce((SELECT sum(o.amount) FROM siyu.orders o WHERE o.employee_id = e.id AND o.status = 'paid'
                                         AND o.ordered_at >= m.starts AND o.ordered_at < m.ends), 0) * 1.1 / 1000) * 1000, 5000) AS value
        FROM m CROSS JOIN siyu.employees e WHERE e.active
        UNION ALL
        SELECT m.period, e.id, 'follow_ups',
               greatest(round((SELECT count(*) FROM siyu.follow_ups f WHERE f.employee_id = e.id
                               AND f.occurred_at >= m.starts AND f.occurred_at < m.ends) * 1.1), 10)
        FROM m CROSS JOIN siyu.employees e WHERE e.active)
      SELECT x.period, x.employee_id, x.metric, x.value, t.value AS seeded FROM expected x
      LEFT JOIN siyu.targets t ON t.period = x.period AND t.metric = x.metric AND t.employee_id = x.employee_id
      WHERE t.value IS DISTINCT FROM x.value`).toEqual([]);
    // Every target has its first change kept.
    expect(one(await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.targets t WHERE NOT EXISTS (SELECT 1 FROM siyu.target_changes c WHERE c.target_id = t.id AND c.new_value = t.value)`).n).toBe(0);
    expect(await db.sql`SELECT period, metric, basis FROM siyu.bonus_schemes`).toEqual([{ period: '2026-11', metric: 'gmv', basis: 'achievement_rate' }]);
    expect(await db.sql`SELECT name, period, metrics FROM siyu.contests`).toEqual([{ name: '11月冲刺赛', period: '2026-11', metrics: ['gmv', 'buyers'] }]);
    const before = await targetsMd5();
    await seedDatabase(db.sql, OPTIONS);
    expect(await targetsMd5()).toBe(before);
  });

  it('ships campaign targets (participants, fission, conversions, GMV) for the running and recently ended campaigns, by employee and team', async () => {
    // The campaigns that started by the end of as-of (20 Nov, Shanghai) and ended on or after 21 Oct.
    const expected = (await db.sql<{ name: string }[]>`
      SELECT name FROM siyu.campaigns
      WHERE starts_at < '2026-11-21 00:00:00+08' AND ends_at >= '2026-10-21 00:00:00+08' ORDER BY name`).map((r) => `campaign:${r.name}`);
    expect(expected.length).toBeGreaterThan(0);
    const rows = await db.sql<{ period: string; metrics: string[]; employees: number; teams: number }[]>`
      SELECT period, array_agg(DISTINCT metric ORDER BY metric) AS metrics,
             count(DISTINCT employee_id)::int AS employees, count(DISTINCT team_id)::int AS teams
      FROM siyu.targets WHERE period LIKE 'campaign:%' GROUP BY period ORDER BY period`;
    expect(rows.map((r) => r.period)).toEqual(expected);
    // Each metric on some campaign (an employee is given a target on a metric they have some of so far).
    expect([...new Set(rows.flatMap((r) => r.metrics))].sort()).toEqual(['converted_count', 'fission_count', 'gmv', 'participants']);
    for (const r of rows) {
      expect(r.metrics, r.period).toContain('participants');
      expect(r.employees, r.period).toBeGreaterThan(0);
      expect(r.teams, r.period).toBeGreaterThan(0);
    }
    // Plausible: each employee's GMV run-rate lands within 60–150 % of the target (rounding aside).
    const { inside, all } = one(await db.sql<{ inside: number; all: number }[]>`
      SELECT count(*) FILTER (WHERE r BETWEEN 0.6 AND 1.5)::int AS inside, count(*)::int AS all
      FROM (
        SELECT (SELECT coalesce(sum(o.amount), 0) FROM siyu.paid_orders o JOIN siyu.campaigns c ON c.id = o.campaign_id
                WHERE 'campaign:' || c.name = t.period AND o.employee_id = t.employee_id AND o.ordered_at < '2026-11-21 00:00:00+08')
               / t.value / siyu.time_progress(t.period) AS r
        FROM siyu.targets t WHERE t.period LIKE 'campaign:%' AND t.metric = 'gmv' AND t.employee_id IS NOT NULL AND t.value >= 1000
      ) x`);
    expect(inside).toBe(all);
  });

  it('gives different data for a different seed', async () => {
    await seedDatabase(db.sql, { ...OPTIONS, seed: 8 });
    const other = await checksums(db);
    expect(other.orders).not.toEqual(first.orders);
    expect(other.customers).not.toEqual(first.customers);
    await seedDatabase(db.sql, OPTIONS);
  });

  it('gathers the loaded tables\' statistics in its transaction, before it builds the summary tables and targets from them', async () => {
    // On a new cluster the tables had none until after the commit: the targets' statements were planned blind
    // (42.5 s of a 1M seed instead of about 5).
    let firstSummary: number | null = null;
    const start = one(await db.sql<{ at: Date }[]>`SELECT clock_timestamp() AS at`).at.getTime();
    await seedDatabase(db.sql, { ...OPTIONS, onProgress: (p) => { if (p.phase === 'summarize') firstSummary ??= Date.now(); } });
    expect(firstSummary).not.toBeNull();
    const rows = await db.sql<{ t: string; at: Date | null }[]>`
      SELECT relname AS t, last_analyze AS at FROM pg_stat_user_tables WHERE schemaname = 'siyu' AND relname = ANY (${TABLES}) ORDER BY 1`;
    expect(rows.map((r) => r.t)).toEqual([...TABLES].sort());
    for (const r of rows) {
      expect(r.at?.getTime() ?? 0, `${r.t} analyzed by this seed`).toBeGreaterThanOrEqual(start);
      expect(r.at?.getTime() ?? Infinity, `${r.t} analyzed before the first summary table`).toBeLessThanOrEqual(firstSummary!);
    }
    expect(await checksums(db)).toEqual(first);
  });

  it('leaves the data as it was when a load fails halfway', async () => {
    await expect(seedDatabase(db.sql, { ...OPTIONS, seed: 9, beforeCommit: async () => { throw new Error('power cut'); } }))
      .rejects.toThrow('power cut');
    expect(await checksums(db)).toEqual(first);
  });

  it('puts back every key, foreign key and index it dropped for the load, also ones added after it was written', async () => {
    // The seeds so far left every key and index as migrated, the summary tables' too (some built without theirs).
    expect(await definitions(db)).toEqual(migrated);
    // As a later migration might: an index, and a table with a key into the seed's tables.
    await db.sql`CREATE INDEX orders_amount_idx ON siyu.orders (amount) WHERE status = 'paid'`;
    await db.sql`CREATE TABLE siyu.customer_notes (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES siyu.customers (id), note text)`;
    try {
      const before = await definitions(db);
      expect(before.some((d) => d.includes('orders_amount_idx'))).toBe(true);
      await seedDatabase(db.sql, OPTIONS);
      expect(await definitions(db)).toEqual(before);
      expect(await checksums(db)).toEqual(first);
      await expect(seedDatabase(db.sql, { ...OPTIONS, seed: 9, beforeCommit: async () => { throw new Error('power cut'); } }))
        .rejects.toThrow('power cut');
      expect(await definitions(db)).toEqual(before);
      // The keys are real again: a dangling reference is refused.
      await expect(db.sql`INSERT INTO siyu.customer_notes VALUES (1, 999999, 'x')`).rejects.toThrow(/foreign key/);
    } finally {
      await db.sql`DROP TABLE siyu.customer_notes`;
      await db.sql`DROP INDEX siyu.orders_amount_idx`;
    }
  });

  it('is referentially whole: every reference points at a row, every fact within history', async () => {
    const problems = await db.sql<{ problem: string; n: number }[]>`
      SELECT 'order credited before the employee was hired' AS problem, count(*)::int AS n FROM siyu.orders o JOIN siyu.employees e ON e.id = o.employee_id WHERE siyu.local_date(o.ordered_at) < e.hired_at
      UNION ALL SELECT 'referrer registered later', count(*)::int FROM siyu.customers c JOIN siyu.customers r ON r.id = c.referred_by_customer_id WHERE r.registered_at > c.registered_at
      UNION ALL SELECT 'self referral', count(*)::int FROM siyu.customers WHERE referred_by_customer_id = id
      UNION ALL SELECT 'order before registration', count(*)::int FROM siyu.orders o JOIN siyu.customers c ON c.id = o.customer_id WHERE o.ordered_at < c.registered_at
      UNION ALL SELECT 'event before registration', count(*)::int FROM siyu.events e JOIN siyu.customers c ON c.id = e.customer_id WHERE e.occurred_at < c.registered_at
      UNION ALL SELECT 'joined before registration', count(*)::int FROM siyu.campaign_participations p JOIN siyu.customers c ON c.id = p.customer_id WHERE p.joined_at < c.registered_at
      UNION ALL SELECT 'campaign order before joining', count(*)::int FROM siyu.orders o JOIN siyu.campaign_participations p ON p.campaign_id = o.campaign_id AND p.customer_id = o.customer_id WHERE o.ordered_at < p.joined_at
      UNION ALL SELECT 'fact after as-of', count(*)::int FROM siyu.orders WHERE siyu.local_date(ordered_at) > siyu.as_of()
      UNION ALL SELECT 'event after as-of', count(*)::int FROM siyu.events WHERE siyu.local_date(occurred_at) > siyu.as_of()
      UNION ALL SELECT 'arrival after as-of', count(*)::int FROM siyu.appointments WHERE arrived_at IS NOT NULL AND siyu.local_date(arrived_at) > siyu.as_of()
      UNION ALL SELECT 'customer without phone id', count(*)::int FROM siyu.customers c WHERE NOT EXISTS (SELECT 1 FROM siyu.customer_identities i WHERE i.customer_id = c.id AND i.system = 'phone' AND i.external_id = c.phone)
      UNION ALL SELECT 'inviter not in campaign', count(*)::int FROM siyu.campaign_participations p WHERE p.invited_by_customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM siyu.campaign_participations q WHERE q.campaign_id = p.campaign_id AND q.customer_id = p.invited_by_customer_id)
      UNION ALL SELECT 'campaign order without participation', count(*)::int FROM siyu.orders o WHERE o.campaign_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM siyu.campaign_participations q WHERE q.campaign_id = o.campaign_id AND q.customer_id = o.customer_id)
      UNION ALL SELECT 'spend outside campaign', count(*)::int FROM siyu.campaign_spend s JOIN siyu.campaigns k ON k.id = s.campaign_id WHERE s.spent_on < siyu.local_date(k.starts_at) OR s.spent_on > siyu.local_date(k.ends_at)
      UNION ALL SELECT 'team manager in another team', count(*)::int FROM siyu.teams t JOIN siyu.employees e ON e.id = t.manager_id WHERE e.team_id <> t.id`;
    expect(problems.filter((p) => p.n > 0)).toEqual([]);
    // No problem found must mean the checks ran over real rows, not empty tables.
    const [rows] = await db.sql<{ orders: number; events: number; participations: number }[]>`
      SELECT (SELECT count(*)::int FROM siyu.orders) AS orders, (SELECT count(*)::int FROM siyu.events) AS events,
             (SELECT count(*)::int FROM siyu.campaign_participations) AS participations`;
    expect(rows!.orders).toBeGreaterThan(1000);
    expect(rows!.events).toBeGreaterThan(1000);
    expect(rows!.participations).toBeGreaterThan(100);
  });

  it('looks like a real brand: peaks, channel differences, losses, referral chains, churn, OneID', async () => {
    const [shape] = await db.sql<Record<string, string | number>[]>`
      WITH monthly AS (
        SELECT to_char(siyu.local_date(ordered_at), 'MM') AS m, sum(amount) AS gmv
        FROM siyu.orders WHERE status = 'paid' GROUP BY 1
      ),
      roi AS (
        SELECT k.id, (SELECT coalesce(sum(amount), 0) FROM siyu.orders o WHERE o.campaign_id = k.id AND o.status = 'paid')
                     / NULLIF((SELECT sum(amount) FROM siyu.campaign_spend s WHERE s.campaign_id = k.id), 0) AS roi
        FROM siyu.campaigns k
      ),
      chain AS (
        SELECT count(*)::int AS n FROM siyu.customers c JOIN siyu.customers r ON r.id = c.referred_by_customer_id
        WHERE r.referred_by_customer_id IS NOT NULL
      ),
      conv AS (
        SELECT ch.code, count(DISTINCT o.customer_id)::numeric / count(DISTINCT c.id) AS rate
        FROM siyu.customers c JOIN siyu.channels ch ON ch.id = c.source_channel_id
        LEFT JOIN siyu.orders o ON o.customer_id = c.id AND o.status = 'paid'
        GROUP BY ch.code
      )
      SELECT
        (SELECT gmv FROM monthly WHERE m = '11') / (SELECT gmv FROM monthly WHERE m = '08') AS nov_over_aug,
        (SELECT count(*)::int FROM roi WHERE roi < 1) AS losing_campaigns,
        (SELECT count(*)::int FROM roi WHERE roi > 2) AS winning_campaigns,
        (SELECT n FROM chain) AS chained_referrals,
        (SELECT max(rate) - min(rate) FROM conv) AS conversion_spread,
        (SELECT count(*)::int FROM siyu.teams) AS teams,
        (SELECT count(*)::int FROM siyu.employees) AS employees,
        (SELECT count(*)::int FROM siyu.channels) AS channels,
        (SELECT count(*)::int FROM siyu.campaigns) AS campaigns,
        (SELECT avg(n) FROM (SELECT count(*) AS n FROM siyu.customer_identities GROUP BY customer_id) x) AS ids_per_person,
        (SELECT count(*)::int FROM (SELECT customer_id FROM siyu.orders WHERE status = 'paid' GROUP BY 1
           HAVING siyu.as_of() - max(siyu.local_date(ordered_at)) > 120) x) AS quiet_buyers`;
    expect(Number(shape!.nov_over_aug)).toBeGreaterThan(1.5);
    expect(shape!.losing_campaigns).toBeGreaterThan(0);
    expect(shape!.winning_campaigns).toBeGreaterThan(0);
    expect(shape!.chained_referrals).toBeGreaterThan(0);
    expect(Number(shape!.conversion_spread)).toBeGreaterThan(0.2);
    expect([shape!.teams, shape!.employees, shape!.channels, shape!.campaigns]).toEqual([6, 60, 15, 30]);
    expect(Number(shape!.ids_per_person)).toBeGreaterThan(2);
    expect(shape!.quiet_buyers).toBeGreaterThan(0);
  });
});
