/**
 * The cost-based refusal (cube/gateway/query-cost.ts) refuses only what no
 * page sends: every page's queries, on every date range the filter bar
 * offers and on long custom ones, for the full and the limited roles'
 * drill lists, pass; the heaviest shapes a person could type are refused
 * with the product's message, and heavy-but-admitted ones go to their lane.
 */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../cube/gateway/http-error.ts';
import { costOf } from '../../../cube/gateway/query-cost.ts';
import type { CubeQuery as GatewayQuery } from '../../../cube/gateway/query-schema.ts';
import { RANGE_PRESETS } from '../../../web/src/lib/date-range.ts';
import { customer360, drillList, tilePages, type CubeQuery, type PageContext } from '../../../web/src/page-loads.ts';

const AS_OF = '2026-11-20';
const campaignRows = [{ 'campaign_budgets.campaign': '双11', 'campaign_budgets.starts_on': '2026-11-01', 'campaign_budgets.ends_on': '2026-11-30' },
  { 'campaign_budgets.campaign': '618', 'campaign_budgets.starts_on': '2026-06-01', 'campaign_budgets.ends_on': '2026-06-20' }];

function pagesQueries(): Array<{ where: string; query: CubeQuery }> {
  const out: Array<{ where: string; query: CubeQuery }> = [];
  const ranges = [undefined, ...RANGE_PRESETS.map((p) => `range=${p}`), 'from=2024-01-01&to=2026-11-20', 'from=2026-11-01&to=2026-11-20'];
  for (const range of ranges) {
    const ctx: PageContext = { asOf: AS_OF, campaignRows, team: '华东一组', employeeId: 7, channel: '企业微信', ...(range ? { range } : {}) };
    for (const page of tilePages(ctx)) for (const q of page.queries) out.push({ where: `${page.page} ${range ?? ''} ${q.name}`, query: q.query });
    for (const limited of [false, true]) {
      for (const params of ['metric=gmv', 'metric=buyers&from=2024-01-01&to=2026-11-20', 'metric=gmv&page=500', `metric=repurchase_rate&${range ?? ''}`]) {
        for (const q of drillList(params, AS_OF, limited).queries) out.push({ where: `drill ${params} ${limited} ${q.name}`, query: q.query });
      }
    }
  }
  for (const q of customer360(42).queries) out.push({ where: `360 ${q.name}`, query: q.query });
  return out;
}

describe('query cost', () => {
  it('admits every page\'s own queries, on every range', () => {
    const queries = pagesQueries();
    expect(queries.length).toBeGreaterThan(200);
    for (const { where, query } of queries) {
      try {
        costOf(query);
      } catch (error) {
        throw new Error(`${where} refused: ${(error as Error).message}`);
      }
    }
    // The big-screen's hourly GMV of today is light.
    const bigScreen = queries.find((q) => q.where.startsWith('big-screen') && q.where.endsWith('gmv_by_hour_today'))!;
    expect(costOf(bigScreen.query).heavy).toBe(false);
    // So is the campaign list (its start and end days, all campaigns).
    expect(costOf(queries.find((q) => q.where.endsWith('campaign_list'))!.query).heavy).toBe(false);
  });

  it('refuses the heaviest shapes with a 422 in the product\'s words, zh-CN then English', () => {
    const measures = Array.from({ length: 20 }, (_, i) => `sales_overview.m${i}`);
    const bySecond: GatewayQuery = { measures: ['sales_overview.gmv'], timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'second', dateRange: ['2025-11-21', '2026-11-20'] }] };
    const refusal = (q: GatewayQuery | GatewayQuery[]): HttpError => {
      try {
        costOf(q);
      } catch (error) {
        return error as HttpError;
      }
      throw new Error('admitted');
    };
    const seconds = refusal(bySecond);
    expect(seconds.status).toBe(422);
    expect(seconds.message).toBe('这个查询要按时间分成 31,536,000 段，最多 10,000 段：请缩短日期范围，或按小时、天、月查看。 '
      + 'This query splits time into 31,536,000 buckets, more than the 10,000 allowed: narrow the dates, or use a coarser granularity (hour, day, month).');
    expect(refusal({ measures }).message).toMatch(/^这个查询一次要求 20 个指标，最多 12 个.*This query asks for 20 measures at once/);
    // By hour with no range: all time.
    expect(refusal({ measures: ['sales_overview.gmv'], timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'hour' }] }).status).toBe(422);
    // One of a list is enough.
    expect(refusal([{ measures: ['sales_overview.gmv'] }, bySecond]).status).toBe(422);
  });

  it('sends fine granularities over long ranges, many measures, totals and deep pages to the heavy lane', () => {
    const td = (granularity: string, dateRange: [string, string]) => ({ timeDimensions: [{ dimension: 'sales_overview.order_date', granularity, dateRange }] });
    expect(costOf({ measures: ['sales_overview.gmv'], ...td('hour', ['2025-11-21', '2026-11-20']) }).heavy).toBe(true);
    expect(costOf({ measures: ['sales_overview.gmv'], ...td('hour', ['2026-11-20', '2026-11-20']) }).heavy).toBe(false);
    expect(costOf({ measures: ['sales_overview.gmv'], ...td('day', ['2026-10-01', '2026-11-20']) }).heavy).toBe(false);
    expect(costOf({ measures: Array.from({ length: 7 }, (_, i) => `v.m${i}`) }).heavy).toBe(true);
    expect(costOf({ measures: ['sales_drill.gmv'], dimensions: ['sales_drill.customer_id'], total: true }).heavy).toBe(true);
    expect(costOf({ measures: ['sales_drill.gmv'], dimensions: ['sales_drill.customer_id'], offset: 20 }).heavy).toBe(true);
  });
});
