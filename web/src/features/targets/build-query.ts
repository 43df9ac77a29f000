/**
 * The /targets page's query: the period's targets with their completion
 * from Cube's target_completion view (the person's row rules apply; its rows
 * are lib/target-completion.ts's), and the periods a person picks from. Pure.
 */
import type { Query } from '../../lib/cube.ts';
import { completionMember as V } from '../../lib/target-completion.ts';

export const COMPLETION_MEASURES = ['target', 'actual', 'achievement_rate', 'time_progress', 'forecast_achievement', 'bonus_earned'] as const;

export function buildCompletionQuery(period: string): Query {
  return {
    measures: COMPLETION_MEASURES.map(V),
    dimensions: ['id', 'level', 'team', 'employee', 'employee_id', 'team_id', 'target_metric'].map(V),
    filters: [{ member: V('period'), operator: 'equals', values: [period] }],
    order: { [V('target_metric')]: 'asc', [V('team')]: 'asc', [V('level')]: 'desc', [V('employee')]: 'asc' },
    limit: 5000,
  };
}

/** The periods offered: the as-of month, the one before, the quarter and the year of as-of. */
export function periodChoices(asOf: string): Array<{ period: string; kind: 'month' | 'quarter' | 'year' }> {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  const prev = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  return [
    { period: `${y}-${String(m).padStart(2, '0')}`, kind: 'month' },
    { period: prev, kind: 'month' },
    { period: `${y}-Q${Math.ceil(m / 3)}`, kind: 'quarter' },
    { period: String(y), kind: 'year' },
  ];
}

/** The month before a `YYYY-MM` period (the import's template), or null for other periods. */
export function previousMonth(period: string): string | null {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return null;
  const [y, m] = [Number(match[1]), Number(match[2])];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
