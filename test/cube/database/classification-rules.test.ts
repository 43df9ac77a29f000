/**
 * A changed classification rule (an edit of
 * cube/database/definitions/customer_classification.sql; here 011's
 * high_value_slipping, from the rule before it) reaches a database whose
 * classification was already built, with no fact changed: the version every
 * reader keys on changes, so the materialized classification and the
 * rollups keyed on it are rebuilt with the new rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readDefinitions } from '../../../cube/database/migrate.ts';
import { seedDatabase } from '../../../seed/load.ts';
import { createTestDatabase, one, type TestDatabase } from '../../helpers/database.ts';

/** Customers the materialized list has and plain SQL of the new rule has not, and the reverse. */
const DIFFERENCES = `
  WITH s AS (SELECT (SELECT value::date FROM siyu.settings WHERE key = 'as_of') AS as_of,
                    (SELECT value FROM siyu.settings WHERE key = 'time_zone') AS tz),
  buyers AS (
    SELECT o.customer_id, sum(o.amount) AS m, s.as_of - max((o.ordered_at AT TIME ZONE s.tz)::date) AS days
    FROM siyu.orders o CROSS JOIN s
    WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE s.tz)::date <= s.as_of GROUP BY o.customer_id, s.as_of),
  expected AS (SELECT customer_id FROM buyers WHERE m > (SELECT avg(m) FROM buyers) AND days BETWEEN 45 AND 120),
  listed AS (SELECT customer_id FROM siyu.classification_now WHERE is_high_value_slipping)
  SELECT count(*)::int AS n, (SELECT count(*)::int FROM expected) AS expected
  FROM listed l FULL JOIN expected e USING (customer_id) WHERE l.customer_id IS NULL OR e.customer_id IS NULL`;

describe('a changed classification rule on a database built before it', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('classification_rules');
  });
  afterAll(async () => db?.drop());

  it('changes the version and rebuilds the materialized classification with the new rule', async () => {
    const current = await readDefinitions();
    const rule = current.find((d) => d.name === 'customer_classification')!;
    // The rule as it was before 011: 重要保持 or 重要挽留, however long ago the last order.
    const newRule = /COALESCE\(LEFT\(rfm_segment, 2\) = '重要'\s+AND recency_days BETWEEN 45 AND 120, FALSE\)/;
    expect(rule.sql).toMatch(newRule);
    const earlierRule = { ...rule, sql: rule.sql.replace(newRule, "COALESCE(rfm_segment IN ('重要保持', '重要挽留'), FALSE)"), checksum: 'earlier' };
    await migrate(db.sql, undefined, current.map((d) => (d === rule ? earlierRule : d)));
    // The seed ends by building the classification (with the earlier rule).
    await seedDatabase(db.sql, { customers: 1500, seed: 3, asOf: '2026-11-20' });
    const before = one(await db.sql<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
    const old = one(await db.sql.unsafe<{ n: number; expected: number }[]>(DIFFERENCES));
    expect(old.expected).toBeGreaterThan(5);
    expect(old.n).toBeGreaterThan(0);

    expect(await migrate(db.sql)).toEqual(['definitions/customer_classification']);
    const after = one(await db.sql<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
    expect(after).not.toBe(before);
    expect(one(await db.sql<{ version: string }[]>`SELECT version FROM siyu.classification_builds`).version).toBe(after);
    expect(one(await db.sql.unsafe<{ n: number }[]>(DIFFERENCES)).n).toBe(0);
  });
});
