import { describe, expect, it } from 'vitest';
import {
  allocate, allocateForTargetRoi, evenSplit, marginals, proportionalSplit, resolveBound, totalOf, type AllocationChannel,
} from '../../../../web/src/features/planner/allocate.ts';
import { backTest, mape, wape, type DatedPoint } from '../../../../web/src/features/planner/back-test.ts';
import {
  fitCurve, fitHill, hill, hillMarginal, MIN_HISTORY_POINTS, predictBand, rSquared, seededRandom, type HillParams, type Point,
} from '../../../../web/src/features/planner/response-curve.ts';

/** Known true curves of a synthetic brand. */
const TRUTH: Record<string, HillParams> = {
  wecom: { beta: 120_000, k: 15_000, alpha: 1 },
  douyin: { beta: 60_000, k: 40_000, alpha: 0.7 },
  community: { beta: 45_000, k: 6_000, alpha: 0.8 },
  ads: { beta: 30_000, k: 25_000, alpha: 0.9 },
};

/** History of a channel: spends spread over 0.2–3× k, values the truth times (1 + noise·N(0,1)). */
function history(truth: HillParams, n: number, noise: number, seed: number): Point[] {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: n }, () => {
    const spend = truth.k * (0.2 + 2.8 * random());
    return { spend, value: Math.max(0, hill(truth, spend) * (1 + noise * normal())) };
  });
}

describe('response curve fit', () => {
  it('recovers the true parameters of a noiseless history almost exactly', () => {
    for (const truth of Object.values(TRUTH)) {
      const fit = fitHill(history(truth, 12, 0, 1));
      expect(Math.abs(fit.beta / truth.beta - 1)).toBeLessThan(0.01);
      expect(Math.abs(fit.k / truth.k - 1)).toBeLessThan(0.01);
      expect(Math.abs(fit.alpha - truth.alpha)).toBeLessThan(0.01);
    }
  });

  it('with 5 % noise and 30 campaigns: the curve within 5 % over the observed range, ceiling within 20 %, shape within 0.35', () => {
    for (const [i, truth] of Object.values(TRUTH).entries()) {
      const result = fitCurve(history(truth, 30, 0.05, 10 + i), 7, 50);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const p = result.curve.params;
      expect(Math.abs(p.beta / truth.beta - 1)).toBeLessThan(0.2);
      expect(Math.abs(p.alpha - truth.alpha)).toBeLessThan(0.35);
      for (const m of [0.3, 1, 2.5]) expect(Math.abs(hill(p, truth.k * m) / hill(truth, truth.k * m) - 1)).toBeLessThan(0.05);
      // The 80 % band holds the truth inside the observed range.
      const b = predictBand(result.curve, truth.k);
      expect(b.low).toBeLessThanOrEqual(hill(truth, truth.k) * 1.01);
      expect(b.high).toBeGreaterThanOrEqual(hill(truth, truth.k) * 0.99);
      expect(b.low).toBeLessThan(b.high);
    }
  });

  it(`says "too little history" below ${MIN_HISTORY_POINTS} campaigns or with fewer than three spend levels`, () => {
    const few = history(TRUTH.wecom!, MIN_HISTORY_POINTS - 1, 0.05, 3);
    expect(fitCurve(few)).toMatchObject({ ok: false, reason: 'too_little_history' });
    expect(fitCurve(history(TRUTH.wecom!, MIN_HISTORY_POINTS, 0.05, 3)).ok).toBe(true);
    const flat = Array.from({ length: 10 }, (_, i) => ({ spend: i % 2 ? 1000 : 2000, value: 500 }));
    expect(fitCurve(flat).ok).toBe(false);
  });

  it('is deterministic: the same history gives the same fit and band', () => {
    const h = history(TRUTH.douyin!, 15, 0.1, 5);
    const a = fitCurve(h);
    const b = fitCurve(h);
    expect(a).toEqual(b);
    if (a.ok) expect(a.curve.replicates).toHaveLength(200);
  });

  it('marginal is the derivative of the curve', () => {
    const p = TRUTH.douyin!;
    for (const s of [1000, 20_000, 90_000]) {
      const numeric = (hill(p, s + 1) - hill(p, s - 1)) / 2;
      expect(hillMarginal(p, s)).toBeCloseTo(numeric, 6);
    }
  });
});

