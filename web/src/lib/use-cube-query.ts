/**
 * `useCubeQuery` of @cubejs-client/react with what the product adds: a null
 * query runs nothing, a 401 ends the session, and rows come as plain objects.
 * The library itself drops the answers of superseded queries (request ids and
 * a mutex per hook) and re-runs only when the query changes deeply.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useCubeQuery as useLibraryCubeQuery } from '@cubejs-client/react';
import type { CubeApi, ResultSet } from '@cubejs-client/core';
import type { Query } from './cube.ts';
import { useSession } from './session.tsx';

export interface CubeQueryState {
  resultSet: ResultSet | null;
  /** `resultSet.rawData()`, or [] before an answer. */
  rows: Array<Record<string, unknown>>;
  isLoading: boolean;
  error: Error | null;
  refetch(): void;
}

const EMPTY: Query = {};

/** `cubeApi`: a client other than the app's (use-session-cube-query.ts: answers kept for the session). */
export function useCubeQuery(query: Query | null, options: { cubeApi?: CubeApi } = {}): CubeQueryState {
  const { expire } = useSession();
  const skip = query === null;
  const result = useLibraryCubeQuery(query ?? EMPTY, { skip, resetResultSetOnChange: true, ...options });
  const error = skip ? null : (result.error as (Error & { status?: number }) | null);
  useEffect(() => {
    if (error?.status === 401) expire();
  }, [error, expire]);
  const resultSet = skip ? null : (result.resultSet as ResultSet | null);
  const rows = useMemo(() => (resultSet ? (resultSet.rawData() as Array<Record<string, unknown>>) : []), [resultSet]);
  const latestRefetch = useRef(result.refetch);
  latestRefetch.current = result.refetch;
  const refetch = useCallback(() => { void latestRefetch.current(); }, []);
  return {
    resultSet,
    rows,
    // Before the library's effect has started the first request it reports nothing: count that as loading.
    isLoading: !skip && (result.isLoading || (!resultSet && !error)),
    error,
    refetch,
  };
}
