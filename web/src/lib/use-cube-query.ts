/**
 * Runs a Cube query: re-runs only when the query changes deeply, drops the
 * answers of queries that were superseded, and reports loading, error or data.
 * A 401 ends the session so the page sends the person to the login form.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ResultSet } from '@cubejs-client/core';
import { cubeApi, withTimeZone, type Query } from './cube.ts';
import { stableKey } from './stable-key.ts';
import { useSession } from './session.tsx';

export interface CubeQueryState {
  resultSet: ResultSet | null;
  isLoading: boolean;
  error: Error | null;
  refetch(): void;
}

export function useCubeQuery(query: Query | null): CubeQueryState {
  const { expire } = useSession();
  const key = query ? stableKey(query) : null;
  const [state, setState] = useState<Omit<CubeQueryState, 'refetch'>>({ resultSet: null, isLoading: query !== null, error: null });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (!key) {
      setState({ resultSet: null, isLoading: false, error: null });
      return;
    }
    const id = ++latest.current;
    const controller = new AbortController();
    setState((s) => ({ ...s, isLoading: true, error: null }));
    cubeApi.load(withTimeZone(JSON.parse(key) as Query), { signal: controller.signal }).then(
      (resultSet) => {
        if (id === latest.current) setState({ resultSet, isLoading: false, error: null });
      },
      (error: Error & { status?: number }) => {
        if (id !== latest.current || controller.signal.aborted) return;
        if (error.status === 401) expire();
        setState({ resultSet: null, isLoading: false, error });
      },
    );
    return () => controller.abort();
  }, [key, attempt, expire]);

  const refetch = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, refetch };
}
