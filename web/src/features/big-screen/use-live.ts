/**
 * Live data for a screen that stays up for days: a refresh tick, a query that
 * re-runs on each tick and keeps its last good rows through loading and
 * failures, and the business calendar (as-of, time zone) re-read each tick.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Me } from '../../lib/api.ts';
import type { Query } from '../../lib/cube.ts';
import { stableKey } from '../../lib/stable-key.ts';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { useSession } from '../../lib/session.tsx';
import type { Row } from './transform.ts';

/** A counter that goes up every `seconds`; one timer, cleared on unmount. */
export function useRefreshTick(seconds: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), seconds * 1000);
    return () => window.clearInterval(timer);
  }, [seconds]);
  return tick;
}

/** The time now, once a second, for the clock and the stale check. */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

export interface LiveResult {
  /** The last rows that arrived for this query, or null before the first answer. */
  rows: readonly Row[] | null;
  /** When they arrived (ms since epoch). */
  at: number | null;
  /** The latest attempt failed; `rows` are from `at`. */
  failed: boolean;
}

interface Good {
  key: string;
  rows: readonly Row[];
  at: number;
}

/** Roles the app server lets ask Cube past its cache (cube/gateway/query-admission.ts). */
const RENEWING_ROLES: ReadonlySet<string> = new Set(['executive', 'operator', 'admin']);

/**
 * A Cube query that re-runs on every tick. Between answers, and after a
 * failed one, the previous rows stay: the screen never goes blank.
 * For the roles allowed to, each run asks with `renewQuery`: Cube then waits
 * for a data version older than its 2-s refresh period (and for a rollup
 * rebuilt after a change) instead of answering from its cache and renewing in
 * the background for the next tick, which cost a whole tick of the
 * big-screen's freshness under load.
 */
export function useLiveQuery(query: Query | null, tick: number): LiveResult {
  const key = query ? stableKey(query) : null;
  const { me } = useSession();
  const renew = me !== null && RENEWING_ROLES.has(me.role);
  // Keyed on the query's content, as the library compares queries deeply.
  const asked = useMemo(() => (query && renew ? { ...query, renewQuery: true } : query), [key, renew]);
  const { resultSet, isLoading, error, refetch } = useCubeQuery(asked);
  const [good, setGood] = useState<Good | null>(null);
  const [failed, setFailed] = useState(false);
  const seenTick = useRef(tick);

  useEffect(() => {
    if (seenTick.current === tick) return;
    seenTick.current = tick;
    refetch();
  }, [tick, refetch]);

  useEffect(() => {
    if (!key || isLoading) return;
    if (error) {
      setFailed(true);
      return;
    }
    if (resultSet) {
      setGood({ key, rows: resultSet.rawData() as Row[], at: Date.now() });
      setFailed(false);
    }
  }, [key, resultSet, isLoading, error]);

  // The answers of another campaign are not this one's.
  const current = good && good.key === key ? good : null;
  return { rows: current?.rows ?? null, at: current?.at ?? null, failed };
}

export interface BusinessCalendar {
  asOf: string | null;
  timeZone: string;
  at: number | null;
  failed: boolean;
}

/**
 * As-of and the business time zone from `GET /api/me`, re-read on every
 * tick: in the live demo as-of moves to the next day at midnight.
 */
export function useBusinessCalendar(tick: number, initialTimeZone: string, initialAsOf: string | null): BusinessCalendar {
  const [state, setState] = useState<BusinessCalendar>({ asOf: initialAsOf, timeZone: initialTimeZone, at: null, failed: false });
  useEffect(() => {
    let live = true;
    api.me().then(
      (me) => {
        const m = me as Partial<Me>;
        if (!live) return;
        setState((s) => {
          const asOf = typeof m.asOf === 'string' ? m.asOf.slice(0, 10) : s.asOf;
          const timeZone = typeof m.timeZone === 'string' && m.timeZone ? m.timeZone : s.timeZone;
          return { asOf, timeZone, at: Date.now(), failed: false };
        });
      },
      () => { if (live) setState((s) => ({ ...s, failed: true })); },
    );
    return () => { live = false; };
  }, [tick]);
  return state;
}
