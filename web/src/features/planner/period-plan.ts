/**
 * A period's plan: the budget split over the channels by equal marginal
 * return, inside each channel's maximum, and the back-test that decides whether the planner may
 * allocate at all. Pure numbers, no React.
 */
import { mape, rSquared } from './accuracy.ts';
import {
  addMonths, daysInMonth, forecast, marginalRoi, MAX_SPEND_MULTIPLE, predictedGmv, predictedRoi, spendLevelFactor,
  type ChannelForecast, type Forecast, type MonthPoint,
} from './period-forecast.ts';

/**
 * The planner allocates only when its back-test is at least this good; the
 * same numbers are written in docs/metric-catalogue.md (section "Planner"),
 * and test/web/features/planner/period-thresholds.test.ts holds the two equal.
 */
export const BACKTEST_MAX_MAPE = 0.4;
export const BACKTEST_MIN_R2 = 0.3;
/** Months held out, one at a time, at the end of the history. */
export const BACKTEST_MONTHS = 6;
/** Held-out months with spend that the verdict needs (fewer: not enough to judge, so no plan). */
export const BACKTEST_MIN_MONTHS = 4;

export interface PeriodBackTestMonth {
  month: string;
  actual: number;
  predicted: number;
}

export interface PeriodBackTest {
  months: PeriodBackTestMonth[];
  mape: number | null;
  r2: number | null;
}

/**
 * Each of the last BACKTEST_MONTHS full months predicted from the months
 * before it alone, at the spend each channel actually had: the scope's GMV of
 * the month, predicted against actual. Channels the earlier months could not
 * forecast count with their actual GMV missing from the prediction, as a plan
 * would have missed them.
 */
export function periodBackTest(points: readonly MonthPoint[], lastMonth: string): PeriodBackTest {
  const months: PeriodBackTestMonth[] = [];
  for (let k = BACKTEST_MONTHS - 1; k >= 0; k--) {
    const month = addMonths(lastMonth, -k);
    const own = points.filter((p) => p.month === month);
    if (own.every((p) => p.spend <= 0)) continue;
    const f = forecast(points, addMonths(month, -1), `${month}-01`, `${month}-${String(daysInMonth(month)).padStart(2, '0')}`);
    let predicted = 0;
    for (const p of own) {
      const c = f.channels.find((x) => x.channel === p.channel);
      if (c && p.spend > 0) predicted += predictedGmv(f, c, p.spend);
    }
    months.push({ month, actual: own.reduce((s, p) => s + p.gmv, 0), predicted });
  }
  const actual = months.map((m) => m.actual);
  const predicted = months.map((m) => m.predicted);
  return { months, mape: mape(actual, predicted), r2: months.length >= 2 ? rSquared(actual, predicted) : null };
}

export type Verdict =
  | { ok: true }
  | { ok: false; reasons: Array<'mape' | 'r2' | 'too_few_months'> };

export function verdictOf(test: PeriodBackTest): Verdict {
  const reasons: Array<'mape' | 'r2' | 'too_few_months'> = [];
  if (test.months.length < BACKTEST_MIN_MONTHS || test.mape === null || test.r2 === null) reasons.push('too_few_months');
  else {
    if (test.mape > BACKTEST_MAX_MAPE) reasons.push('mape');
    if (test.r2 < BACKTEST_MIN_R2) reasons.push('r2');
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

export interface PeriodPlanRow {
  channel: string;
  spend: number;
  max: number;
  baseRoi: number;
  spendLevel: number;
  roi: number;
  gmv: number;
  /** d GMV / d spend at the planned spend. */
  marginalRoi: number;
}

export interface PeriodPlan {
  rows: PeriodPlanRow[];
  spend: number;
  gmv: number;
  roi: number | null;
  /** Budget above every channel's maximum: not placed. */
  unspent: number;
  /** Predicted ROI of the same budget split as the channels shared the last 12 months' spend: the plan without reallocation. */
  sameMixRoi: number | null;
}

/** Steps the budget is handed out in; the split is exact to a 4,000th of the budget. */
const SPLIT_STEPS = 4000;

/**
 * Spend per channel with Σ = budget (or every maximum, when they add up to
 * less): each step goes to the channel whose next yuan returns the most. The
 * curves are concave, so this ends where the marginal returns are equal, but
 * for channels at zero (their ROI is below what the others still return) or
 * at their maximum.
 */
export function splitBudget(f: Forecast, budget: number, maxOf: (c: ChannelForecast) => number): number[] {
  const channels = f.channels;
  const maxes = channels.map(maxOf);
  const spend = channels.map(() => 0);
  if (budget >= maxes.reduce((s, v) => s + v, 0)) return maxes;
  const step = budget / SPLIT_STEPS;
  let left = budget;
  while (left > step * 1e-6) {
    let best = -1;
    let bestRate = -Infinity;
    channels.forEach((c, i) => {
      if (maxes[i]! - spend[i]! <= 1e-9) return;
      const rate = marginalRoi(f, c, spend[i]! + Math.min(step, maxes[i]! - spend[i]!) / 2);
      if (rate > bestRate) {
        bestRate = rate;
        best = i;
      }
    });
    if (best < 0) break;
    const give = Math.min(step, left, maxes[best]! - spend[best]!);
    spend[best]! += give;
    left -= give;
  }
  return spend;
}

export function makePeriodPlan(f: Forecast, budget: number): PeriodPlan {
  const maxOf = (c: ChannelForecast) => MAX_SPEND_MULTIPLE * c.usualSpend;
  const spend = splitBudget(f, budget, maxOf);
  const rows = f.channels.map((c, i): PeriodPlanRow => {
    const s = spend[i]!;
    return {
      channel: c.channel, spend: s, max: maxOf(c), baseRoi: c.baseRoi, spendLevel: spendLevelFactor(f, c, s),
      roi: predictedRoi(f, c, s), gmv: predictedGmv(f, c, s), marginalRoi: marginalRoi(f, c, s),
    };
  });
  const total = rows.reduce((s, r) => s + r.spend, 0);
  const gmv = rows.reduce((s, r) => s + r.gmv, 0);
  const recentTotal = f.channels.reduce((s, c) => s + c.recentSpend, 0);
  const sameMixGmv = f.channels.reduce((s, c) => s + predictedGmv(f, c, (budget * c.recentSpend) / recentTotal), 0);
  return {
    rows, spend: total, gmv, roi: total > 0 ? gmv / total : null, unspent: Math.max(0, budget - total),
    sameMixRoi: budget > 0 && recentTotal > 0 ? sameMixGmv / budget : null,
  };
}

/** The default budget: the recent window's mean month with spend, scaled to the period's length. */
export function defaultBudget(f: Forecast): number {
  const base = (f.recent.spend / Math.max(1, f.recent.months)) * f.periodMonths;
  return Math.max(1000, Math.round(base / 1000) * 1000);
}
