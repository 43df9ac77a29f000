/** Every query the segments page sends, by name (see lib/page-queries.ts): one per classification, and the journey between two days. */
import { SEGMENT_DIMENSIONS, type SegmentDimension } from '../../lib/drill.ts';
import type { Query } from '../../lib/cube.ts';
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';
import { buildJourneyQuery, type JourneyChoice } from './journey-flows/build-query.ts';
import { buildSegmentQuery, type SegmentSlice } from './segment-counts/build-query.ts';

export const SEGMENTS_FILTERS: FilterKind[] = ['team', 'channel'];

export function segmentsQueries(slice: SegmentSlice, journey: JourneyChoice) {
  const bySegment = Object.fromEntries(SEGMENT_DIMENSIONS.map((d) => [`customers_by_${d}`, buildSegmentQuery(d, slice)])) as Record<`customers_by_${SegmentDimension}`, Query>;
  return {
    ...filterBarQueries(SEGMENTS_FILTERS),
    ...bySegment,
    journey_flows: buildJourneyQuery(journey, slice),
  };
}
