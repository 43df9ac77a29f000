/**
 * A campaign's targets and their completion (period `campaign:<name>`) from
 * Cube's target_completion view, under the person's row rules: each team's
 * own target, then its employees' (rows: lib/target-completion.ts). Pure.
 */
import type { Query } from '../../../lib/cube.ts';
import { completionMember as V, type CompletionRow } from '../../../lib/target-completion.ts';

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

/** The metrics present, in the page's order (others after, by name). */
export function metricsOf(rows: readonly CompletionRow[]): string[] {
  const present = new Set(rows.map((r) => r.metric));
  const known: string[] = CAMPAIGN_TARGET_METRICS.filter((m) => present.has(m));
  return [...known, ...[...present].filter((m) => !known.includes(m)).sort()];
}

/**
 * One metric's rows, team → employee: the teams' own targets; with a team
 * open, its employees' under it. A person who sees no team target (staff)
 * gets their own employee rows.
 */
export function teamThenEmployees(rows: readonly CompletionRow[], metric: string, openTeam: string | null): CompletionRow[] {
  const mine = rows.filter((r) => r.metric === metric);
  const teams = mine.filter((r) => r.level === 'team');
  if (teams.length === 0) return mine;
  return teams.flatMap((t) => [t, ...(t.team === openTeam ? mine.filter((r) => r.level === 'employee' && r.team === t.team) : [])]);
}
