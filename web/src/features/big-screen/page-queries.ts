/**
 * Every query the big-screen sends on each refresh, by name (see
 * lib/page-queries.ts): the campaign list, then each tile's own query once
 * the campaign and the data date are known.
 */
import { addDays } from '../../lib/date-range.ts';
import {
  buildCampaignSalesQuery, buildGmvByHourQuery, buildLeaderboardQuery, buildNewCustomersBySourceQuery,
  buildParticipantsByCityTierQuery, buildParticipationQuery, buildRoiByChannelQuery, campaignWindow,
} from './build-queries.ts';
import { buildCampaignTargetsQuery } from './campaign-targets.ts';
import { buildCampaignListQuery, type CampaignOption } from './campaigns.ts';

export function bigScreenQueries(campaign: CampaignOption | null, asOf: string | null) {
  const name = campaign?.name ?? null;
  const ready = name !== null && asOf !== null;
  const window = campaign && asOf ? campaignWindow(campaign.startsOn, campaign.endsOn, asOf) : null;
  return {
    campaign_list: buildCampaignListQuery(),
    campaign_sales: ready ? buildCampaignSalesQuery(name) : null,
    gmv_by_hour_today: ready ? buildGmvByHourQuery(name, asOf) : null,
    gmv_by_hour_week_ago: ready ? buildGmvByHourQuery(name, addDays(asOf, -7)) : null,
    participation: ready ? buildParticipationQuery(name) : null,
    roi_by_channel: ready ? buildRoiByChannelQuery(name) : null,
    leaderboard: ready ? buildLeaderboardQuery(name) : null,
    new_customers_by_source: window ? buildNewCustomersBySourceQuery(window[0], window[1]) : null,
    participants_by_city_tier: ready ? buildParticipantsByCityTierQuery(name) : null,
    campaign_targets: ready ? buildCampaignTargetsQuery(name) : null,
  };
}
