/** Every query the planner sends, by name (see lib/page-queries.ts): the scope's monthly spend and attributed GMV per channel. */
import { monthlyHistoryQuery, type PlanScope } from './period-history.ts';

export function plannerQueries(asOf: string, scope: PlanScope = 'all') {
  return { monthly_history: monthlyHistoryQuery(asOf, scope) };
}
