/**
 * The pages' tiles are answered by the tables the design names for them and
 * by no rollup, as Cube itself reports it, under each role's row limits, and
 * with the numbers a Cube without pre-aggregations gives. The model keeps no
 * rollup any more (the last, customer_profiles.totals, went when the churn
 * and LTV tiles moved to the kept classification counts): a write rebuilds
 * nothing before the tiles show it.
 *
 * The product runs with its refresh worker, as `npm start` does, so a rollup
 * added to the model would be built and found answering. Cube names the
 * pre-aggregation that answered only to a token signed with a system secret,
 * so the test's product holds one (a test-only setting) and is asked directly
 * (cube/tools/rollup-probe.ts); a second Cube of the same model, without
 * pre-aggregations, gives the raw answers. The queries are the pages' own
 * (web/src/page-loads.ts, from each page's own list,
 * web/src/features/<page>/page-queries.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { tilePages, type CubeQuery, type PageContext } from '../../web/src/page-loads.ts';
import { randomBytes } from 'node:crypto';
import { attachRollupProbe, startRollupProbe, type ProbeAnswer, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildCampaignListQuery } from '../../web/src/features/big-screen/campaigns.ts';
import { useTestStack } from '../helpers/stack.ts';

/**
 * Every page query, with the table that answers it (and why no rollup
 * could). A query not listed fails the test, and so does a listed one that a
 * rollup starts answering, so the list stays true.
 */
