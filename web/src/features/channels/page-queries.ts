/** Every query the channels page sends, by name (see lib/page-queries.ts): each level of the drill asks only once it is open. */
import { presetPeriodKey, type DateRange } from '../../lib/date-range.ts';
import type { FilterKind, GlobalFilters } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';
import { buildConversionBreakdownQuery, buildRoiBreakdownQuery, type BreakdownBy, type BreakdownSlice } from './roi-breakdown/build-query.ts';

export const CHANNELS_FILTERS: FilterKind[] = ['team', 'campaign'];

/** One level's slice: the channels under the team and campaign, a channel's campaigns, then its employees. */
function channelsSlices({ team, campaign, channel }: Pick<GlobalFilters, 'team' | 'campaign' | 'channel'>): Record<BreakdownBy, BreakdownSlice> {
  return {
    channel: { team, campaign, channel: null },
    campaign: { team, campaign: null, channel },
    employee: { team, campaign, channel },
  };
}

/** With `asOf`, the conversion of a preset's range asks the participants' period table (presetPeriodKey). */
export function channelsQueries(range: DateRange | null, filters: Pick<GlobalFilters, 'team' | 'campaign' | 'channel'>, asOf: string | null = null) {
  const slices = channelsSlices(filters);
  const period = asOf === null ? null : presetPeriodKey(range, asOf);
  const drilled = filters.channel !== null;
  return {
    ...filterBarQueries(CHANNELS_FILTERS),
    roi_by_channel: buildRoiBreakdownQuery('channel', range, slices.channel),
    conversion_by_channel: buildConversionBreakdownQuery('channel', range, slices.channel, period),
    roi_by_campaign: drilled ? buildRoiBreakdownQuery('campaign', range, slices.campaign) : null,
    conversion_by_campaign: drilled ? buildConversionBreakdownQuery('campaign', range, slices.campaign, period) : null,
    roi_by_employee: drilled ? buildRoiBreakdownQuery('employee', range, slices.employee) : null,
  };
}
