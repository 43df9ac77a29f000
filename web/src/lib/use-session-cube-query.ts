/**
 * `useCubeQuery` whose answers are kept for the person's session
 * (lib/session-answers.ts): for the few lists every page asks for and that
 * hardly change (the filter bar's options).
 *
 * A thin wrap on purpose: the library's hook still runs the request and
 * reports loading, errors and the answer, as for every other tile; only the
 * client it is given differs, one whose `load` goes through the session's
 * store (@cubejs-client/react's `cubeApi` option). The library has no
 * client-side cache of its own (its `cache` option is Cube's server-side
 * policy), and a store outside the components is what lets the next page,
 * mounted after this one is gone, reuse the answer (or the request still in
 * flight) instead of asking again.
 */
import { useCallback, useMemo } from 'react';
import type { CubeApi, LoadMethodOptions } from '@cubejs-client/core';
import { cubeApi, type Query } from './cube.ts';
import { scopeKey, sessionAnswers } from './session-answers.ts';
import { useSession } from './session.tsx';
import { useCubeQuery, type CubeQueryState } from './use-cube-query.ts';

/** The app's client, its `load` answered from the store of `scope` (useCubeQuery calls nothing else without `subscribe`). */
function sessionClient(scope: string): CubeApi {
  const client = Object.create(cubeApi) as CubeApi;
  const load = (query: Query, options?: LoadMethodOptions) =>
    // No mutex: a shared request must reach every hook waiting on it; each hook still drops its own superseded answers.
    sessionAnswers.load(scope, query, () => cubeApi.load(query, { castNumerics: options?.castNumerics }));
  client.load = load as CubeApi['load'];
  return client;
}

/** `query` should keep its identity between renders (useMemo): it keys the retry. */
export function useSessionCubeQuery(query: Query): CubeQueryState {
  const { me } = useSession();
  const scope = me ? scopeKey(me) : null;
  const client = useMemo(() => (scope === null ? undefined : sessionClient(scope)), [scope]);
  const state = useCubeQuery(client ? query : null, { cubeApi: client });
  const { refetch } = state;
  // A retry asks Cube again rather than the store.
  const retry = useCallback(() => { sessionAnswers.forget(query); refetch(); }, [query, refetch]);
  return { ...state, refetch: retry };
}
