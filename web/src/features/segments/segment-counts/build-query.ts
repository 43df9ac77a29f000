import type { Query } from '../../../lib/cube.ts';
import { drillDef, sliceFilters, type SegmentDimension } from '../../../lib/drill.ts';

export interface SegmentSlice {
  team: string | null;
  channel: string | null;
}

/**
 * Customers per class of one classification, as of the data date, cut as the segment drill is. Asked of the
 * stored counts (segment_counts, migration 039); the drill lists the customers from customer_insights.
 */
export function buildSegmentQuery(dimension: SegmentDimension, slice: SegmentSlice): Query {
  return {
    dimensions: [`segment_counts.${dimension}`],
    measures: ['segment_counts.customers'],
    filters: [
      ...sliceFilters('segment_counts', drillDef('segment').slice, { ...slice, campaign: null, employee: null, owner: null, cityTier: null }),
      { member: `segment_counts.${dimension}`, operator: 'set' },
    ],
  };
}
