/**
 * The big-screen's Cube queries, one per tile, on views only. Pure: a campaign
 * name and dates in, a query out. No time zone is sent: the server applies the
 * business zone. The sales tiles ask sales_live (the hourly sales table,
 * migration 032): a new order is read at the next tick, nothing is rebuilt.
 */
import type { Query } from '../../lib/cube.ts';

type Filter = NonNullable<Query['filters']>[number];

const campaignFilter = (member: string, campaign: string): Filter => ({ member, operator: 'equals', values: [campaign] });

/** GMV and paid orders of the campaign, all dates. */
export function buildCampaignSalesQuery(campaign: string): Query {
  return {
    measures: ['sales_live.gmv', 'sales_live.order_count'],
    filters: [campaignFilter('sales_live.campaign', campaign)],
  };
}

/** The campaign's GMV by hour over one business day (today, or the same weekday a week earlier). */
export function buildGmvByHourQuery(campaign: string, day: string): Query {
  return {
    measures: ['sales_live.gmv', 'sales_live.order_count'],
    timeDimensions: [{ dimension: 'sales_live.order_date', granularity: 'hour', dateRange: [day, day] }],
    filters: [campaignFilter('sales_live.campaign', campaign)],
    order: { 'sales_live.order_date': 'asc' },
  };
}

/**
 * Participants, fission, converted and the conversion rate of the campaign, all dates: the campaign's stored row of
 * the participants' period table for 全部 (participation_periods, period 'all').
 */
export function buildParticipationQuery(campaign: string): Query {
  return {
    measures: [
      'participation_periods.participants',
      'participation_periods.fission_count',
      'participation_periods.converted_count',
      'participation_periods.campaign_conversion_rate',
    ],
    filters: [campaignFilter('participation_periods.campaign', campaign), { member: 'participation_periods.period', operator: 'equals', values: ['all'] }],
  };
}

/** Spend, attributed GMV and ROI of the campaign by channel. */
export function buildRoiByChannelQuery(campaign: string): Query {
  return {
    measures: ['channel_roi.roi', 'channel_roi.spend', 'channel_roi.attributed_gmv'],
    dimensions: ['channel_roi.channel'],
    filters: [campaignFilter('channel_roi.campaign', campaign)],
    order: { 'channel_roi.attributed_gmv': 'desc' },
  };
}

export const LEADERBOARD_SIZE = 10;

/** The ten employees with the most campaign GMV, with their team. */
export function buildLeaderboardQuery(campaign: string): Query {
  return {
    measures: ['sales_live.gmv', 'sales_live.order_count'],
    dimensions: ['sales_live.employee', 'sales_live.team'],
    filters: [
      campaignFilter('sales_live.campaign', campaign),
      { member: 'sales_live.employee', operator: 'set' },
    ],
    order: { 'sales_live.gmv': 'desc', 'sales_live.employee': 'asc' },
    limit: LEADERBOARD_SIZE,
  };
}

/** Customers who registered while the campaign ran (up to as-of), by source channel: from the registrations table (migration 044). */
export function buildNewCustomersBySourceQuery(from: string, to: string): Query {
  return {
    measures: ['customer_registrations.new_customers'],
    dimensions: ['customer_registrations.source_channel'],
    timeDimensions: [{ dimension: 'customer_registrations.registered_date', dateRange: [from, to] }],
    order: { 'customer_registrations.new_customers': 'desc' },
  };
}

/** The campaign's participants by the customer's city tier. */
export function buildParticipantsByCityTierQuery(campaign: string): Query {
  return {
    measures: ['participation_audience.participants', 'participation_audience.converted_count'],
    dimensions: ['participation_audience.city_tier'],
    filters: [campaignFilter('participation_audience.campaign', campaign)],
    order: { 'participation_audience.city_tier': 'asc' },
  };
}

/** The dates the "new customers" tile counts: the campaign's start to its end or as-of, whichever is first. */
export function campaignWindow(startsOn: string, endsOn: string, asOf: string): [string, string] {
  const to = endsOn < asOf ? endsOn : asOf;
  return [startsOn, to < startsOn ? startsOn : to];
}
