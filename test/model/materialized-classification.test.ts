/**
 * The classification is materialised (customer_profiles' original_sql
 * pre-aggregation): the pages' classification queries read the built table,
 * not the raw facts, and a new fact reaches them once the refresh worker
 * rebuilt it. Cube 0.33 does not report an original_sql table in its
 * answer, so the test marks one customer in the built table by hand (a
 * classification the raw facts do not give) and each page must show the mark.
 */
import { describe, expect, it } from 'vitest';
import { buildDrillQuery, parseDrill, toDrillRows } from '../../web/src/lib/drill.ts';
import { buildSegmentQuery } from '../../web/src/features/segments/segment-counts/build-query.ts';
import { buildProfileQuery } from '../../web/src/features/customer-360/profile/build-query.ts';
import { buildActionListQuery, parseActionFilter } from '../../web/src/features/actions/build-queries.ts';
import { one } from '../helpers/database.ts';
import { useTestStack } from '../helpers/stack.ts';

const AS_OF = '2026-11-20';

describe('the materialised classification', () => {
  const ctx = useTestStack('classification', { demoCustomers: 800 });

  const load = async (query: object): Promise<{ data: Array<Record<string, unknown>> }> => {
    for (let attempt = 0; attempt < 120; attempt++) {
      const r = await ctx.api.request<{ data?: Array<Record<string, unknown>>; error?: string }>(
        'POST', '/cubejs-api/v1/load', { query: { timezone: 'Asia/Shanghai', ...query } });
      if (r.body.error === 'Continue wait') continue;
      expect(r.status).toBe(200);
      return { data: r.body.data! };
    }
    throw new Error('Cube kept answering "Continue wait"');
  };
  it('serves segment counts, drill lists, the customer 360 and the action lists from the built table', async () => {
    const churned = async () => Number((await load(buildSegmentQuery('lifecycle_stage', { team: null, channel: null }))).data
      .find((r) => r['customer_insights.lifecycle_stage'] === 'churned')?.['customer_insights.customers'] ?? 0);
    // The first query waits for the first build.
    const before = await churned();
    const [built] = await ctx.db.sql<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'siyu_pre_aggregations' AND table_name LIKE 'customer_profiles_classification%'`;
    expect(built).toBeDefined();
    const prospect = one(await ctx.db.sql<{ id: number }[]>`
      SELECT customer_id AS id FROM siyu.customer_classification(siyu.as_of())
      WHERE lifecycle_stage = 'prospect' ORDER BY customer_id LIMIT 1`).id;
    await ctx.db.sql.unsafe(`
      UPDATE siyu_pre_aggregations.${built!.name}
      SET lifecycle_stage = 'churned', rfm_segment = '重要挽留', is_high_value_slipping = TRUE
      WHERE customer_id = $1`, [prospect]);

    // New queries (none of them cached) see the mark: they read the table, not the facts.
    const segment = await load({ ...buildSegmentQuery('lifecycle_stage', { team: null, channel: null }), limit: 999 });
    expect(Number(segment.data.find((r) => r['customer_insights.lifecycle_stage'] === 'churned')?.['customer_insights.customers'])).toBe(before + 1);
    const drill = parseDrill(new URLSearchParams('metric=segment&segment=rfm_segment&value=重要挽留'), AS_OF);
    const list = toDrillRows('segment', (await load(buildDrillQuery(drill, { offset: 0, limit: 1000, sort: null, desc: true }))).data);
    expect(list.map((r) => r.customer)).toContain(prospect);
    const [profile] = (await load(buildProfileQuery(prospect))).data;
    expect(profile!['customer_insights.lifecycle_stage']).toBe('churned');
    const actions = (await load({ ...buildActionListQuery(parseActionFilter(new URLSearchParams('list=high_value_slipping')), 1), limit: 1000 })).data;
    expect(actions.map((r) => Number(r['customer_insights.customer']))).toContain(prospect);
  });

  it('a new paid order moves a prospect out of prospects once the table is rebuilt', async () => {
    const count = async () => Number((await load(buildSegmentQuery('lifecycle_stage', { team: null, channel: null }))).data
      .find((r) => r['customer_insights.lifecycle_stage'] === 'prospect')?.['customer_insights.customers'] ?? 0);
    const before = await count();
    const prospect = one(await ctx.db.sql<{ id: number; owner: number | null; channel: number }[]>`
      SELECT c.id, c.owner_employee_id AS owner, c.source_channel_id AS channel
      FROM siyu.customers c
      WHERE NOT EXISTS (SELECT 1 FROM siyu.orders o WHERE o.customer_id = c.id AND o.status = 'paid')
        AND c.owner_employee_id IS NOT NULL
      ORDER BY c.id LIMIT 1`);
    await ctx.db.sql`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, ordered_at, amount, items, category, status)
      SELECT max(id) + 1, ${prospect.id}, ${prospect.owner}, ${prospect.channel}, siyu.local_midnight(siyu.as_of()) + INTERVAL '10 hours',
             199.00, 1, 'traffic', 'paid'
      FROM siyu.orders`;
    let after = before;
    const deadline = Date.now() + 60_000;
    while (after === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await count();
    }
    expect(after).toBe(before - 1);
  });
});
