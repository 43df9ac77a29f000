/**
 * The /targets page's query and rows: the period's targets with their
 * completion from Cube's target_completion view (the person's row rules
 * apply), and the periods a person picks from. Pure.
 */
import type { Query } from '../../lib/cube.ts';
import { toNumber } from '../../lib/format.ts';

const V = (m: string) => `target_completion.${m}`;

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

export interface CompletionRow {
  key: string;
  id: number;
  level: 'employee' | 'team';
  team: string;
  teamId: number;
  employee: string | null;
  employeeId: number | null;
  metric: string;
  target: number | null;
  actual: number | null;
  achievement: number | null;
  timeProgress: number | null;
  /** What is still missing to the target (0 once reached). */
  gap: number | null;
  forecast: number | null;
  bonus: number | null;
  /** 达成率 below 时间进度: the pace would miss the target. */
  behind: boolean;
}

export function toCompletionRows(rows: ReadonlyArray<Record<string, unknown>>): CompletionRow[] {
  return rows.map((r) => {
    const target = toNumber(r[V('target')]);
    const actual = toNumber(r[V('actual')]);
    const achievement = toNumber(r[V('achievement_rate')]);
    const timeProgress = toNumber(r[V('time_progress')]);
    const employeeId = toNumber(r[V('employee_id')]);
    return {
      key: String(r[V('id')]),
      id: Number(r[V('id')]),
      level: r[V('level')] === 'team' ? 'team' : 'employee',
      team: String(r[V('team')] ?? ''),
      teamId: Number(r[V('team_id')]),
      employee: (r[V('employee')] as string | null) ?? null,
      employeeId,
      metric: String(r[V('target_metric')]),
      target,
      actual,
      achievement,
      timeProgress,
      gap: target === null || actual === null ? null : Math.max(0, target - actual),
      forecast: toNumber(r[V('forecast_achievement')]),
      bonus: toNumber(r[V('bonus_earned')]),
      behind: achievement !== null && timeProgress !== null && timeProgress > 0 && achievement < timeProgress,
    };
  });
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
