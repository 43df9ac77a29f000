import { useEffect, useState } from 'react';
import { api, ApiError, type PeerComparison } from '../../../lib/api.ts';
import type { DateRange } from '../../../lib/date-range.ts';

export type PeerState = { status: 'loading' } | { status: 'ok'; data: PeerComparison } | { status: 'unavailable' };

/** GET /api/peer-comparison; a 404 (not built yet) or any failure means "own values only". */
export function usePeerComparison(employeeId: number, range: DateRange | null): PeerState {
  const [state, setState] = useState<PeerState>({ status: 'loading' });
  const [from, to] = range ?? [null, null];
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    api.peerComparison(employeeId, from && to ? [from, to] : null).then(
      (data) => { if (live) setState(Array.isArray(data.metrics) ? { status: 'ok', data } : { status: 'unavailable' }); },
      (e: unknown) => { if (live) setState(e instanceof ApiError || e instanceof Error ? { status: 'unavailable' } : { status: 'unavailable' }); },
    );
    return () => { live = false; };
  }, [employeeId, from, to]);
  return state;
}
