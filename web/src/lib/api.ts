/** Calls to the app server's own JSON endpoints. */
export interface Me {
  username: string;
  role: 'executive' | 'operator' | 'manager' | 'staff' | 'admin';
  employeeId: number | null;
  teamId: number | null;
  displayName: string;
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
  logout: () => call<{ ok: boolean }>('/api/logout', { method: 'POST', body: '{}' }),
};
