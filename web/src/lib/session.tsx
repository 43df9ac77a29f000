import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, type Me } from './api.ts';
import { sessionAnswers } from './session-answers.ts';

interface Session {
  me: Me | null;
  checking: boolean;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  /** Called when the server answers 401: the session ended elsewhere. */
  expire(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);

  useEffect(() => {
    let live = true;
    api.me().then(
      (m) => { if (live) setMe(m); },
      (e: unknown) => { if (live && !(e instanceof ApiError && e.status === 401)) setMe(null); },
    ).finally(() => { if (live) setChecking(false); });
    return () => { live = false; };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const m = await api.login(username, password);
    // Another person's kept answers are never shown (the store is keyed by person too).
    sessionAnswers.clear();
    setMe(m);
    return m;
  }, []);
  const logout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    sessionAnswers.clear();
    setMe(null);
  }, []);
  const expire = useCallback(() => { sessionAnswers.clear(); setMe(null); }, []);

  const value = useMemo(() => ({ me, checking, login, logout, expire }), [me, checking, login, logout, expire]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
