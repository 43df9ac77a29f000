/** `GET /api/contests` (cube/gateway/contests.ts): each running contest's leaderboard. */
export interface ContestStanding {
  id: number;
  name: string;
  rank: number;
  values: Array<number | null>;
  prize: string | null;
}

export interface ContestBoard {
  id: number;
  name: string;
  period: string;
  from: string | null;
  to: string | null;
  metrics: string[];
  scope: 'employees' | 'teams';
  tieRule: 'next_metric_then_id' | 'shared_rank';
  prizes: string[];
  standings: ContestStanding[];
}

export async function fetchContests(): Promise<ContestBoard[]> {
  const response = await fetch('/api/contests', { credentials: 'same-origin' });
  const body = (await response.json().catch(() => ({}))) as { contests?: ContestBoard[]; error?: string };
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body.contests ?? [];
}
