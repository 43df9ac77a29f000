import { describe, expect, it } from 'vitest';
import { buildStaffCompletionQuery } from '../../../../web/src/features/staff/completion/completion-panel.tsx';

describe('completion on /staff', () => {
  const filters = (scope: Parameters<typeof buildStaffCompletionQuery>[1]) => buildStaffCompletionQuery('2026-11', scope).filters;
  it('reads one employee, a team\'s employees, or the teams\' own targets of the as-of month', () => {
    const period = { member: 'target_completion.period', operator: 'equals', values: ['2026-11'] };
    expect(filters({ employeeId: 7 })).toEqual([period, { member: 'target_completion.employee_id', operator: 'equals', values: ['7'] }]);
    expect(filters({ team: '一队' })).toEqual([period, { member: 'target_completion.team', operator: 'equals', values: ['一队'] },
      { member: 'target_completion.level', operator: 'equals', values: ['employee'] }]);
    expect(filters({})).toEqual([period, { member: 'target_completion.level', operator: 'equals', values: ['team'] }]);
  });
});
