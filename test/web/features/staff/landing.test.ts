import { describe, expect, it } from 'vitest';
import { showsTeamBoard, staffLanding } from '../../../../web/src/features/staff/landing.ts';

describe('where /staff opens', () => {
  const manager = { role: 'manager' as const, teamName: '华东一组' };
  it('a manager lands on their own team\'s employees, in the URL, filters kept', () => {
    expect(staffLanding(manager, new URLSearchParams('range=this_month'))?.toString()).toBe(new URLSearchParams({ range: 'this_month', team: '华东一组' }).toString());
    expect(showsTeamBoard(manager)).toBe(false);
  });
  it('stays where the URL already points, and leaves other roles on the leaderboard', () => {
    expect(staffLanding(manager, new URLSearchParams('team=华东二组'))).toBeNull();
    expect(staffLanding(manager, new URLSearchParams('employee=7'))).toBeNull();
    expect(staffLanding({ role: 'executive', teamName: null }, new URLSearchParams())).toBeNull();
    expect(staffLanding({ role: 'manager', teamName: null }, new URLSearchParams())).toBeNull();
    expect(showsTeamBoard({ role: 'executive', teamName: null })).toBe(true);
    expect(showsTeamBoard({ role: 'manager', teamName: null })).toBe(true);
  });
});
