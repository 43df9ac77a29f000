/**
 * A row of Cube's target_completion view as the pages show it (the period's
 * targets on /targets, the month's on /staff, a campaign's on /activities):
 * one type and one transform, whichever members a page's query asked for (a
 * member it did not ask for reads as null). Pure.
 */
import { toNumber } from './format.ts';

/** A member of the target_completion view. */
export const completionMember = (m: string): string => `target_completion.${m}`;
const V = completionMember;

export interface CompletionRow {
  key: string;
  id: number;
  level: 'employee' | 'team';
  team: string;
  teamId: number | null;
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
  /** 达成率 below 时间进度: the pace would miss the target (never before the period starts). */
  behind: boolean;
}

export function toCompletionRows(rows: ReadonlyArray<Record<string, unknown>>): CompletionRow[] {
  return rows.map((r) => {
    const target = toNumber(r[V('target')]);
    const actual = toNumber(r[V('actual')]);
    const achievement = toNumber(r[V('achievement_rate')]);
    const timeProgress = toNumber(r[V('time_progress')]);
    return {
      key: String(r[V('id')]),
      id: Number(r[V('id')]),
      level: r[V('level')] === 'team' ? 'team' : 'employee',
      team: String(r[V('team')] ?? ''),
      teamId: toNumber(r[V('team_id')]),
      employee: (r[V('employee')] as string | null | undefined) ?? null,
      employeeId: toNumber(r[V('employee_id')]),
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
