/**
 * The plan's inputs in the URL, so a link reproduces the plan:
 * `budget=200000&from=2026-11-21&to=2026-12-04&objective=gmv&target=2&cutoff=2026-06-01`
 * `&bound=企业微信|5000|2x` (min and max per channel: an amount in yuan, or a
 * multiple of the channel's spend per campaign with an "x"; empty for none)
 * `&whatif=企业微信|12000&channel=企业微信`. Pure.
 */
import { OBJECTIVES, type Bound, type Objective } from './allocate.ts';
import type { BoundsInput } from './plan.ts';

export interface PlanState {
  budget: number | null;
  from: string | null;
  to: string | null;
  objective: Objective;
  targetRoi: number;
  bounds: Record<string, BoundsInput>;
  whatIf: { channel: string; spend: number } | null;
  cutoff: string | null;
  /** The channel whose curve is shown. */
  channel: string | null;
}

export const DEFAULT_TARGET_ROI = 2;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function parseBound(text: string | undefined): Bound | null {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '') return null;
  const multiple = /^(\d+(?:\.\d+)?)\s*[x×]$/.exec(t);
  if (multiple) return { kind: 'multiple', value: Number(multiple[1]) };
  const amount = Number(t.replace(/[,¥\s]/g, ''));
  return Number.isFinite(amount) && amount >= 0 ? { kind: 'amount', value: amount } : null;
}

export function formatBound(bound: Bound | null): string {
  if (!bound) return '';
  return bound.kind === 'multiple' ? `${bound.value}x` : String(Math.round(bound.value));
}

const positive = (v: string | null): number | null => {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
};

export function parsePlanState(params: URLSearchParams): PlanState {
  const bounds: Record<string, BoundsInput> = {};
  for (const entry of params.getAll('bound')) {
    const [channel, min, max] = entry.split('|');
    if (channel) bounds[channel] = { min: parseBound(min), max: parseBound(max) };
  }
  const objective = params.get('objective');
  const [wiChannel, wiSpend] = (params.get('whatif') ?? '').split('|');
  const wi = Number(wiSpend);
  const from = params.get('from');
  const to = params.get('to');
  const cutoff = params.get('cutoff');
  const window = from && to && ISO.test(from) && ISO.test(to) && from <= to;
  return {
    budget: positive(params.get('budget')),
    from: window ? from : null,
    to: window ? to : null,
    objective: OBJECTIVES.includes(objective as Objective) ? (objective as Objective) : 'gmv',
    targetRoi: positive(params.get('target')) ?? DEFAULT_TARGET_ROI,
    bounds,
    whatIf: wiChannel && wiSpend !== undefined && wiSpend !== '' && Number.isFinite(wi) && wi >= 0 ? { channel: wiChannel, spend: wi } : null,
    cutoff: cutoff && ISO.test(cutoff) ? cutoff : null,
    channel: params.get('channel') || null,
  };
}

export function writePlanState(state: PlanState): URLSearchParams {
  const out = new URLSearchParams();
  if (state.budget !== null) out.set('budget', String(Math.round(state.budget)));
  if (state.from && state.to) {
    out.set('from', state.from);
    out.set('to', state.to);
  }
  out.set('objective', state.objective);
  if (state.objective === 'target_roi') out.set('target', String(state.targetRoi));
  for (const [channel, b] of Object.entries(state.bounds).sort(([a], [c]) => a.localeCompare(c))) {
    if (b.min || b.max) out.append('bound', `${channel}|${formatBound(b.min)}|${formatBound(b.max)}`);
  }
  if (state.whatIf) out.set('whatif', `${state.whatIf.channel}|${Math.round(state.whatIf.spend)}`);
  if (state.cutoff) out.set('cutoff', state.cutoff);
  if (state.channel) out.set('channel', state.channel);
  return out;
}
