/**
 * From history and the operator's inputs to a plan: a curve per channel, the
 * allocation, its expected totals with bands, and the what-if of one channel.
 * Pure numbers, no React.
 */
import {
  allocate, allocateForTargetRoi, resolveBound, type Allocation, type AllocationStatus, type Bound, type Objective,
} from './allocate.ts';
import type { CampaignPoint } from './history.ts';
import { band, BOOTSTRAP_SEED, fitCurve, hill, hillMarginal, type Band, type Curve, type CurveResult } from './response-curve.ts';

export interface ChannelModel {
  channel: string;
  /** Mean spend per campaign: "1×" in a bound. */
  historical: number;
  points: CampaignPoint[];
  gmv: CurveResult;
  converted: CurveResult;
  participants: CurveResult;
}

/** Default maximum when the operator sets none: three times the channel's historical spend, where the curve is still grounded. */
export const DEFAULT_MAX_MULTIPLE = 3;

export function buildModels(points: readonly CampaignPoint[], samples?: number): ChannelModel[] {
  const byChannel = new Map<string, CampaignPoint[]>();
  for (const p of points) byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), p]);
  return [...byChannel].sort(([a], [b]) => a.localeCompare(b)).map(([channel, list], i) => {
    const fit = (value: (p: CampaignPoint) => number, k: number) =>
      fitCurve(list.map((p) => ({ spend: p.spend, value: value(p) })), BOOTSTRAP_SEED + i * 3 + k, samples);
    return {
      channel,
      historical: list.reduce((s, p) => s + p.spend, 0) / list.length,
      points: list,
      gmv: fit((p) => p.gmv, 0),
      converted: fit((p) => p.converted, 1),
      participants: fit((p) => p.participants, 2),
    };
  });
}

export interface BoundsInput {
  min: Bound | null;
  max: Bound | null;
}

export interface PlanInputs {
  budget: number;
  objective: Objective;
  targetRoi: number;
  bounds: Readonly<Record<string, BoundsInput>>;
}

export interface PlanRow {
  channel: string;
  min: number;
  max: number;
  spend: number;
  gmv: Band;
  converted: Band;
  participants: Band;
  /** d GMV / d spend at the planned spend. */
  marginalRoi: number;
}

export interface PlanTotals {
  spend: number;
  gmv: Band;
  roi: Band;
  converted: Band;
  participants: Band;
}

export interface Plan {
  status: AllocationStatus;
  unspent: number;
  rows: PlanRow[];
  totals: PlanTotals;
  /** Channels with too little history for a curve: not planned. */
  excluded: string[];
}

type Curved = ChannelModel & { gmv: { ok: true; curve: Curve }; converted: { ok: true; curve: Curve }; participants: { ok: true; curve: Curve } };

export function plannable(models: readonly ChannelModel[]): Curved[] {
  return models.filter((m): m is Curved => m.gmv.ok && m.converted.ok && m.participants.ok);
}

function channelBand(curve: Curve, spend: number): Band {
  return band(hill(curve.params, spend), curve.replicates.map((r) => hill(r, spend)));
}

/** Totals of a spend per plannable channel, with bands from the replicates taken index by index. */
export function totalsFor(models: readonly Curved[], spend: readonly number[]): PlanTotals {
  const sum = (pick: (m: Curved) => Curve) => {
    const mid = models.reduce((s, m, i) => s + hill(pick(m).params, spend[i]!), 0);
    const count = Math.min(...models.map((m) => pick(m).replicates.length));
    const reps = Number.isFinite(count) ? Array.from({ length: count }, (_, b) => models.reduce((s, m, i) => s + hill(pick(m).replicates[b]!, spend[i]!), 0)) : [];
    return { mid, reps };
  };
  const total = spend.reduce((s, v) => s + v, 0);
  const gmv = sum((m) => m.gmv.curve);
  const converted = sum((m) => m.converted.curve);
  const participants = sum((m) => m.participants.curve);
  const roi = (v: number) => (total > 0 ? v / total : 0);
  return {
    spend: total,
    gmv: band(gmv.mid, gmv.reps),
    roi: band(roi(gmv.mid), gmv.reps.map(roi)),
    converted: band(converted.mid, converted.reps),
    participants: band(participants.mid, participants.reps),
  };
}

function rowsFor(models: readonly Curved[], spend: readonly number[], bounds: ReadonlyArray<{ min: number; max: number }>): PlanRow[] {
  return models.map((m, i) => ({
    channel: m.channel,
    min: bounds[i]!.min,
    max: bounds[i]!.max,
    spend: spend[i]!,
    gmv: channelBand(m.gmv.curve, spend[i]!),
    converted: channelBand(m.converted.curve, spend[i]!),
    participants: channelBand(m.participants.curve, spend[i]!),
    marginalRoi: hillMarginal(m.gmv.curve.params, spend[i]!),
  }));
}

export function resolvedBounds(models: readonly Curved[], bounds: Readonly<Record<string, BoundsInput>>): Array<{ min: number; max: number }> {
  return models.map((m) => {
    const b = bounds[m.channel];
    const min = resolveBound(b?.min ?? null, m.historical, 0);
    const max = resolveBound(b?.max ?? null, m.historical, DEFAULT_MAX_MULTIPLE * m.historical);
    return { min, max: Math.max(min, max) };
  });
}

export function makePlan(models: readonly ChannelModel[], inputs: PlanInputs): Plan {
  const curved = plannable(models);
  const bounds = resolvedBounds(curved, inputs.bounds);
  const channels = curved.map((m, i) => ({
    channel: m.channel,
    curve: inputs.objective === 'conversions' ? m.converted.curve.params : m.gmv.curve.params,
    ...bounds[i]!,
  }));
  const allocation: Allocation = inputs.objective === 'target_roi'
    ? allocateForTargetRoi(channels, inputs.budget, inputs.targetRoi)
    : allocate(channels, inputs.budget);
  return {
    status: allocation.status,
    unspent: allocation.unspent,
    rows: rowsFor(curved, allocation.spend, bounds),
    totals: totalsFor(curved, allocation.spend),
    excluded: models.filter((m) => !curved.includes(m as Curved)).map((m) => m.channel),
  };
}

/** The plan with one channel's spend moved by hand; every other channel keeps its planned spend. */
export function whatIf(models: readonly ChannelModel[], plan: Plan, channel: string, spend: number): Plan {
  const curved = plannable(models);
  const spends = plan.rows.map((r) => (r.channel === channel ? Math.max(0, spend) : r.spend));
  return {
    ...plan,
    rows: rowsFor(curved, spends, plan.rows),
    totals: totalsFor(curved, spends),
  };
}
