/** The two answers merged into one row per key. Pure. */
import { toNumber } from '../../../lib/format.ts';
import type { BreakdownBy } from './build-query.ts';

export type Row = Record<string, unknown>;

export interface BreakdownRow {
  key: string;
  spend: number | null;
  attributedGmv: number | null;
  roi: number | null;
  cac: number | null;
  conversionRate: number | null;
}

export function toBreakdownRows(by: BreakdownBy, roiRows: readonly Row[], conversionRows: readonly Row[]): BreakdownRow[] {
  // The period table's rows (participation_periods) carry the same members as participation_performance's.
  const view = (r: Row): string => (`participation_periods.${by}` in r ? 'participation_periods' : 'participation_performance');
  const conversion = new Map(conversionRows.map((r) => [String(r[`${view(r)}.${by}`]), toNumber(r[`${view(r)}.campaign_conversion_rate`])]));
  // Long ranges ask the monthly returns view (returns_trend, lib/returns-view.ts) for the same members.
  const roiView = (r: Row): string => (`returns_trend.${by}` in r ? 'returns_trend' : 'channel_roi');
  return roiRows
    .filter((r) => r[`${roiView(r)}.${by}`] !== null && r[`${roiView(r)}.${by}`] !== undefined)
    .map((r) => {
      const v = roiView(r);
      const key = String(r[`${v}.${by}`]);
      return {
        key,
        spend: toNumber(r[`${v}.spend`]),
        attributedGmv: toNumber(r[`${v}.attributed_gmv`]),
        roi: toNumber(r[`${v}.roi`]),
        cac: toNumber(r[`${v}.cac`]),
        conversionRate: conversion.get(key) ?? null,
      };
    });
}