const RAW_BY_DESIGN: Readonly<Record<string, string>> = {
  // Distinct counts over any date range: a rollup holds sums, and the distinct
  // customers of two days are not the sum of each day's. PostgreSQL has no
  // mergeable distinct-count sketch without the hll extension, and that one
  // would be approximate.
  // The distinct buyers are counted on the customer-day table instead (migration 013; that they are, and
  // exactly, is test/model/customer-days.test.ts), or read from the period table on a preset's range
  // (migration 018, test/model/period-sales.test.ts).
  sales_kpis: 'buyers (period table)', sales_kpis_mom: 'buyers (period table)', sales_kpis_yoy: 'buyers (period table)',
  repurchase: 'repeat buyers (customer paid-day table)', repurchase_mom: 'repeat buyers (customer paid-day table)', repurchase_yoy: 'repeat buyers (customer paid-day table)',
  // Participants are counted on the participant conversions table (migration 019; that they are, and exactly, is
  // test/model/participant-conversions.test.ts), or read from the participants' period table on a preset's range
  // and for the big-screen's all-time tile (migration 028, test/model/period-participants.test.ts).
  participation: 'participants (period table)', participants_by_city_tier: 'participants (participant conversions)',
  conversion_by_channel: 'participants (period table)', conversion_by_campaign: 'participants (period table)',
  participation_by_campaign: 'participants (period table)',
  sales_by_team: 'buyers (period table)', sales_by_employee: 'buyers (period table)', employee_sales: 'buyers (customer-day table)',
  // Owned customers are counted on the customers (one row each), converted customers on the customer paid-day
  // table, one row per customer's first paid day in the range (migration 036; test/model/staff-owned.test.ts,
  // staff-converted.test.ts). The repurchase rate off a preset likewise (test/model/custom-ranges.test.ts).
  owned_by_team: 'owned customers (the customers)', owned_by_employee: 'owned customers (the customers)', employee_owned: 'owned customers (the customers)',
  converted_by_team: 'converted customers (customer paid-day table)', converted_by_employee: 'converted customers (customer paid-day table)',
  employee_converted: 'converted customers (customer paid-day table)',
  // The campaigns themselves (one row each, a few hundred at most): two calendars per row, nothing to sum.
  campaign_list: 'the campaign table', budget_by_campaign: 'the campaign table',
  // Any two days the person picks, classified on the fly.
  journey_flows: 'two chosen days',
  // Targets: each target's actual is computed per target over its own window (up to as-of), from the
  // customer-day table for sales (test/model/target-actuals.test.ts), not a sum by day.
  campaign_targets: 'targets (actual per target, own window)',
  // The big-screen's live sales tiles, and the overview's GMV trend up to a month, read the hourly sales table (migration
  // 032), which a write changes in place, so nothing is rebuilt after it (that they are, and exactly, is
  // test/model/sales-hours.test.ts); the trend by month (the pages' default year here) reads the monthly sales table with
  // the hourly one for its edge months (migration 041, test/model/sales-trend.test.ts), so no month partition is rebuilt.
  campaign_sales: 'hourly sales table', gmv_by_hour_today: 'hourly sales table', gmv_by_hour_week_ago: 'hourly sales table',
  leaderboard: 'hourly sales table', gmv_trend: 'monthly and hourly sales tables',
  // The segments page's distributions and the action lists' counts read the classification counts table, kept by
  // triggers on the classification (migration 039; test/model/classification-counts.test.ts): nothing is rebuilt
  // after a write.
  customers_by_rfm_segment: 'classification counts table', customers_by_lifecycle_stage: 'classification counts table',
  customers_by_aipl_stage: 'classification counts table', customers_by_five_a_stage: 'classification counts table',
  customers_by_value_quadrant: 'classification counts table', owner_counts: 'classification counts table',
  count_birthday_soon: 'classification counts table', count_booked_not_arrived: 'classification counts table',
  count_high_value_slipping: 'classification counts table', count_first_order_follow_up: 'classification counts table',
  // The ROI, spend and CAC tiles, and the filter bar's channel and campaign lists, read the returns day table (migration
  // 043; test/model/returns-days.test.ts), which a write changes in place: its rollups went, nothing is rebuilt. By month
  // (the planner's history, the spend trend of the default year) and on ranges over 62 days (the channels' and activities'
  // breakdowns of the default year, web/src/lib/returns-view.ts) the monthly returns table kept from it (migration 048).
  roi: 'returns day table', roi_yoy: 'returns day table', spend_trend: 'monthly and day returns tables', roi_by_channel: 'monthly and day returns tables',
  roi_by_campaign: 'monthly and day returns tables', roi_by_employee: 'monthly and day returns tables', employee_roi: 'returns day table',
  gmv_by_campaign: 'monthly and day returns tables', monthly_history: 'monthly returns table',
  // New customers read the registrations table (migration 044) and the staff pages' touch counts the touches table
  // (migration 045), kept by triggers (test/model/registration-days.test.ts, touch-days.test.ts); the filter bar's
  // lists the teams, channels and campaigns themselves (test/model/filter-options.test.ts): nothing is rebuilt after a write.
  new_customers: 'registrations table', new_customers_mom: 'registrations table', new_customers_yoy: 'registrations table',
  new_customers_by_source: 'registrations table', employee_new_customers: 'registrations table',
  activity_by_team: 'touches table', activity_by_employee: 'touches table', employee_activity: 'touches table',
  filter_team: 'the dimension tables', filter_channel: 'the dimension tables', filter_campaign: 'the dimension tables',
  // Churn and LTV by stage, team or owner: the kept classification counts (migrations 039, 062), every role
  // (test/model/churn-ltv-counts.test.ts), as the churn and LTV lists' counts and headers.
  churn_ltv: 'the kept classification counts',
  // A list of customers, not a total.
  list: 'a list of rows',
};

/** Every rollup the model defines, as Cube names its tables (cube_rollup), read from the YAML's layout. */
function modelRollups(modelDir: string): string[] {
  const names: string[] = [];
  for (const file of readdirSync(path.join(modelDir, 'cubes')).filter((f) => f.endsWith('.yml'))) {
    let cube = '';
    let inPreAggregations = false;
    for (const line of readFileSync(path.join(modelDir, 'cubes', file), 'utf8').split('\n')) {
      const cubeName = /^  - name: (\w+)/.exec(line);
      if (cubeName) [cube, inPreAggregations] = [cubeName[1]!, false];
      else if (/^    \w/.test(line)) inPreAggregations = line.startsWith('    pre_aggregations:');
      const rollup = inPreAggregations ? /^      - name: (\w+)/.exec(line) : null;
      if (rollup) names.push(`${cube}_${rollup[1]}`);
    }
  }
  return names.sort();
}

