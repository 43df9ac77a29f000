/**
 * The period planner's arithmetic on small series whose every number is
 * worked out here by hand: the forecast's factors, the back-test's MAPE and
 * R², the refusal, the split, the URL and the CSV's one format per column.
 */
import { describe, expect, it } from 'vitest';
import { forecast, monthsOf, predictedRoi, type MonthPoint } from '../../../../web/src/features/planner/period-forecast.ts';
import { lastFullMonth } from '../../../../web/src/features/planner/period-history.ts';
import { makePeriodPlan, periodBackTest, splitBudget, verdictOf } from '../../../../web/src/features/planner/period-plan.ts';
import { parsePeriodState, writePeriodState } from '../../../../web/src/features/planner/period-url.ts';
import { planCsv } from '../../../../web/src/features/planner/plan-csv.ts';

/** Months from `from` on, one point each for channel `channel`. */
function series(channel: string, from: string, spend: readonly number[], gmv: readonly number[]): MonthPoint[] {
  const [y, m] = from.split('-').map(Number) as [number, number];
  return spend.map((s, i) => {
    const index = y * 12 + m - 1 + i;
    return { channel, month: `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`, spend: s, gmv: gmv[i]! };
  });
}

describe('forecast of a month', () => {
  // 2024-11 … 2025-10: ROI 1.0 but 2024-12 (2.2); 2025-11 … 2026-10: ROI 1.2. Spend 1,000 every month.
  const points = series('A', '2024-11', Array(24).fill(1000), [1000, 2200, ...Array(10).fill(1000), ...Array(12).fill(1200)]);
  const f = forecast(points, '2026-10', '2026-12-01', '2026-12-31');

  it('reads the last 12 full months as the recent actual', () => {
    expect(f.recent).toMatchObject({ from: '2025-11', to: '2026-10', spend: 12_000, gmv: 14_400, months: 12 });
    expect(f.recent.roi).toBeCloseTo(1.2, 10);
    expect(f.channels).toHaveLength(1);
    expect(f.channels[0]!.usualSpend).toBeCloseTo(1000, 10);
  });

  it('takes the season from December 2025 against its 12 months, shrunk by 1/(1+3)', () => {
    // 2025-12: 1,200 / 1,000. Its 12 months 2025-01 … 2025-12: 10 × 1,000 + 2 × 1,200 over 12,000.
    // December 2024 has only two months of history behind it: not a comparison.
    const raw = (1200 / 1000) / (12_400 / 12_000);
    expect(f.season.parts[0]!.years.map((y) => y.month)).toEqual(['2025-12']);
    expect(f.season.parts[0]!.raw).toBeCloseTo(raw, 10);
    expect(f.season.factor).toBeCloseTo(Math.pow(raw, 1 / 4), 10);
  });

  it('takes the trend from the last 12 months against the 12 before, over 7.5 months', () => {
    // 14,400 / 12,000 against 13,200 / 12,000; from the middle of 2025-11 … 2026-10 to December 2026: 7.5 months.
    const yearly = 1.2 / 1.1;
    expect(f.trend.yearly).toBeCloseTo(yearly, 10);
    expect(f.trend.horizon).toBeCloseTo(7.5, 10);
    expect(f.trend.factor).toBeCloseTo(Math.pow(yearly, 7.5 / 12), 10);
  });

  it('predicts ROI = recent × season × trend up to the usual spend, and less per yuan above it', () => {
    expect(f.elasticity).toEqual({ value: 0.7, points: 24, fitted: false });
    const expected = 1.2 * Math.pow((1200 / 1000) / (12_400 / 12_000), 1 / 4) * Math.pow(1.2 / 1.1, 7.5 / 12);
    expect(predictedRoi(f, f.channels[0]!, 1000)).toBeCloseTo(expected, 10);
    expect(expected).toBeCloseTo(1.3153, 4);
    expect(predictedRoi(f, f.channels[0]!, 2000)).toBeCloseTo(expected * Math.pow(2, 0.7 - 1), 10);
    // Below the usual month the recent ROI is kept, not extrapolated upward.
    expect(predictedRoi(f, f.channels[0]!, 300)).toBeCloseTo(expected, 10);
  });

  it('weighs a range over two months by its days', () => {
    expect(monthsOf('2026-12-20', '2027-01-10')).toEqual([{ month: '2026-12', days: 12 }, { month: '2027-01', days: 10 }]);
    const range = forecast(points, '2026-10', '2026-12-20', '2027-01-10');
    // January 2026 against 2025-02 … 2026-01 (9 × 1,000 + 3 × 1,200); January 2025 has three months behind it: not a comparison.
    expect(range.season.parts[1]!.years.map((y) => y.month)).toEqual(['2026-01']);
    expect(range.season.factor).toBeCloseTo((12 / 22) * Math.pow((1200 / 1000) / (12_400 / 12_000), 1 / 4) + (10 / 22) * Math.pow(1.2 / (12_600 / 12_000), 1 / 4), 10);
    expect(range.periodMonths).toBeCloseTo(12 / 31 + 10 / 31, 10);
  });
});

