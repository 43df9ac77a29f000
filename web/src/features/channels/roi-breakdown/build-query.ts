/**
 * Spend, attributed GMV, ROI and CAC by channel, by one channel's campaigns,
 * or by the employees credited in a channel (and campaign); campaign
 * conversion by the same key from participation_performance. Pure.
 */
import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';
import { sliceFilters } from '../../../lib/drill.ts';
import { returnsView } from '../../../lib/returns-view.ts';

export type BreakdownBy = 'channel' | 'campaign' | 'employee';

export interface BreakdownSlice {
  team: string | null;
  channel: string | null;
  campaign: string | null;
}

const NO_SLICE = { employee: null, owner: null, cityTier: null };

export function buildRoiBreakdownQuery(by: BreakdownBy, range: DateRange | null, slice: BreakdownSlice): Query {
  const v = returnsView(range);
  return {
    dimensions: [`${v}.${by}`],
    measures: [`${v}.spend`, `${v}.attributed_gmv`, `${v}.roi`, ...(by === 'channel' ? [`${v}.cac`] : [])],
    filters: [
      ...sliceFilters(v, { team: 'team', channel: 'channel', campaign: 'campaign' }, { ...slice, ...NO_SLICE }),
      { member: `${v}.${by}`, operator: 'set' },
    ],
    timeDimensions: range ? [{ dimension: `${v}.date`, dateRange: range }] : [],
    order: { [`${v}.attributed_gmv`]: 'desc' },
  };
}

/**
 * Participants and conversion by the key: with `period` (the range's key,
 * presetPeriodKey) from the participants' period table (participation_periods,
 * one stored row per key), else from the participations of the range.
 */
export function buildConversionBreakdownQuery(by: BreakdownBy, range: DateRange | null, slice: BreakdownSlice, period: string | null = null): Query {
  if (period !== null) {
    return {
      dimensions: [`participation_periods.${by}`],
      measures: ['participation_periods.participants', 'participation_periods.converted_count', 'participation_periods.campaign_conversion_rate'],
      filters: [
        ...sliceFilters('participation_periods', { team: 'team', channel: 'channel', campaign: 'campaign' }, { ...slice, ...NO_SLICE }),
        { member: 'participation_periods.period', operator: 'equals', values: [period] },
      ],
    };
  }
  return {
    dimensions: [`participation_performance.${by}`],
    measures: ['participation_performance.participants', 'participation_performance.converted_count', 'participation_performance.campaign_conversion_rate'],
    filters: sliceFilters('participation_performance', { team: 'team', channel: 'channel', campaign: 'campaign' }, { ...slice, ...NO_SLICE }),
    timeDimensions: range ? [{ dimension: 'participation_performance.joined_date', dateRange: range }] : [],
  };
}
