import { useEffect, useState } from 'react';
import { api, ApiError, type PeerComparison } from '../../../lib/api.ts';
import type { DateRange } from '../../../lib/date-range.ts';

export type PeerState = { status: 'loading' } | { status: 'ok'; data: PeerComparison } | { status: 'unavailable' } | { status: 'not_found' };

/** GET /api/peer-comparison (no range: all time): 404 or 403 means no such employee in the person's scope; any other failure, own values only. */
export function usePeerComparison(employeeId: number, range: DateRange | null): PeerState {
  const [state, setState] = useState<PeerState>({ status: 'loading' });
  const [from, to] = range ?? [null, null];
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    api.peerComparison(employeeId, from && to ? [from, to] : null).then(
      (data) => { if (live) setState(Array.isArray(data.metrics) ? { status: 'ok', data } : { status: 'unavailable' }); },
      (e: unknown) => { if (live) setState(e instanceof ApiError && (e.status === 404 || e.status === 403) ? { status: 'not_found' } : { status: 'unavailable' }); },
    );
    return () => { live = false; };
  }, [employeeId, from, to]);
  return state;
}
