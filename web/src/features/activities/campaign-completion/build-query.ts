/**
 * A campaign's targets and their completion (period `campaign:<name>`) from
 * Cube's target_completion view, under the person's row rules: each team's
 * own target, then its employees'. Pure.
 */
import type { Query } from '../../../lib/cube.ts';
import { toNumber } from '../../../lib/format.ts';

const V = (m: string) => `target_completion.${m}`;

/** The campaign metrics the demo sets targets on, in the order the page shows them. */
export const CAMPAIGN_TARGET_METRICS = ['participants', 'fission_count', 'converted_count', 'gmv'] as const;

export function campaignPeriod(campaign: string): string {
  return `campaign:${campaign}`;
}

export function buildCampaignCompletionQuery(campaign: string): Query {
  return {
    measures: ['target', 'actual', 'achievement_rate', 'time_progress', 'forecast_achievement'].map(V),
    dimensions: ['id', 'level', 'team', 'employee', 'target_metric'].map(V),
    filters: [{ member: V('period'), operator: 'equals', values: [campaignPeriod(campaign)] }],
    order: { [V('target_metric')]: 'asc', [V('team')]: 'asc', [V('level')]: 'desc', [V('employee')]: 'asc' },
    limit: 5000,
  };
}

export interface CampaignCompletionRow {
  key: string;
  level: 'team' | 'employee';
  team: string;
  employee: string | null;
  metric: string;
  target: number | null;
  actual: number | null;
  achievement: number | null;
  timeProgress: number | null;
  /** What is still missing to the target (0 once reached). */
  gap: number | null;
  forecast: number | null;
}

export function toCampaignCompletionRows(rows: ReadonlyArray<Record<string, unknown>>): CampaignCompletionRow[] {
  return rows.map((r) => {
    const target = toNumber(r[V('target')]);
    const actual = toNumber(r[V('actual')]);
    return {
      key: String(r[V('id')]),
      level: r[V('level')] === 'team' ? 'team' : 'employee',
      team: String(r[V('team')] ?? ''),
      employee: (r[V('employee')] as string | null) ?? null,
      metric: String(r[V('target_metric')]),
      target,
      actual,
      achievement: toNumber(r[V('achievement_rate')]),
      timeProgress: toNumber(r[V('time_progress')]),
      gap: target === null || actual === null ? null : Math.max(0, target - actual),
      forecast: toNumber(r[V('forecast_achievement')]),
    };
  });
}

/** The metrics present, in the page's order (others after, by name). */
export function metricsOf(rows: readonly CampaignCompletionRow[]): string[] {
  const present = new Set(rows.map((r) => r.metric));
  const known: string[] = CAMPAIGN_TARGET_METRICS.filter((m) => present.has(m));
  return [...known, ...[...present].filter((m) => !known.includes(m)).sort()];
}

/**
 * One metric's rows, team → employee: the teams' own targets; with a team
 * open, its employees' under it. A person who sees no team target (staff)
 * gets their own employee rows.
 */
export function teamThenEmployees(rows: readonly CampaignCompletionRow[], metric: string, openTeam: string | null): CampaignCompletionRow[] {
  const mine = rows.filter((r) => r.metric === metric);
  const teams = mine.filter((r) => r.level === 'team');
  if (teams.length === 0) return mine;
  return teams.flatMap((t) => [t, ...(t.team === openTeam ? mine.filter((r) => r.level === 'employee' && r.team === t.team) : [])]);
}
