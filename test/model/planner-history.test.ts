/**
 * The history the budget planner reads for a month, through the app server
 * and Cube as an operator's page asks for it, against independent SQL on the
 * siyu tables: spend and campaign-attributed GMV per channel and business
 * month, for the whole brand and for one channel kind; and the recent window
 * and same-month figures the plan for next month is built on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addMonths, forecast, type MonthPoint } from '../../web/src/features/planner/period-forecast.ts';
import { lastFullMonth, monthlyHistoryQuery, toMonthPoints, type PlanScope } from '../../web/src/features/planner/period-history.ts';
import { periodBackTest } from '../../web/src/features/planner/period-plan.ts';
import { monthRange } from '../../web/src/features/planner/period-url.ts';
import { useTestStack } from '../helpers/stack.ts';

const TZ = 'Asia/Shanghai';

describe('the planner\'s monthly history equals independent SQL', () => {
  const ctx = useTestStack('planner-history');
  let asOf = '';
  let lastMonth = '';

  beforeAll(async () => {
    const [row] = await ctx.db.sql<{ as_of: string }[]>`SELECT siyu.as_of()::text AS as_of`;
    asOf = row!.as_of;
    lastMonth = lastFullMonth(asOf);
  });

  /** Spend by the spend line's day, attributed GMV by the paid order's local day; channels of `kind` only when given. */
  async function sqlHistory(kind: string | null): Promise<Map<string, [number, number]>> {
    const rows = await ctx.db.sql<{ channel: string; month: string; spend: string; gmv: string }[]>`
      WITH facts AS (
        SELECT s.channel_id, to_char(s.spent_on, 'YYYY-MM') AS month, s.amount AS spend, 0::numeric AS gmv
        FROM siyu.campaign_spend s
        UNION ALL
        SELECT o.channel_id, to_char((o.ordered_at AT TIME ZONE ${TZ})::date, 'YYYY-MM'), 0, o.amount
        FROM siyu.orders o
        WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL
      )
      SELECT ch.name AS channel, f.month, sum(f.spend)::text AS spend, sum(f.gmv)::text AS gmv
      FROM facts f JOIN siyu.channels ch ON ch.id = f.channel_id
      WHERE f.month <= ${lastMonth} AND (${kind}::text IS NULL OR ch.kind = ${kind})
      GROUP BY 1, 2
      HAVING sum(f.spend) <> 0 OR sum(f.gmv) <> 0`;
    return new Map(rows.map((r) => [`${r.channel}|${r.month}`, [Number(r.spend), Number(r.gmv)]]));
  }

  async function planner(scope: PlanScope): Promise<MonthPoint[]> {
    return toMonthPoints(await ctx.api.load(monthlyHistoryQuery(asOf, scope) as Record<string, unknown>));
  }

  for (const [scope, kind] of [['all', null], ['private', 'private']] as const) {
    it(`reads spend and attributed GMV per channel and month (${scope})`, async () => {
      const points = await planner(scope);
      const expected = await sqlHistory(kind);
      expect(expected.size).toBeGreaterThan(50);
      expect(points.map((p) => `${p.channel}|${p.month}`).sort()).toEqual([...expected.keys()].sort());
      for (const p of points) {
        const [spend, gmv] = expected.get(`${p.channel}|${p.month}`)!;
        expect(p.spend, `${p.channel} ${p.month} spend`).toBeCloseTo(spend, 2);
        expect(p.gmv, `${p.channel} ${p.month} GMV`).toBeCloseTo(gmv, 2);
      }
      expect(points.every((p) => p.month <= lastMonth)).toBe(true);
    });
  }

  it('builds next month\'s plan on the last 12 full months and the same month a year earlier', async () => {
    const points = await planner('all');
    const next = monthRange(addMonths(lastMonth, 1));
    const f = forecast(points, lastMonth, next[0], next[1]);
    const [recent] = await ctx.db.sql<{ spend: string; gmv: string; months: string }[]>`
      SELECT (SELECT sum(amount) FROM siyu.campaign_spend WHERE to_char(spent_on, 'YYYY-MM') BETWEEN ${f.recent.from} AND ${f.recent.to})::text AS spend,
             (SELECT count(DISTINCT to_char(spent_on, 'YYYY-MM')) FROM siyu.campaign_spend WHERE to_char(spent_on, 'YYYY-MM') BETWEEN ${f.recent.from} AND ${f.recent.to})::text AS months,
             (SELECT sum(amount) FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL
                AND to_char((ordered_at AT TIME ZONE ${TZ})::date, 'YYYY-MM') BETWEEN ${f.recent.from} AND ${f.recent.to})::text AS gmv`;
    expect(f.recent.to).toBe(lastMonth);
    expect(f.recent.spend).toBeCloseTo(Number(recent!.spend), 2);
    expect(f.recent.gmv).toBeCloseTo(Number(recent!.gmv), 2);
    expect(f.recent.months).toBe(Number(recent!.months));
    // The same month a year before the plan, as the season reads it.
    const sameMonth = `${Number(next[0].slice(0, 4)) - 1}${next[0].slice(4, 7)}`;
    const [month] = await ctx.db.sql<{ spend: string; gmv: string }[]>`
      SELECT (SELECT sum(amount) FROM siyu.campaign_spend WHERE to_char(spent_on, 'YYYY-MM') = ${sameMonth})::text AS spend,
             (SELECT sum(amount) FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL
                AND to_char((ordered_at AT TIME ZONE ${TZ})::date, 'YYYY-MM') = ${sameMonth})::text AS gmv`;
    const year = f.season.parts[0]!.years.find((y) => y.month === sameMonth);
    expect(year, `${sameMonth} is compared`).toBeDefined();
    expect(year!.roi).toBeCloseTo(Number(month!.gmv) / Number(month!.spend), 8);
    const test = periodBackTest(points, lastMonth);
    const privateTest = periodBackTest(await planner('private'), lastMonth);
    console.log(`planner on the demo: recent ROI ${f.recent.roi?.toFixed(3)}, season ×${f.season.factor.toFixed(3)}, trend ×${f.trend.factor.toFixed(3)}; `
      + `back-test all MAPE ${test.mape?.toFixed(3)} R² ${test.r2?.toFixed(3)}, private MAPE ${privateTest.mape?.toFixed(3)} R² ${privateTest.r2?.toFixed(3)}`);
  });
});