/**
 * Rows as comparable text: sorted, numbers to 12 significant digits (ratios
 * are computed from sums in another order). A count over an empty slice is 0
 * on the raw tables and null from a rollup (Cube sums the rollup's counts):
 * both read as 0 here; the pages show that slice as "—" instead of "0".
 */
function comparable(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  return rows
    .map((row) => JSON.stringify(Object.keys(row).sort().map((k) => {
      const v = row[k] === null && rows.length === 1 && Object.keys(row).length === 1 ? 0 : row[k];
      if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return [k, Number(Number(v).toPrecision(12))];
      return [k, v];
    })))
    .sort();
}

describe('what answers the pages', () => {
  const config = loadConfig();
  const systemSecret = randomBytes(32).toString('hex');
  const logged: string[] = [];
  const ctx = useTestStack('rollups', { demoCustomers: 1500, config: { refreshWorker: true, cubeSystemSecret: systemSecret }, log: (m) => logged.push(m) });
  /** What Cube logged of a rollup build that failed. */
  const buildErrors = (): string[] => logged.filter((m) => /already exists|Refresh Scheduler Error|Error (loading|refreshing) pre-aggregation/.test(m));
  let rollupCube: RollupProbe;
  let rawCube: RollupProbe;
  let roles: SecurityContext[];
  let pageContext: PageContext;

  beforeAll(async () => {
    const contextOf = async (username: string): Promise<SecurityContext> => {
      const api = await ctx.stack.client(username);
      const me = (await api.request<SecurityContext>('GET', '/api/me')).body;
      return { username: me.username, role: me.role, employeeId: me.employeeId, teamId: me.teamId };
    };
    rollupCube = attachRollupProbe({ cubeUrl: ctx.stack.cubeUrl, systemSecret, timeZone: config.timeZone });
    rawCube = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone, preAggregations: false });
    roles = [await contextOf('exec'), await contextOf('manager'), await contextOf('staff')];
    const asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const [someone] = await ctx.api.load({ dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1 });
    const [channel] = await ctx.api.load({ dimensions: ['channel_roi.channel'], filters: [{ member: 'channel_roi.channel', operator: 'set' }], order: { 'channel_roi.channel': 'asc' }, limit: 1 });
    pageContext = {
      asOf,
      campaignRows: await ctx.api.load(buildCampaignListQuery() as CubeQuery),
      team: String(someone!['staff_performance.team']),
      employeeId: Number(someone!['staff_performance.employee_id']),
      channel: String(channel!['channel_roi.channel']),
    };
  }, 240_000);

  afterAll(async () => {
    await rollupCube?.stop();
    await rawCube?.stop();
  });

  it('the model defines no rollup: nothing is rebuilt after a write', () => {
    expect(modelRollups(config.modelDir)).toEqual([]);
  });

  it('every tile query of every page reads its listed table, no rollup, under each role, with the raw numbers', async () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const role of roles) {
      for (const page of tilePages(pageContext)) {
        for (const { name, query } of page.queries) {
          const key = `${role.role} ${JSON.stringify(query)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const label = `${role.role} · ${page.page} · ${name}`;
          let answer: ProbeAnswer;
          try {
            answer = await rollupCube.answer(role, query);
          } catch (error) {
            // A query the role may not make is refused alike with and without rollups (the pages do not send it).
            if (/may not query/.test(String(error))) continue;
            throw new Error(`${label}: ${String(error)}`);
          }
          const raw = await rawCube.answer(role, query);
          expect(raw.rollups, `${label}: the raw Cube read a rollup`).toEqual([]);
          const why = RAW_BY_DESIGN[name];
          if (why === undefined) problems.push(`${label}: not listed with the table that answers it`);
          else if (answer.rollups.length > 0) problems.push(`${label}: listed as ${why} but ${answer.rollups.join(', ')} answered`);
          expect(comparable(answer.data), `${label}: rollup and raw numbers`).toEqual(comparable(raw.data));
        }
      }
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBeGreaterThan(100);
  }, 300_000);

  it('an employee moved to another team, then a new order, reach the daily sales table within seconds', async () => {
    const exec = roles[0]!;
    const byTeam: CubeQuery = { measures: ['sales_overview.gmv', 'sales_overview.order_count'], dimensions: ['sales_overview.team'] };
    // The same numbers from the daily sales table (migration 042, which replaced the orders' rollup by day), as sales_overview's.
    const daily = JSON.parse(JSON.stringify(byTeam).replaceAll('sales_overview.', 'sales_daily.')) as CubeQuery;
    const product = async (): Promise<string[]> =>
      comparable((await ctx.api.load(daily)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace('sales_daily.', 'sales_overview.'), v]))));
    const answeredBy = async (): Promise<string[]> => (await rollupCube.answer(exec, daily)).rollups;
    const raw = async (): Promise<string[]> => comparable((await rawCube.answer(exec, byTeam)).data);
    const before = await raw();
    expect(await product()).toEqual(before);
    // Cube's result cache of the raw answers follows the dimension tables within 10 s (their default refresh key).
    const rawAfterChange = async (previous: string[]): Promise<string[]> => {
      await expect.poll(raw, { timeout: 30_000, interval: 1_000 }).not.toEqual(previous);
      return raw();
    };
    const [mover] = await ctx.db.sql<{ id: number; team_id: number; other: number }[]>`
      SELECT e.id, e.team_id, (SELECT t.id FROM siyu.teams AS t WHERE t.id <> e.team_id ORDER BY t.id LIMIT 1) AS other
      FROM siyu.employees AS e WHERE EXISTS (SELECT 1 FROM siyu.paid_orders AS o WHERE o.employee_id = e.id)
      ORDER BY e.id LIMIT 1`;
    const [row] = await ctx.db.sql<{ next: number; customer: number }[]>`
      SELECT max(id) + 1 AS next, (SELECT min(id) FROM siyu.customers) AS customer FROM siyu.orders`;
    const { next, customer } = row!;
    try {
      // No fact changes here: only the employees table (siyu.dimensions_version() in the refresh keys).
      await ctx.db.sql`UPDATE siyu.employees SET team_id = ${mover!.other} WHERE id = ${mover!.id}`;
      const moved = await rawAfterChange(before);
      await expect.poll(product, { timeout: 60_000, interval: 1_000 }).toEqual(moved);

      await ctx.db.sql`
        INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        VALUES (${next}, ${customer}, ${mover!.id}, (SELECT min(id) FROM siyu.channels), NULL,
                (${pageContext.asOf}::date + time '12:00') AT TIME ZONE siyu.business_tz(), 777.70, 1, 'core', 'paid')`;
      const ordered = await rawAfterChange(moved);
      await expect.poll(product, { timeout: 60_000, interval: 1_000 }).toEqual(ordered);
      // Read from the table as it stands: no rollup, nothing rebuilt.
      expect(await answeredBy()).toEqual([]);
    } finally {
      await ctx.db.sql`DELETE FROM siyu.orders WHERE id = ${next}`;
      await ctx.db.sql`UPDATE siyu.employees SET team_id = ${mover!.team_id} WHERE id = ${mover!.id}`;
    }
  }, 240_000);

  it('no rollup build failed in the whole run', () => {
    expect(buildErrors()).toEqual([]);
  });
});
