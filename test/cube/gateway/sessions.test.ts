import { describe, expect, it } from 'vitest';
import type { Account } from '../../../cube/gateway/accounts.ts';
import { SessionStore } from '../../../cube/gateway/sessions.ts';

const exec: Account = { username: 'exec', role: 'executive', employeeId: null, teamId: null, displayName: 'x' };

describe('sessions', () => {
  it('end after twelve idle hours, stay while used (up to 30 days), and end on logout', async () => {
    let now = 0;
    const store = new SessionStore(() => now);
    const id = store.create(exec);
    expect(await store.get(id)).toEqual(exec);
    now = 12 * 3600 * 1000 - 1;
    expect(await store.get(id)).toEqual(exec);
    // Used just now: another twelve hours from here.
    now += 12 * 3600 * 1000 - 1;
    expect(await store.get(id)).toEqual(exec);
    now += 12 * 3600 * 1000;
    expect(await store.get(id)).toBeNull();
    // A screen that asks every 30 minutes stays logged in until day 30, not after.
    now = 0;
    const tv = store.create(exec);
    for (now = 0; now < 30 * 24 * 3600 * 1000; now += 30 * 60 * 1000) expect(await store.get(tv), `at ${now}`).toEqual(exec);
    expect(await store.get(tv)).toBeNull();
    const other = store.create(exec);
    store.destroy(other);
    expect(await store.get(other)).toBeNull();
    expect(await store.get(undefined)).toBeNull();
  });

  it('re-reads the account after 15 s: a new team applies, a deactivated person loses every session', async () => {
    let now = 0;
    const store = new SessionStore(() => now);
    const staff: Account = { username: 'e7', role: 'staff', employeeId: 7, teamId: 1, displayName: 'y' };
    const a = store.create(staff);
    const b = store.create(staff);
    let current: Account | null = { ...staff, teamId: 2 };
    const load = async (): Promise<Account | null> => current;
    now = 14_999;
    expect((await store.get(a, load))?.teamId).toBe(1);
    now = 15_000;
    expect((await store.get(a, load))?.teamId).toBe(2);
    current = null;
    now = 30_000;
    expect(await store.get(a, load)).toBeNull();
    expect(await store.get(b)).toBeNull();
  });

  it('keeps the last known account while the database cannot answer', async () => {
    let now = 0;
    const store = new SessionStore(() => now);
    const id = store.create(exec);
    now = 60_000;
    expect(await store.get(id, async () => { throw new Error('ECONNREFUSED'); })).toEqual(exec);
  });
});
