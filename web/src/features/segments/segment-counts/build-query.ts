import type { Query } from '../../../lib/cube.ts';
import { drillDef, sliceFilters, type SegmentDimension } from '../../../lib/drill.ts';

export interface SegmentSlice {
  team: string | null;
  channel: string | null;
}

/** Customers per class of one classification, as of the data date, cut as the segment drill is. */
export function buildSegmentQuery(dimension: SegmentDimension, slice: SegmentSlice): Query {
  return {
    dimensions: [`customer_insights.${dimension}`],
    measures: ['customer_insights.customers'],
    filters: [
      ...sliceFilters('customer_insights', drillDef('segment').slice, { ...slice, campaign: null, employee: null, owner: null, cityTier: null }),
      { member: `customer_insights.${dimension}`, operator: 'set' },
    ],
  };
}
