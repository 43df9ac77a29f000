/**
 * Campaign numbers by campaign, by one campaign's channels, or by the
 * employees of a campaign and channel: participation from
 * participation_performance, GMV from sales_overview, spend and ROI from
 * channel_roi, budget use from campaign_budgets. Pure.
 */
import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';
import { returnsView } from '../../../lib/returns-view.ts';

export type ActivityBy = 'campaign' | 'channel' | 'employee';

export interface ActivitySlice {
  team: string | null;
  channel: string | null;
  campaign: string | null;
}

function eq(view: string, slice: ActivitySlice) {
  const out: NonNullable<Query['filters']> = [];
  for (const key of ['team', 'channel', 'campaign'] as const) {
    const v = slice[key];
    if (v) out.push({ member: `${view}.${key}`, operator: 'equals', values: [v] });
  }
  return out;
}

const within = (dimension: string, range: DateRange | null) => (range ? [{ dimension, dateRange: range }] : []);

/**
 * With `period` (the range's key, presetPeriodKey) from the participants'
 * period table (participation_periods, one stored row per key), else from
 * the participations of the range.
 */
export function buildParticipationQuery(by: ActivityBy, range: DateRange | null, slice: ActivitySlice, period: string | null = null): Query {
  if (period !== null) {
    return {
      dimensions: [`participation_periods.${by}`],
      measures: ['participation_periods.participants', 'participation_periods.fission_count', 'participation_periods.converted_count', 'participation_periods.campaign_conversion_rate'],
      filters: [...eq('participation_periods', slice), { member: 'participation_periods.period', operator: 'equals', values: [period] }],
      order: { 'participation_periods.participants': 'desc' },
    };
  }
  return {
    dimensions: [`participation_performance.${by}`],
    measures: ['participation_performance.participants', 'participation_performance.fission_count', 'participation_performance.converted_count', 'participation_performance.campaign_conversion_rate'],
    filters: eq('participation_performance', slice),
    timeDimensions: within('participation_performance.joined_date', range),
    order: { 'participation_performance.participants': 'desc' },
  };
}

/** From the returns day table up to 62 days, the monthly one (with its edge months' days) beyond: returnsView. */
export function buildCampaignGmvQuery(by: ActivityBy, range: DateRange | null, slice: ActivitySlice): Query {
  const v = returnsView(range);
  return {
    dimensions: [`${v}.${by}`],
    measures: [`${v}.attributed_gmv`, `${v}.spend`, `${v}.roi`],
    filters: [...eq(v, slice), { member: `${v}.${by}`, operator: 'set' }],
    timeDimensions: within(`${v}.date`, range),
  };
}

/** Budget use is as of the data date, per campaign only. */
export function buildBudgetQuery(): Query {
  return { dimensions: ['campaign_budgets.campaign'], measures: ['campaign_budgets.budget', 'campaign_budgets.budget_used'] };
}
