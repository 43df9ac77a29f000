import { describe, expect, it } from 'vitest';
import { parsePeerRequest } from '../../../cube/gateway/peer-comparison.ts';
import { HttpError } from '../../../cube/gateway/http-error.ts';

describe('the peer comparison reads the range as the team table does', () => {
  it('a range, or none at all (all time, as the table without one)', () => {
    expect(parsePeerRequest({ employee: '7', from: '2026-08-23', to: '2026-11-20' })).toEqual({ employeeId: 7, from: '2026-08-23', to: '2026-11-20' });
    expect(parsePeerRequest({ employee: '7' })).toEqual({ employeeId: 7, from: null, to: null });
    expect(parsePeerRequest({ employee: '7', from: '', to: '' })).toEqual({ employeeId: 7, from: null, to: null });
  });

  it('refuses half a range, a reversed one and a bad employee in its own words', () => {
    for (const q of [{ employee: '7', from: '2026-08-23' }, { employee: '7', to: '2026-08-23' }, { employee: '7', from: '2026-11-20', to: '2026-08-23' },
      { employee: 'x', from: '2026-08-23', to: '2026-11-20' }, { employee: '7', from: 'bad', to: '2026-11-20' }]) {
      expect(() => parsePeerRequest(q)).toThrow(HttpError);
    }
  });
});