describe('allocation', () => {
  const names = Object.keys(TRUTH);
  const curves = names.map((n) => TRUTH[n]!);
  const open = (min = 0, max = Infinity): AllocationChannel[] => names.map((channel, i) => ({ channel, curve: curves[i]!, min, max }));

  it('beats an even split and a split proportional to last time, on the truth', () => {
    const last = [10_000, 60_000, 5_000, 25_000];
    for (const budget of [20_000, 100_000, 300_000]) {
      const plan = allocate(open(), budget);
      expect(plan.status).toBe('ok');
      const planned = totalOf(curves, plan.spend);
      expect(planned).toBeGreaterThan(totalOf(curves, evenSplit(4, budget)));
      expect(planned).toBeGreaterThan(totalOf(curves, proportionalSplit(last, budget)));
    }
  });

  it('equalises the marginal return of channels not at a bound', () => {
    const plan = allocate(open(), 100_000);
    const m = marginals(open(), plan.spend).filter((_, i) => plan.spend[i]! > 0);
    const max = Math.max(...m);
    const min = Math.min(...m);
    expect((max - min) / max).toBeLessThan(0.05);
  });

  it('always honours the minimums, maximums and budget (300 random cases)', () => {
    const random = seededRandom(99);
    for (let n = 0; n < 300; n++) {
      const budget = 1000 + random() * 400_000;
      const channels = names.map((channel, i) => {
        const min = random() < 0.5 ? 0 : random() * 40_000;
        const max = random() < 0.3 ? Infinity : min + random() * 150_000;
        return { channel, curve: curves[i]!, min, max };
      });
      const plan = allocate(channels, budget);
      const total = plan.spend.reduce((s, v) => s + v, 0);
      plan.spend.forEach((s, i) => {
        expect(s).toBeGreaterThanOrEqual(channels[i]!.min - 1e-6);
        expect(s).toBeLessThanOrEqual(Math.max(channels[i]!.max, channels[i]!.min) + 1e-6);
      });
      const minTotal = channels.reduce((s, c) => s + c.min, 0);
      const maxTotal = channels.reduce((s, c) => s + c.max, 0);
      if (plan.status === 'ok') expect(Math.abs(total - budget)).toBeLessThan(budget * 1e-6);
      else if (plan.status === 'minimums_exceed_budget') expect(minTotal).toBeGreaterThan(budget);
      else expect(maxTotal).toBeLessThanOrEqual(budget);
      const roiPlan = allocateForTargetRoi(channels, budget, 0.5 + random() * 3);
      expect(roiPlan.spend.reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(Math.max(budget, minTotal) + 1e-6);
      roiPlan.spend.forEach((s, i) => expect(s).toBeGreaterThanOrEqual(channels[i]!.min - 1e-6));
    }
  });

  it('target ROI: spends until the plan ROI would fall below the target, and no more', () => {
    const budget = 400_000;
    const plan = allocateForTargetRoi(open(), budget, 2);
    expect(plan.status).toBe('target_reached');
    const spent = plan.spend.reduce((s, v) => s + v, 0);
    const roi = totalOf(curves, plan.spend) / spent;
    expect(roi).toBeGreaterThanOrEqual(2);
    expect(roi).toBeLessThan(2.05);
    expect(plan.unspent).toBeCloseTo(budget - spent, 6);
    // The most GMV that spend can buy: the same as the GMV plan with that budget.
    const best = totalOf(curves, allocate(open(), spent).spend);
    expect(Math.abs(totalOf(curves, plan.spend) / best - 1)).toBeLessThan(0.001);
    expect(allocateForTargetRoi(open(50_000), budget, 5).status).toBe('target_unreachable');
  });

  it('bounds as amounts or multiples of historical spend', () => {
    expect(resolveBound({ kind: 'amount', value: 5000 }, 2000, 0)).toBe(5000);
    expect(resolveBound({ kind: 'multiple', value: 1.5 }, 2000, 0)).toBe(3000);
    expect(resolveBound(null, 2000, 7)).toBe(7);
  });
});

describe('back-test', () => {
  it('fits before the cut-off, predicts after it, and reports MAPE and R²', () => {
    const points: DatedPoint[] = [];
    Object.entries(TRUTH).forEach(([channel, truth], c) => {
      history(truth, 16, 0.05, 40 + c).forEach((p, i) => points.push({ ...p, channel, campaign: `c${i}`, start: `2025-${String(1 + (i % 12)).padStart(2, '0')}-0${1 + Math.floor(i / 12)}` }));
    });
    const result = backTest(points, '2025-09-01');
    expect(result.predictions.length).toBeGreaterThan(8);
    expect(result.mape).not.toBeNull();
    expect(result.mape!).toBeLessThan(0.1);
    expect(result.r2!).toBeGreaterThan(0.9);
    expect(result.predictions.every((p) => points.find((q) => q.channel === p.channel && q.campaign === p.campaign)!.start >= '2025-09-01')).toBe(true);
  });

  it('MAPE and R² by hand', () => {
    expect(mape([100, 200, 0], [110, 150, 5])).toBeCloseTo((0.1 + 0.25) / 2, 10);
    expect(wape([100, 200, 0], [110, 150, 5])).toBeCloseTo((10 + 50 + 5) / 300, 10);
    expect(rSquared([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rSquared([1, 2, 3], [2, 2, 2])).toBeCloseTo(0, 10);
  });
});
