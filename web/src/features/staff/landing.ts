/**
 * Where /staff opens. A manager's scope is one team: the team leaderboard
 * would be a chart with one bar, so the page opens on the team's employees
 * (the team put in the URL, so the address says what is shown and can be
 * shared). Everyone else starts on the leaderboard. Pure.
 */
import type { Me } from '../../lib/api.ts';

/** The URL to replace the bare /staff with, or null to stay. */
export function staffLanding(me: Pick<Me, 'role' | 'teamName'>, params: URLSearchParams): URLSearchParams | null {
  if (me.role !== 'manager' || !me.teamName || params.has('team') || params.has('employee')) return null;
  const next = new URLSearchParams(params);
  next.set('team', me.teamName);
  return next;
}

/** The leaderboard of teams is worth showing only to a role that sees more than one team (a manager sees their own). */
export function showsTeamBoard(me: Pick<Me, 'role' | 'teamName'>): boolean {
  return me.role !== 'manager' || !me.teamName;
}
