/** Every query the planner sends, by name (see lib/page-queries.ts): the brand's campaign history, whatever the plan. */
import { CAMPAIGN_DATES_QUERY, PARTICIPATION_QUERY, SPEND_QUERY } from './history.ts';

export function plannerQueries() {
  return { spend_history: SPEND_QUERY, participation_history: PARTICIPATION_QUERY, campaign_dates: CAMPAIGN_DATES_QUERY };
}
