import { describe, expect, it } from 'vitest';
import { buildCompletionQuery } from '../../../web/src/features/targets/build-query.ts';
import { buildCampaignCompletionQuery } from '../../../web/src/features/activities/campaign-completion/build-query.ts';
import { buildStaffCompletionQuery } from '../../../web/src/features/staff/completion/completion-panel.tsx';
import { toCompletionRows } from '../../../web/src/lib/target-completion.ts';

const FULL = (target: string, actual: string, rate: string, progress: string) => ({
  'target_completion.id': 1, 'target_completion.level': 'employee', 'target_completion.team': '一队', 'target_completion.team_id': 1,
  'target_completion.employee': '乙', 'target_completion.employee_id': 2, 'target_completion.target_metric': 'gmv',
  'target_completion.target': target, 'target_completion.actual': actual, 'target_completion.achievement_rate': rate,
  'target_completion.time_progress': progress, 'target_completion.forecast_achievement': null, 'target_completion.bonus_earned': '0',
});

describe('target completion rows (one transform for /targets, /staff and /activities)', () => {
  it('works out the gap and whether 达成率 is behind 时间进度', () => {
    // 300 of 400 with 2/3 of the month gone: 0.75 ≥ 0.667, ahead; 100 missing.
    expect(toCompletionRows([FULL('400', '300', '0.75', '0.6666')])[0]).toMatchObject({ gap: 100, behind: false });
    // 100 of 400 at 2/3: behind; 300 missing.
    expect(toCompletionRows([FULL('400', '100', '0.25', '0.6666')])[0]).toMatchObject({ gap: 300, behind: true });
    // Above target: no gap. Before the period starts (progress 0): never behind.
    expect(toCompletionRows([FULL('400', '500', '1.25', '0')])[0]).toMatchObject({ gap: 0, behind: false });
    expect(toCompletionRows([FULL('400', '300', '0.75', '0.6666')])[0]).toMatchObject({
      key: '1', id: 1, level: 'employee', team: '一队', teamId: 1, employee: '乙', employeeId: 2, metric: 'gmv',
      target: 400, actual: 300, achievement: 0.75, timeProgress: 0.6666, forecast: null, bonus: 0,
    });
  });

  it('reads a team\'s row of /staff\'s query, which asks for fewer members, with the rest null', () => {
    const asked = new Set([...buildStaffCompletionQuery('2026-11', {}).measures!, ...buildStaffCompletionQuery('2026-11', {}).dimensions!]);
    const row = Object.fromEntries(Object.entries({
      ...FULL('1000', '250', '0.25', '0.5'), 'target_completion.id': 't7', 'target_completion.employee': null,
    }).filter(([member]) => asked.has(member)));
    expect(Object.keys(row)).not.toContain('target_completion.level');
    const [r] = toCompletionRows([row]);
    // The panel names the employee, or the team on a team's own row.
    expect(r!.employee ?? r!.team).toBe('一队');
    expect(r).toMatchObject({ key: 't7', teamId: null, employeeId: null, bonus: null, forecast: null, gap: 750, behind: true });
  });

  it('serves the three pages\' queries, each a subset of the members it reads', () => {
    const read = new Set(Object.keys(FULL('1', '1', '1', '1')));
    for (const q of [buildCompletionQuery('2026-11'), buildCampaignCompletionQuery('夏促'), buildStaffCompletionQuery('2026-11', { team: '一队' })]) {
      for (const member of [...q.measures!, ...q.dimensions!]) expect(read, member).toContain(member);
    }
  });
});
