import type { Query } from '../../../lib/cube.ts';
import { addDays, isIsoDate } from '../../../lib/date-range.ts';
import { drillDef, isJourneyFamily, journeyDayFilters, sliceFilters, type JourneyFamily } from '../../../lib/drill.ts';
import type { SegmentSlice } from '../segment-counts/build-query.ts';

/** What the journey panel compares: one classification between two days. */
export interface JourneyChoice {
  family: JourneyFamily;
  fromDate: string;
  toDate: string;
}

/** Days back from as-of the journey starts by default: one quarter. */
export const DEFAULT_SPAN_DAYS = 90;

/** The panel's choice from the URL (jfamily, jfrom, jto), defaulting to lifecycle over the last quarter. */
export function parseJourneyChoice(params: URLSearchParams, asOf: string): JourneyChoice {
  const family = params.get('jfamily');
  const toParam = params.get('jto');
  const toDate = isIsoDate(toParam) && toParam <= asOf ? toParam : asOf;
  const fromParam = params.get('jfrom');
  const fromDate = isIsoDate(fromParam) && fromParam < toDate ? fromParam : addDays(toDate, -DEFAULT_SPAN_DAYS);
  return { family: isJourneyFamily(family) ? family : 'lifecycle_stage', fromDate, toDate };
}

/** The tile's view: the kept counts per move (migration 047); the customers behind a move stay on journey_flows. */
export const JOURNEY_COUNTS_VIEW = 'journey_counts';

/** Customers per (start stage, end stage) of the chosen family, cut as the segment charts are. */
export function buildJourneyQuery(choice: JourneyChoice, slice: SegmentSlice): Query {
  const view = JOURNEY_COUNTS_VIEW;
  return {
    dimensions: [`${view}.from_stage`, `${view}.to_stage`],
    measures: [`${view}.customers`],
    filters: [
      ...journeyDayFilters(choice.fromDate, choice.toDate, view),
      { member: `${view}.family`, operator: 'equals', values: [choice.family] },
      ...sliceFilters(view, drillDef('journey').slice, { ...slice, campaign: null, employee: null, owner: null, cityTier: null }),
    ],
  };
}

/** The drill list's URL parameters for one move. */
export function journeyDrillParams(choice: JourneyChoice, from: string, to: string): Record<string, string> {
  return { metric: 'journey', family: choice.family, from_date: choice.fromDate, to_date: choice.toDate, from_stage: from, to_stage: to };
}
