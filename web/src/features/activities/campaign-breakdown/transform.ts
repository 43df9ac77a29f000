import { toNumber } from '../../../lib/format.ts';
import type { ActivityBy } from './build-query.ts';

export type Row = Record<string, unknown>;

export interface ActivityRow {
  key: string;
  participants: number | null;
  fission: number | null;
  converted: number | null;
  conversionRate: number | null;
  gmv: number | null;
  spend: number | null;
  roi: number | null;
  budgetUsed: number | null;
}

/** One row per key that has participants or money; budgets only by campaign. Pure. */
export function toActivityRows(by: ActivityBy, participation: readonly Row[], money: readonly Row[], budgets: readonly Row[]): ActivityRow[] {
  // The period table's rows (participation_periods) carry the same members as participation_performance's.
  const p = new Map(participation.map((row) => {
    const r = Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/^participation_periods\./, 'participation_performance.'), v]));
    return [String(r[`participation_performance.${by}`] ?? ''), r];
  }));
  // Long ranges ask the monthly returns view for the same members (returns_trend, lib/returns-view.ts).
  const m = new Map(money.map((row) => {
    const r = Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/^returns_trend\./, 'channel_roi.'), v]));
    return [String(r[`channel_roi.${by}`] ?? ''), r];
  }));
  const b = new Map(budgets.map((r) => [String(r['campaign_budgets.campaign'] ?? ''), r]));
  const keys = [...new Set([...p.keys(), ...m.keys()])].filter((k) => k !== '' && k !== 'null');
  return keys
    .map((key) => {
      const pr = p.get(key);
      const mr = m.get(key);
      return {
        key,
        participants: toNumber(pr?.['participation_performance.participants']),
        fission: toNumber(pr?.['participation_performance.fission_count']),
        converted: toNumber(pr?.['participation_performance.converted_count']),
        conversionRate: toNumber(pr?.['participation_performance.campaign_conversion_rate']),
        gmv: toNumber(mr?.['channel_roi.attributed_gmv']),
        spend: toNumber(mr?.['channel_roi.spend']),
        roi: toNumber(mr?.['channel_roi.roi']),
        budgetUsed: by === 'campaign' ? toNumber(b.get(key)?.['campaign_budgets.budget_used']) : null,
      };
    })
    .sort((x, y) => (y.gmv ?? 0) - (x.gmv ?? 0) || (y.participants ?? 0) - (x.participants ?? 0) || x.key.localeCompare(y.key));
}
