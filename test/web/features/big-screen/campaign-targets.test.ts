import { describe, expect, it } from 'vitest';
import { buildCampaignTargetsQuery, toCampaignTargets } from '../../../../web/src/features/big-screen/campaign-targets.ts';
import { teamThenEmployees } from '../../../../web/src/features/activities/campaign-completion/build-query.ts';
import { toCompletionRows } from '../../../../web/src/lib/target-completion.ts';

const row = (level: string, team: string, employee: string | null, target: number, actual: number, metric = 'gmv') => ({
  'target_completion.id': `${team}/${employee ?? ''}/${metric}`, 'target_completion.level': level, 'target_completion.team': team,
  'target_completion.employee': employee, 'target_completion.target_metric': metric,
  'target_completion.target': String(target), 'target_completion.actual': String(actual),
  'target_completion.achievement_rate': String(actual / target), 'target_completion.time_progress': '0.5',
});

const ROWS = [
  row('team', 'A', null, 1000, 300), row('team', 'B', null, 500, 400),
  row('employee', 'A', '甲', 600, 300), row('employee', 'A', '乙', 400, 0), row('employee', 'B', '丙', 500, 400),
  row('team', 'A', null, 10, 9, 'participants'),
];

describe('campaign targets', () => {
  it('asks for one campaign\'s GMV targets', () => {
    expect(buildCampaignTargetsQuery('夏促').filters).toEqual([
      { member: 'target_completion.period', operator: 'equals', values: ['campaign:夏促'] },
      { member: 'target_completion.target_metric', operator: 'equals', values: ['gmv'] },
    ]);
  });

  it('sums the teams (700 of 1500), ranks teams and employees by 达成率', () => {
    const gmv = ROWS.filter((r) => r['target_completion.target_metric'] === 'gmv');
    const t = toCampaignTargets(gmv);
    expect(t.overall).toBeCloseTo(700 / 1500, 12);
    expect(t.timeProgress).toBe(0.5);
    expect(t.teams.map((l) => [l.label, l.achievement])).toEqual([['B', 0.8], ['A', 0.3]]);
    expect(t.top.map((l) => [l.label, l.achievement])).toEqual([['丙', 0.8], ['甲', 0.5], ['乙', 0]]);
  });

  it('lists one metric team → employee, a team\'s employees under it when open', () => {
    const rows = toCompletionRows(ROWS);
    expect(teamThenEmployees(rows, 'gmv', null).map((r) => r.employee ?? r.team)).toEqual(['A', 'B']);
    expect(teamThenEmployees(rows, 'gmv', 'A').map((r) => r.employee ?? r.team)).toEqual(['A', '甲', '乙', 'B']);
    expect(rows.find((r) => r.employee === '甲')!.gap).toBe(300);
    // Staff see no team target: their own rows.
    expect(teamThenEmployees(rows.filter((r) => r.level === 'employee'), 'gmv', null).map((r) => r.employee)).toEqual(['甲', '乙', '丙']);
  });
});
