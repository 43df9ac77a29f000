/**
 * The campaign-targets tile's query and rows: the campaign's GMV targets
 * (period `campaign:<name>`) from target_completion, each team's own and
 * each employee's, with 达成率 and 时间进度. Pure.
 */
import type { Query } from '../../lib/cube.ts';
import { toNumber } from '../../lib/format.ts';
import { completionMember as V } from '../../lib/target-completion.ts';

/** The metric the tile reads: the campaign's money. */
export const TILE_TARGET_METRIC = 'gmv';
export const TOP_EMPLOYEES = 5;

export function buildCampaignTargetsQuery(campaign: string): Query {
  return {
    measures: ['target', 'actual', 'achievement_rate', 'time_progress'].map(V),
    dimensions: ['level', 'team', 'employee'].map(V),
    filters: [
      { member: V('period'), operator: 'equals', values: [`campaign:${campaign}`] },
      { member: V('target_metric'), operator: 'equals', values: [TILE_TARGET_METRIC] },
    ],
    order: { [V('achievement_rate')]: 'desc', [V('team')]: 'asc', [V('employee')]: 'asc' },
    limit: 1000,
  };
}

export interface TargetLine {
  label: string;
  team: string;
  achievement: number;
  target: number;
  actual: number;
}

export interface CampaignTargets {
  /** All the teams' targets together: Σ actual ÷ Σ target. */
  overall: number | null;
  timeProgress: number | null;
  teams: TargetLine[];
  top: TargetLine[];
}

export function toCampaignTargets(rows: ReadonlyArray<Record<string, unknown>>): CampaignTargets {
  const lines = rows.map((r) => ({
    level: r[V('level')] === 'team' ? 'team' : 'employee',
    label: String(r[V('level')] === 'team' ? r[V('team')] : r[V('employee')]),
    team: String(r[V('team')] ?? ''),
    achievement: toNumber(r[V('achievement_rate')]) ?? 0,
    target: toNumber(r[V('target')]) ?? 0,
    actual: toNumber(r[V('actual')]) ?? 0,
    progress: toNumber(r[V('time_progress')]),
  }));
  const teams = lines.filter((l) => l.level === 'team');
  const target = teams.reduce((s, l) => s + l.target, 0);
  const byRate = (a: TargetLine, b: TargetLine) => b.achievement - a.achievement || a.label.localeCompare(b.label);
  const strip = ({ label, team, achievement, target: t, actual }: TargetLine) => ({ label, team, achievement, target: t, actual });
  return {
    overall: target > 0 ? teams.reduce((s, l) => s + l.actual, 0) / target : null,
    timeProgress: lines.find((l) => l.progress !== null)?.progress ?? null,
    teams: teams.map(strip).sort(byRate),
    top: lines.filter((l) => l.level === 'employee').map(strip).sort(byRate).slice(0, TOP_EMPLOYEES),
  };
}
