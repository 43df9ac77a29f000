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
  return roiRows
    .filter((r) => r[`channel_roi.${by}`] !== null && r[`channel_roi.${by}`] !== undefined)
    .map((r) => {
      const key = String(r[`channel_roi.${by}`]);
      return {
        key,
        spend: toNumber(r['channel_roi.spend']),
        attributedGmv: toNumber(r['channel_roi.attributed_gmv']),
        roi: toNumber(r['channel_roi.roi']),
        cac: toNumber(r['channel_roi.cac']),
        conversionRate: conversion.get(key) ?? null,
      };
    });
}
