/** The app server's target endpoints (cube/gateway/targets.ts), as the page calls them. */
export interface TargetChange {
  id: number;
  metric: string;
  employee: string | null;
  team: string | null;
  oldValue: string | null;
  newValue: string | null;
  changedBy: string;
  changedAt: string;
  source: 'page' | 'csv' | 'seed';
}

/** A team's target beside its employees' sum (cube/gateway/target-rules.ts). */
export interface TeamSumWarning {
  period: string;
  metric: string;
  team: string;
  teamTarget: number;
  employeesSum: number;
  /** above: the employees' targets add up to more than the team's; differs: to less. */
  kind: 'above' | 'differs';
  /** The same in a sentence, for readers of the API (the page words it in the reader's language). */
  message: string;
}

export class TargetApiError extends Error {
  constructor(readonly status: number, message: string, readonly problems: Array<{ line: number; message: string }> = []) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: 'same-origin', headers: init.body ? { 'Content-Type': 'application/json' } : undefined });
  } catch {
    throw new TargetApiError(0, 'network');
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string; problems?: Array<{ line: number; message: string }> };
  if (!response.ok) throw new TargetApiError(response.status, body.error ?? response.statusText, body.problems ?? []);
  return body as T;
}

export const targetApi = {
  targets: (period: string) => call<{ warnings: TeamSumWarning[] }>(`/api/targets?period=${encodeURIComponent(period)}`),
  changes: (period: string) => call<{ changes: TargetChange[] }>(`/api/targets/changes?period=${encodeURIComponent(period)}`),
  set: (body: { period: string; metric: string; employeeId?: number; teamId?: number; value: string }) =>
    call<{ changed: boolean; warnings: TeamSumWarning[] }>('/api/targets', { method: 'PUT', body: JSON.stringify(body) }),
  importCsv: (csv: string) =>
    call<{ lines: number; changed: number; warnings: TeamSumWarning[] }>('/api/targets/import', { method: 'POST', body: JSON.stringify({ csv }) }),
  exportUrl: (period: string) => `/api/targets/export?period=${encodeURIComponent(period)}`,
};
