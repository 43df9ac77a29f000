/**
 * What the big-screen's tiles share: the refresh tick, the stale rule, and a
 * place to report each live query's latest result, so that the header shows
 * the oldest answer and the stale banner while each tile runs its own query.
 */
import { createContext, useContext, useEffect } from 'react';
import type { Query } from '../../lib/cube.ts';
import { useLiveQuery, type LiveResult } from './use-live.ts';

export interface LiveBoard {
  tick: number;
  /** Stale: the last refresh failed (or the calendar's), or no answer came for two intervals. */
  isStale(r: LiveResult): boolean;
  /** A tile's stale mark (with the time of its oldest stale answer), or null when none of its queries is stale. */
  staleText(...rs: LiveResult[]): string | null;
  /** Called by each tile's query whenever its result changes. */
  report(name: string, r: LiveResult): void;
}

const LiveBoardContext = createContext<LiveBoard | null>(null);

export const LiveBoardProvider = LiveBoardContext.Provider;

export function useLiveBoard(): LiveBoard {
  const board = useContext(LiveBoardContext);
  if (!board) throw new Error('a big-screen tile outside the big-screen');
  return board;
}

/** A tile's own live query, named as in page-queries.ts, re-run on each tick and reported to the board. */
export function useTileQuery(name: string, query: Query | null): LiveResult {
  const { tick, report } = useLiveBoard();
  const result = useLiveQuery(query, tick);
  useEffect(() => report(name, result), [name, result.rows, result.at, result.failed, report]);
  return result;
}
