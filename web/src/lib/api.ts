/** Calls to the app server's own JSON endpoints. */
export interface Me {
  username: string;
  role: 'executive' | 'operator' | 'manager' | 'staff' | 'admin';
  employeeId: number | null;
  teamId: number | null;
  /** The team's name (managers and staff), as the pages' team filter names it. */
  teamName: string | null;
  displayName: string;
  /** What "today" means for the data (YYYY-MM-DD). */
  asOf: string;
  /** The business time zone the server applies to every query. */
  timeZone: string;
  /** The session's token for the form posts (the CSV export). */
  csrfToken: string;
}

/** One metric of `GET /api/peer-comparison`: the employee's value beside the team's. */
export interface PeerMetric {
  id: string;
  value: string | null;
  teamAverage: string | null;
  rank: number | null;
}

export interface PeerComparison {
  employeeId: number;
  teamId: number | null;
  teamSize: number;
  metrics: PeerMetric[];
}

/** One customer on today's list (`GET /api/today`): why, and whose. */
export interface TodayRow {
  customer: number;
  name: string | null;
  /** Masked, as everywhere; the owner reveals it with `revealPhone`. */
  phone: string | null;
  trigger: 'birthday_soon' | 'booked_not_arrived' | 'high_value_slipping' | 'first_order_follow_up';
  reason: string | null;
  ownerId: number | null;
  owner: string | null;
  /** The owner's team (docs/architecture.md, "Names"). */
  ownerTeam: string | null;
}

export interface TodayList {
  rows: TodayRow[];
  contactedToday: number;
  truncated: boolean;
  backlog: Array<{ ownerId: number | null; owner: string | null; ownerTeam: string | null; customers: number }>;
}

export type ContactChannel = 'call' | 'wecom_chat' | 'visit';
export type ContactOutcome = 'reached' | 'no_answer' | 'booked' | 'declined';

/** One problem or warning of an import's report (cube/import/run.ts), its reason in both languages. */
export interface ImportProblem {
  file: string;
  line: number | null;
  column: string | null;
  value: string | null;
  reason: { zh: string; en: string };
}

export interface ImportReport {
  result: 'imported' | 'checked' | 'refused';
  files: Array<{ file: string; entity: string; encoding: string; rows: number }>;
  entities: Record<string, { rows: number; inserted: number; updated: number; unchanged: number }>;
  problems: ImportProblem[];
  warnings: ImportProblem[];
  merges: Array<{ code: string; into: string; reason: { zh: string; en: string } }>;
  asOf: string | null;
}

export interface ImportRun {
  id: number;
  started_at: string;
  username: string;
  source: 'cli' | 'web';
  checkOnly: boolean;
  files: ImportReport['files'];
  entities: ImportReport['entities'];
  merges: number;
  problems: number;
  result: 'imported' | 'checked' | 'refused' | 'failed';
}

/** A saved view (`/api/views`): a page and its URL state under a name; `token` makes its share link. */
export interface SavedView {
  id: number;
  name: string;
  page: string;
  state: string;
  token: string;
  createdAt: string;
  updatedAt: string;
}

/** What a share link gives: the page and its filters, and who shared it (never data: the follower queries as themselves). */
export interface SharedView {
  name: string;
  page: string;
  state: string;
  sharedBy: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      credentials: 'same-origin',
      headers: init.body ? { 'Content-Type': 'application/json' } : undefined,
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? response.statusText);
  return body as T;
}

export const api = {
  me: () => call<Me>('/api/me'),
  login: (username: string, password: string) =>
    call<Me>('/api/login', { method: 'POST', body: JSON.stringify({ username, password }) }),
  /** Without a range: all time, as the team table without one. */
  peerComparison: (employee: number, range: [string, string] | null) =>
    call<PeerComparison>(`/api/peer-comparison?${new URLSearchParams({ employee: String(employee), ...(range ? { from: range[0], to: range[1] } : {}) }).toString()}`),
  today: () => call<TodayList>('/api/today'),
  revealPhone: (customer: number) => call<{ customer: number; phone: string }>(`/api/customers/${customer}/phone`, { method: 'POST', body: '{}' }),
  /** `idempotencyKey` once per save: a double click or a retry writes one follow-up. */
  recordContact: (customer: number, contact: { channel: ContactChannel; outcome: ContactOutcome; note?: string; idempotencyKey: string }) =>
    call<{ followUp: number; created: boolean }>(`/api/customers/${customer}/contacts`, { method: 'POST', body: JSON.stringify(contact) }),
  views: () => call<{ views: SavedView[] }>('/api/views'),
  saveView: (view: { name: string; page: string; state: string }) => call<SavedView>('/api/views', { method: 'POST', body: JSON.stringify(view) }),
  renameView: (id: number, name: string) => call<SavedView>(`/api/views/${id}`, { method: 'PATCH', body: JSON.stringify({ name }) }),
  deleteView: (id: number) => call<Record<string, never>>(`/api/views/${id}`, { method: 'DELETE' }),
  sharedView: (token: string) => call<SharedView>(`/api/views/shared/${encodeURIComponent(token)}`),
  logout: () => call<{ ok: boolean }>('/api/logout', { method: 'POST', body: '{}' }),
  /** Files as base64; `check`: report without writing (the CLI's --check). */
  importFiles: (files: Array<{ name: string; content: string }>, check: boolean) =>
    call<ImportReport>('/api/admin/import', { method: 'POST', body: JSON.stringify({ files, check }) }),
  importRuns: () => call<{ runs: ImportRun[] }>('/api/admin/imports'),
};