describe('back-test of the last six months', () => {
  // Ten months, 1,000 spent each; no earlier year, so season and trend are 1 and each month is predicted at the mean ROI before it.
  const gmv = [1000, 1200, 800, 1000, 1500, 900, 1100, 1300, 1000, 1200];
  const points = series('A', '2026-01', Array(10).fill(1000), gmv);

  it('predicts each month from the months before it and scores MAPE and R² (by hand)', () => {
    const test = periodBackTest(points, '2026-10');
    const predicted = [4000 / 4, 5500 / 5, 6400 / 6, 7500 / 7, 8800 / 8, 9800 / 9];
    const actual = [1500, 900, 1100, 1300, 1000, 1200];
    expect(test.months.map((m) => m.month)).toEqual(['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
    test.months.forEach((m, i) => {
      expect(m.actual).toBe(actual[i]);
      expect(m.predicted).toBeCloseTo(predicted[i]!, 8);
    });
    const mape = (500 / 1500 + 200 / 900 + (1100 - 6400 / 6) / 1100 + (1300 - 7500 / 7) / 1300 + 100 / 1000 + (1200 - 9800 / 9) / 1200) / 6;
    const mean = 7000 / 6;
    const ssTot = actual.reduce((s, a) => s + (a - mean) ** 2, 0);
    const ssRes = actual.reduce((s, a, i) => s + (a - predicted[i]!) ** 2, 0);
    expect(test.mape).toBeCloseTo(mape, 10);
    expect(test.mape).toBeCloseTo(0.1590, 4);
    expect(test.r2).toBeCloseTo(1 - ssRes / ssTot, 10);
    expect(test.r2).toBeCloseTo(-0.567, 3);
    // MAPE is fine, R² is below 0.3: the planner refuses, and says it is R².
    expect(verdictOf(test)).toEqual({ ok: false, reasons: ['r2'] });
  });

  it('allocates when MAPE ≤ 40 % and R² ≥ 0.3, refuses on either, and on too few months', () => {
    const months = (pairs: Array<[number, number]>) => ({ months: pairs.map(([a, p], i) => ({ month: `2026-0${i + 1}`, actual: a, predicted: p })), mape: 0, r2: 0 });
    expect(verdictOf({ ...months([[1, 1], [2, 2], [3, 3], [4, 4]]), mape: 0.4, r2: 0.3 })).toEqual({ ok: true });
    expect(verdictOf({ ...months([[1, 1], [2, 2], [3, 3], [4, 4]]), mape: 0.41, r2: 0.9 })).toEqual({ ok: false, reasons: ['mape'] });
    expect(verdictOf({ ...months([[1, 1], [2, 2], [3, 3], [4, 4]]), mape: 0.81, r2: -0.39 })).toEqual({ ok: false, reasons: ['mape', 'r2'] });
    expect(verdictOf({ ...months([[1, 1], [2, 2], [3, 3]]), mape: 0.1, r2: 0.9 })).toEqual({ ok: false, reasons: ['too_few_months'] });
  });
});

describe('the split', () => {
  // Spend 1,000 a month on each channel; α is the default 0.7 (constant spend pins no elasticity).
  const twoChannels = (roiA: number, roiB: number) => forecast([
    ...series('A', '2026-01', Array(10).fill(1000), Array(10).fill(1000 * roiA)),
    ...series('B', '2026-01', Array(10).fill(1000), Array(10).fill(1000 * roiB)),
  ], '2026-10', '2026-11-01', '2026-11-30');

  it('fills the better channel first, to its usual month and on while its marginal return stays ahead', () => {
    // A returns 2, B 1.6: A's first 1,000 (2), then B's (1.6), then A beyond its usual month at 1.4·(s/1,000)^−0.3 against B's 1.12·(s/1,000)^−0.3.
    const f = twoChannels(2, 1.6);
    expect(splitBudget(f, 800, () => Infinity)).toEqual([800, 0]);
    const [a1, b1] = splitBudget(f, 2000, () => Infinity) as [number, number];
    expect(a1).toBeCloseTo(1000, 0);
    expect(b1).toBeCloseTo(1000, 0);
    // At 4,000 both are past their usual month and the marginal returns are equal: A/B = 1.25^(1/0.3).
    const [a, b] = splitBudget(f, 4000, () => Infinity) as [number, number];
    expect(a + b).toBeCloseTo(4000, 6);
    expect(a / b).toBeCloseTo(Math.pow(1.25, 1 / 0.3), 1);
    expect(1.4 * Math.pow(a / 1000, -0.3)).toBeCloseTo(1.12 * Math.pow(b / 1000, -0.3), 2);
  });

  it('gives nothing to a channel whose ROI is below what the others still return, and stops at each maximum', () => {
    const f = twoChannels(2, 1);
    // A at 1,500 still returns 1.4·1.5^−0.3 = 1.24 a yuan, more than B's 1.
    expect(splitBudget(f, 1500, () => Infinity)).toEqual([1500, 0]);
    // A's maximum (3 × its usual month) binds: B gets the rest.
    const plan = makePeriodPlan(f, 3500);
    expect(plan.rows[0]!.spend).toBeCloseTo(3000, 6);
    expect(plan.rows[1]!.spend).toBeCloseTo(500, 6);
    expect(plan.gmv).toBeCloseTo(2 * 1000 * Math.pow(3, 0.7) + 500, 6);
    expect(makePeriodPlan(f, 10_000).unspent).toBeCloseTo(4000, 6);
    // The same budget at last year's mix (half each): 1,750 on A, 1,750 on B.
    expect(plan.sameMixRoi).toBeCloseTo((2 * 1000 * Math.pow(1.75, 0.7) + 1000 * Math.pow(1.75, 0.7)) / 3500, 8);
  });
});

describe('the period in the URL', () => {
  it('defaults to next month and round-trips a month, a range, a budget and a scope', () => {
    expect(lastFullMonth('2026-11-20')).toBe('2026-10');
    expect(lastFullMonth('2026-11-30')).toBe('2026-11');
    expect(parsePeriodState(new URLSearchParams(), '2026-11-20')).toEqual({ month: '2026-12', from: '2026-12-01', to: '2026-12-31', budget: null, scope: 'all' });
    expect(parsePeriodState(new URLSearchParams(), '2026-12-31')).toMatchObject({ month: '2027-01' });
    // The rest of the data date's month can be planned.
    expect(parsePeriodState(new URLSearchParams('month=2026-11'), '2026-11-20')).toMatchObject({ month: '2026-11', from: '2026-11-01' });
    const month = parsePeriodState(new URLSearchParams('month=2026-12&budget=100000&scope=public'), '2026-11-20');
    expect(month).toEqual({ month: '2026-12', from: '2026-12-01', to: '2026-12-31', budget: 100_000, scope: 'public' });
    expect(writePeriodState(month).toString()).toBe('month=2026-12&budget=100000&scope=public');
    const range = parsePeriodState(new URLSearchParams('from=2026-12-10&to=2027-01-09'), '2026-11-20');
    expect(range).toMatchObject({ month: null, from: '2026-12-10', to: '2027-01-09' });
    expect(parsePeriodState(writePeriodState(range), '2026-11-20')).toEqual(range);
  });

  it('ignores a past month, a reversed or too long range and a bad scope', () => {
    expect(parsePeriodState(new URLSearchParams('month=2026-10&scope=x&budget=-1'), '2026-11-20')).toMatchObject({ month: '2026-12', scope: 'all', budget: null });
    expect(parsePeriodState(new URLSearchParams('from=2027-01-09&to=2026-12-10'), '2026-11-20').month).toBe('2026-12');
    expect(parsePeriodState(new URLSearchParams('from=2026-12-01&to=2028-01-01'), '2026-11-20').month).toBe('2026-12');
    expect(parsePeriodState(new URLSearchParams('from=2026-10-25&to=2026-12-01'), '2026-11-20').month).toBe('2026-12');
  });
});

describe('the plan as CSV', () => {
  it('writes every money cell in full yuan with two decimals, ratios with two', () => {
    const points = [...series('企业微信', '2026-01', Array(10).fill(2382.245), Array(10).fill(4000)), ...series('抖音直播', '2026-01', Array(10).fill(22_000), Array(10).fill(30_000))];
    const f = forecast(points, '2026-10', '2026-11-01', '2026-11-30');
    const plan = makePeriodPlan(f, 24_382);
    const csv = planCsv(plan, { season: f.season.factor, trend: f.trend.factor }, { title: '预算规划 2026-11', header: ['渠道', 'a', 'b', 'c', 'd', 'e', '计划花费（元）', '预期活动GMV（元）', 'g'], total: '合计' });
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('# 预算规划 2026-11');
    const rows = lines.slice(2).map((l) => l.split(','));
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r[6]).toMatch(/^\d+\.\d{2}$/);
      expect(r[7]).toMatch(/^\d+\.\d{2}$/);
    }
    expect(rows.at(-1)![0]).toBe('合计');
    expect(Number(rows.at(-1)![6])).toBeCloseTo(24_382, 1);
  });
});
