import { describe, expect, it } from 'vitest';
import { MAX_AGE_MS, scopeKey, SessionAnswers, type ScopeOwner } from '../../../web/src/lib/session-answers.ts';
import { buildFilterOptionsQuery } from '../../../web/src/lib/filters.ts';

const MANAGER: ScopeOwner = { username: 'manager', role: 'manager', teamId: 1, employeeId: 11, asOf: '2026-11-20' };
const OTHER_MANAGER: ScopeOwner = { username: 'manager2', role: 'manager', teamId: 2, employeeId: 21, asOf: '2026-11-20' };
const EXEC: ScopeOwner = { username: 'exec', role: 'executive', teamId: null, employeeId: null, asOf: '2026-11-20' };

/** A store on a clock the test moves, and a server that answers each ask with who asked and a count. */
function setUp() {
  let now = 1_000_000;
  const store = new SessionAnswers<string>(MAX_AGE_MS, () => now);
  const asked: string[] = [];
  const ask = (who: ScopeOwner) => () => { asked.push(who.username); return Promise.resolve(`${who.username}'s teams #${asked.length}`); };
  return { store, asked, ask, tick: (ms: number) => { now += ms; } };
}

describe('answers kept for a session', () => {
  const teams = buildFilterOptionsQuery('team');

  it('asks a list once for the same person, across pages, and shares a request still in flight', async () => {
    const { store, asked, ask } = setUp();
    const first = store.load(scopeKey(MANAGER), teams, ask(MANAGER));
    const meanwhile = store.load(scopeKey(MANAGER), teams, ask(MANAGER));
    expect(await first).toBe("manager's teams #1");
    expect(await meanwhile).toBe("manager's teams #1");
    // The next page builds the same query anew (another object, keys in another order).
    expect(await store.load(scopeKey(MANAGER), { order: teams.order, dimensions: [...teams.dimensions] }, ask(MANAGER))).toBe("manager's teams #1");
    expect(asked).toEqual(['manager']);
    // Another list is its own entry.
    await store.load(scopeKey(MANAGER), buildFilterOptionsQuery('channel'), ask(MANAGER));
    expect(asked).toEqual(['manager', 'manager']);
  });

  it('never gives one person the lists kept for another', async () => {
    const { store, asked, ask } = setUp();
    expect(await store.load(scopeKey(MANAGER), teams, ask(MANAGER))).toBe("manager's teams #1");
    // Another login in the same tab, without a logout in between.
    expect(await store.load(scopeKey(OTHER_MANAGER), teams, ask(OTHER_MANAGER))).toBe("manager2's teams #2");
    expect(await store.load(scopeKey(EXEC), teams, ask(EXEC))).toBe("exec's teams #3");
    // Back to the first: asked again (one scope is kept at a time).
    expect(await store.load(scopeKey(MANAGER), teams, ask(MANAGER))).toBe("manager's teams #4");
    expect(asked).toEqual(['manager', 'manager2', 'exec', 'manager']);
  });

  it('keys by the whole scope: the same name in another role or team, or the next data day, asks again', () => {
    const keys = new Set([
      scopeKey(MANAGER),
      scopeKey({ ...MANAGER, role: 'staff' }),
      scopeKey({ ...MANAGER, teamId: 2 }),
      scopeKey({ ...MANAGER, employeeId: 12 }),
      scopeKey({ ...MANAGER, asOf: '2026-11-21' }),
    ]);
    expect(keys.size).toBe(5);
    expect(scopeKey({ ...MANAGER })).toBe(scopeKey(MANAGER));
  });

  it('asks again once the answer is older than the bound, after a failure, after a retry and after clear()', async () => {
    const { store, ask, tick } = setUp();
    const scope = scopeKey(EXEC);
    await store.load(scope, teams, ask(EXEC));
    tick(MAX_AGE_MS - 1);
    expect(await store.load(scope, teams, ask(EXEC))).toBe("exec's teams #1");
    tick(1);
    expect(await store.load(scope, teams, ask(EXEC))).toBe("exec's teams #2");

    const failing = store.load(scope, buildFilterOptionsQuery('campaign'), () => Promise.reject(new Error('503')));
    await expect(failing).rejects.toThrow('503');
    expect(await store.load(scope, buildFilterOptionsQuery('campaign'), ask(EXEC))).toBe("exec's teams #3");

    store.forget(teams);
    expect(await store.load(scope, teams, ask(EXEC))).toBe("exec's teams #4");
    store.clear();
    expect(await store.load(scope, teams, ask(EXEC))).toBe("exec's teams #5");
  });
});
