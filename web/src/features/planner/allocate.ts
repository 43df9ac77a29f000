/**
 * Splitting a budget over channels by equalising marginal return, always
 * inside each channel's minimum and maximum. Pure numbers, no React.
 *
 * Greedy increments: the budget above the minimums is handed out in small
 * steps, each to the channel whose next step returns the most per yuan (with
 * a look-ahead of ten steps, so an S-shaped curve's slow start does not hide
 * its later return). On concave curves this is the optimum: the channels that
 * are not at a bound end with equal marginal return.
 */
import { hill, hillMarginal, type HillParams } from './response-curve.ts';

export type Objective = 'gmv' | 'conversions' | 'target_roi';
export const OBJECTIVES: readonly Objective[] = ['gmv', 'conversions', 'target_roi'];

export interface AllocationChannel {
  channel: string;
  /** The curve the objective maximises (GMV, or converted customers). */
  curve: HillParams;
  min: number;
  max: number;
}

export type AllocationStatus =
  /** The whole budget is placed. */
  | 'ok'
  /** The minimums add up to more than the budget: only the minimums are placed. */
  | 'minimums_exceed_budget'
  /** The maximums add up to less than the budget: every channel is at its maximum, the rest is unspent. */
  | 'maximums_below_budget'
  /** Target ROI: the plan stopped where more spend would take the ROI below the target. */
  | 'target_reached'
  /** Target ROI: even the minimums return less than the target. */
  | 'target_unreachable';

export interface Allocation {
  spend: number[];
  status: AllocationStatus;
  /** Budget not placed (target ROI, or maximums below the budget). */
  unspent: number;
}

export const ALLOCATION_STEPS = 2000;
const LOOK_AHEAD = 10;

function gainRate(curve: HillParams, at: number, room: number, step: number): number {
  let best = 0;
  for (const h of [step, step * LOOK_AHEAD]) {
    const size = Math.min(h, room);
    if (size <= 0) continue;
    best = Math.max(best, (hill(curve, at + size) - hill(curve, at)) / size);
  }
  return best;
}

/**
 * The greedy path from the minimums up to `budget`. `visit` sees the spend after
 * every step (for the target-ROI stop); returning false stops the path there.
 */
function greedy(channels: readonly AllocationChannel[], budget: number, visit?: (spend: readonly number[], placed: number) => boolean): { spend: number[]; stopped: boolean } {
  const spend = channels.map((c) => c.min);
  let placed = spend.reduce((s, v) => s + v, 0);
  const extra = budget - placed;
  if (extra <= 0) return { spend, stopped: false };
  const step = extra / ALLOCATION_STEPS;
  let previous = [...spend];
  while (budget - placed > step * 1e-6) {
    let bestIndex = -1;
    let bestRate = -Infinity;
    channels.forEach((c, i) => {
      const room = c.max - spend[i]!;
      if (room <= 1e-9) return;
      const rate = gainRate(c.curve, spend[i]!, room, step);
      if (rate > bestRate) {
        bestRate = rate;
        bestIndex = i;
      }
    });
    if (bestIndex < 0) break;
    const give = Math.min(step, budget - placed, channels[bestIndex]!.max - spend[bestIndex]!);
    previous = [...spend];
    spend[bestIndex]! += give;
    placed += give;
    if (visit && !visit(spend, placed)) return { spend: previous, stopped: true };
  }
  return { spend, stopped: false };
}

/** A maximum below the minimum means the minimum; negative bounds mean zero. */
function normalised(channels: readonly AllocationChannel[]): AllocationChannel[] {
  return channels.map((c) => {
    const min = Math.max(0, c.min);
    return { ...c, min, max: Math.max(min, c.max) };
  });
}

/** Maximises the sum of the channels' curves with the whole budget, inside the bounds. */
export function allocate(input: readonly AllocationChannel[], budget: number): Allocation {
  const channels = normalised(input);
  const minTotal = channels.reduce((s, c) => s + c.min, 0);
  const maxTotal = channels.reduce((s, c) => s + c.max, 0);
  if (minTotal > budget) return { spend: channels.map((c) => c.min), status: 'minimums_exceed_budget', unspent: 0 };
  if (maxTotal <= budget) return { spend: channels.map((c) => c.max), status: 'maximums_below_budget', unspent: budget - maxTotal };
  const { spend } = greedy(channels, budget);
  return { spend, status: 'ok', unspent: Math.max(0, budget - spend.reduce((s, v) => s + v, 0)) };
}

/**
 * Target ROI at least cost: follows the best path from the minimums and stops
 * where the plan's ROI (GMV over spend) would fall below `targetRoi`, so the
 * GMV is the most that this ROI allows and no yuan is spent past it.
 */
export function allocateForTargetRoi(input: readonly AllocationChannel[], budget: number, targetRoi: number): Allocation {
  const channels = normalised(input);
  const roiOf = (spend: readonly number[]) => {
    const total = spend.reduce((s, v) => s + v, 0);
    return total > 0 ? spend.reduce((s, v, i) => s + hill(channels[i]!.curve, v), 0) / total : Infinity;
  };
  const minimums = channels.map((c) => c.min);
  const minTotal = minimums.reduce((s, v) => s + v, 0);
  if (minTotal > budget) return { spend: minimums, status: 'minimums_exceed_budget', unspent: 0 };
  if (minTotal > 0 && roiOf(minimums) < targetRoi) return { spend: minimums, status: 'target_unreachable', unspent: budget - minTotal };
  const { spend, stopped } = greedy(channels, budget, (s) => roiOf(s) >= targetRoi);
  const total = spend.reduce((s, v) => s + v, 0);
  const atMax = channels.every((c, i) => spend[i]! >= c.max - 1e-6);
  return { spend, status: stopped ? 'target_reached' : atMax && total < budget - 1e-6 ? 'maximums_below_budget' : 'ok', unspent: Math.max(0, budget - total) };
}

/** Marginal return per yuan of each channel at its planned spend. */
export function marginals(channels: readonly AllocationChannel[], spend: readonly number[]): number[] {
  return channels.map((c, i) => hillMarginal(c.curve, spend[i]!));
}

export function totalOf(curves: readonly HillParams[], spend: readonly number[]): number {
  return curves.reduce((s, c, i) => s + hill(c, spend[i] ?? 0), 0);
}

/** A bound typed by the operator: an amount in yuan, or a multiple of the channel's historical spend per campaign. */
export type Bound = { kind: 'amount'; value: number } | { kind: 'multiple'; value: number };

export function resolveBound(bound: Bound | null, historicalSpend: number, fallback: number): number {
  if (!bound || !Number.isFinite(bound.value) || bound.value < 0) return fallback;
  return bound.kind === 'amount' ? bound.value : bound.value * historicalSpend;
}

/** Even split of `budget` over the channels (a baseline). */
export function evenSplit(count: number, budget: number): number[] {
  return Array.from({ length: count }, () => budget / Math.max(count, 1));
}

/** Split in proportion to what each channel got last time (a baseline). */
export function proportionalSplit(last: readonly number[], budget: number): number[] {
  const total = last.reduce((s, v) => s + Math.max(v, 0), 0);
  return total > 0 ? last.map((v) => (Math.max(v, 0) / total) * budget) : evenSplit(last.length, budget);
}
