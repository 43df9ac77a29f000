import { toNumber } from '../../../lib/format.ts';
import type { SegmentDimension } from '../../../lib/drill.ts';

export type Row = Record<string, unknown>;

/** The classes of each classification in their own order (RFM: the eight segments). */
export const SEGMENT_ORDER: Record<SegmentDimension, readonly string[]> = {
  rfm_segment: ['重要价值', '重要发展', '重要保持', '重要挽留', '一般价值', '一般发展', '一般保持', '一般挽留'],
  lifecycle_stage: ['prospect', 'new', 'active', 'sleeping', 'churned'],
  aipl_stage: ['A', 'I', 'P', 'L'],
  five_a_stage: ['aware', 'appeal', 'ask', 'act', 'advocate'],
  value_quadrant: ['both', 'koc', 'gmv', 'neither'],
};

export interface SegmentCount {
  value: string;
  customers: number;
}

/** Rows of segment_counts in, one count per class in the classification's order (0 where a class is absent). Pure. */
export function toSegmentCounts(dimension: SegmentDimension, rows: readonly Row[]): SegmentCount[] {
  const counts = new Map(rows.map((r) => [String(r[`segment_counts.${dimension}`]), toNumber(r['segment_counts.customers']) ?? 0]));
  const known = SEGMENT_ORDER[dimension];
  const extra = [...counts.keys()].filter((k) => !known.includes(k));
  return [...known, ...extra].map((value) => ({ value, customers: counts.get(value) ?? 0 }));
}
