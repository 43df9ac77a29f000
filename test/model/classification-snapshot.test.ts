/**
 * The classification is materialized (migration 009; a table kept customer
 * by customer since 026) and brought up to date when the facts change. A
 * change that adds no row (an order's amount corrected, an order deleted, a
 * follow-up removed) must reach the customer 360 too, and
 * the materialized rows must equal the classification computed by
 * independent SQL after it (test/helpers/independent-sql.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProfileQuery } from '../../web/src/features/customer-360/profile/build-query.ts';
import { cubeRoleName } from '../../cube/database/cube-role.ts';
import { one } from '../helpers/database.ts';
import { profileSql } from '../helpers/independent-sql.ts';
import { useTestStack } from '../helpers/stack.ts';

interface Paid { customer: number; orders: number; amount: string }

describe('materialized classification', () => {
  const ctx = useTestStack('snapshot', { demoCustomers: 400 });

  beforeAll(async () => {
    await ctx.db.sql`CREATE SCHEMA snapshot_expect`;
  });
  afterAll(async () => {
    await ctx.db.sql`DROP SCHEMA IF EXISTS snapshot_expect CASCADE`;
  });

  /** The 360's profile row, once the answer shows what `ready` waits for (Cube checks the key every 2 s). */
  const profileOnceFresh = async (customer: number, ready: (row: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    let row: Record<string, unknown> | undefined;
    await expect.poll(async () => {
      row = one(await ctx.api.load({ ...buildProfileQuery(customer) }));
      return ready(row);
    }, { timeout: 30_000, interval: 500 }).toBe(true);
    return row!;
  };

  /** Every customer's stages in the materialized view equal independent SQL's, as of the data's as-of. */
  const expectSnapshotMatchesIndependentSql = async (name: string): Promise<void> => {
    await ctx.db.sql.unsafe(profileSql(`snapshot_expect.${name}`, "(SELECT value FROM siyu.settings WHERE key = 'as_of')"));
    const differences = await ctx.db.sql.unsafe<{ n: number }[]>(`
      SELECT count(*)::int AS n
      FROM snapshot_expect.${name} e
      FULL JOIN siyu.classification_now c ON c.customer_id = e.id
      WHERE c.customer_id IS NULL OR e.id IS NULL
         OR (c.paid_orders, c.paid_amount, c.lifecycle_stage, c.aipl_stage, c.five_a_stage)
            IS DISTINCT FROM (e.f, e.m, e.lifecycle_stage, e.aipl_stage, e.five_a_stage)
         OR c.rfm_segment IS DISTINCT FROM e.rfm_segment`);
    expect(one(differences).n).toBe(0);
  };

  it('corrects an order amount and deletes an order: the 360 and every materialized row follow', async () => {
    // A customer with two paid orders: one is corrected, then the other deleted.
    const target = one(await ctx.db.sql<Paid[]>`
      SELECT customer_id AS customer, count(*)::int AS orders, sum(amount)::text AS amount
      FROM siyu.orders WHERE status = 'paid' AND siyu.local_date(ordered_at) <= siyu.as_of()
      GROUP BY customer_id HAVING count(*) = 2 ORDER BY customer_id LIMIT 1`);
    const before = one(await ctx.api.load({ ...buildProfileQuery(target.customer) }));
    expect(Number(before['customer_insights.paid_orders'])).toBe(2);
    expect(before['customer_insights.aipl_stage']).toBe('L');
    const builds = one(await ctx.db.sql<{ version: string }[]>`SELECT version FROM siyu.classification_builds`);

    // No new row, no new id: only the change counters see it.
    const [first, second] = await ctx.db.sql<{ id: number }[]>`
      SELECT id FROM siyu.orders WHERE customer_id = ${target.customer} AND status = 'paid' ORDER BY id`;
    await ctx.db.sql`UPDATE siyu.orders SET amount = amount + 1000.25 WHERE id = ${first!.id}`;
    const corrected = (Number(target.amount) + 1000.25).toFixed(2);
    const afterUpdate = await profileOnceFresh(target.customer, (row) => Number(row['customer_insights.paid_amount']).toFixed(2) === corrected);
    expect(afterUpdate['customer_insights.paid_orders']).toBe(before['customer_insights.paid_orders']);
    await expectSnapshotMatchesIndependentSql('after_update');

    await ctx.db.sql`DELETE FROM siyu.orders WHERE id = ${second!.id}`;
    const afterDelete = await profileOnceFresh(target.customer, (row) => Number(row['customer_insights.paid_orders']) === 1);
    expect(afterDelete['customer_insights.aipl_stage']).toBe('P');
    await expectSnapshotMatchesIndependentSql('after_delete');

    const rebuilt = one(await ctx.db.sql<{ version: string }[]>`SELECT version FROM siyu.classification_builds`);
    expect(rebuilt.version).not.toBe(builds.version);
  });

  it('is rebuilt once per change, not per query: a second caller finds it done', async () => {
    const version = one(await ctx.db.sql<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
    const built = one(await ctx.db.sql<{ built_at: Date }[]>`SELECT built_at FROM siyu.classification_builds`);
    const again = one(await ctx.db.sql<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
    const still = one(await ctx.db.sql<{ built_at: Date }[]>`SELECT built_at FROM siyu.classification_builds`);
    expect(again).toBe(version);
    expect(still.built_at.getTime()).toBe(built.built_at.getTime());
  });

  it('serves the previous build at once while another caller builds, and the new one after', async () => {
    const before = one(await ctx.db.sql<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
    // A builder at work: it holds the build lock (as a rebuild does for its duration).
    const builder = await ctx.db.sql.reserve();
    try {
      await builder`SELECT pg_advisory_lock(hashtext('siyu.classification_now'))`;
      // A contact on as-of: the customer's last contact date moves, so the table will change.
      await ctx.db.sql`UPDATE siyu.follow_ups SET occurred_at = siyu.local_midnight(siyu.as_of()) + interval '1 hour'
        WHERE id = (SELECT min(id) FROM siyu.follow_ups WHERE occurred_at < siyu.local_midnight(siyu.as_of()))`;
      const changed = one(await ctx.db.sql<{ v: string }[]>`SELECT siyu.classification_version() AS v`).v;
      expect(changed).not.toBe(before);
      const during = one(await ctx.db.sql<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
      expect(during).toBe(before);
    } finally {
      await builder`SELECT pg_advisory_unlock(hashtext('siyu.classification_now'))`;
      builder.release();
    }
    const after = one(await ctx.db.sql<{ v: string }[]>`SELECT siyu.classification_now_version() AS v`).v;
    expect(after).not.toBe(before);
    expect(after).toBe(one(await ctx.db.sql<{ v: string }[]>`SELECT siyu.classification_version() AS v`).v);
  });

  it("lets Cube's read-only role ask for a rebuild but not write the classification itself", async () => {
    const role = cubeRoleName(one(await ctx.db.sql<{ db: string }[]>`SELECT current_database() AS db`).db);
    await ctx.db.sql.begin(async (tx) => {
      await tx.unsafe(`SET LOCAL ROLE ${role}`);
      await expect(tx`SELECT siyu.classification_now_version()`).resolves.toHaveLength(1);
      await expect(tx.savepoint((sp) => sp`DELETE FROM siyu.classification_builds`)).rejects.toThrow(/permission denied/);
      await expect(tx.savepoint((sp) => sp`DELETE FROM siyu.classification_now`)).rejects.toThrow(/permission denied/);
      await expect(tx.savepoint((sp) => sp`SELECT siyu.classification_now_refresh()`)).rejects.toThrow(/permission denied/);
    });
  });
});
