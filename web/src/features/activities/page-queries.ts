/** Every query the activities page sends, by name (see lib/page-queries.ts): each level of the drill asks only once it is open. */
import { presetPeriodKey, type DateRange } from '../../lib/date-range.ts';
import type { FilterKind, GlobalFilters } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';
import { buildBudgetQuery, buildCampaignGmvQuery, buildParticipationQuery } from './campaign-breakdown/build-query.ts';

export const ACTIVITIES_FILTERS: FilterKind[] = ['team'];

/**
 * Budgets are the whole brand's money: only roles that see the whole brand ask for them (`budgets`).
 * With `asOf`, the participation of a preset's range asks the participants' period table (presetPeriodKey).
 */
export function activitiesQueries(range: DateRange | null, { team, campaign, channel }: Pick<GlobalFilters, 'team' | 'campaign' | 'channel'>, budgets: boolean, asOf: string | null = null) {
  const period = asOf === null ? null : presetPeriodKey(range, asOf);
  const campaigns = { team, campaign: null, channel: null };
  const channels = { team, campaign, channel: null };
  const employees = { team, campaign, channel };
  const byChannel = campaign !== null;
  const byEmployee = campaign !== null && channel !== null;
  return {
    ...filterBarQueries(ACTIVITIES_FILTERS),
    participation_by_campaign: buildParticipationQuery('campaign', range, campaigns, period),
    gmv_by_campaign: buildCampaignGmvQuery('campaign', range, campaigns),
    budget_by_campaign: budgets ? buildBudgetQuery() : null,
    participation_by_channel: byChannel ? buildParticipationQuery('channel', range, channels, period) : null,
    gmv_by_channel: byChannel ? buildCampaignGmvQuery('channel', range, channels) : null,
    participation_by_employee: byEmployee ? buildParticipationQuery('employee', range, employees, period) : null,
    gmv_by_employee: byEmployee ? buildCampaignGmvQuery('employee', range, employees) : null,
  };
}
