import { describe, expect, it } from 'vitest';
import { FairQueue, type FairQueueLimits } from '../../../cube/gateway/fair-queue.ts';
import { HttpError } from '../../../cube/gateway/http-error.ts';
import { QueryAdmission, DEFAULT_ADMISSION_LIMITS, journeyDaysOf } from '../../../cube/gateway/query-admission.ts';

const LIMITS: FairQueueLimits = { slots: 4, perPerson: 2, queuePerPerson: 10, waitMs: 5_000, holdMs: 5_000, heavySlots: 4, heavyPerPerson: 2 };

/** A piece of work the test finishes by hand, recording when it started. */
function gate(log: string[], name: string): { work: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  return { work: async () => { log.push(name); await done; return name; }, finish };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('fair queue', () => {
  it('runs at most perPerson of one person at once, and serves people in turn', async () => {
    const q = new FairQueue({ ...LIMITS, slots: 3 });
    const started: string[] = [];
    const a = Array.from({ length: 6 }, (_, i) => gate(started, `a${i}`));
    const aRuns = a.map((g, i) => q.run('a', `qa${i}`, g.work));
    await tick();
    // Two of a's at once, not three, though a slot is free.
    expect(started).toEqual(['a0', 'a1']);
    const b = [gate(started, 'b0'), gate(started, 'b1'), gate(started, 'b2')];
    const bRuns = b.map((g, i) => q.run('b', `qb${i}`, g.work));
    await tick();
    // b takes the free slot at once; all three slots are now busy.
    expect(started).toEqual(['a0', 'a1', 'b0']);
    expect(q.state()).toMatchObject({ running: 3, waiting: 6 });
    a[0]!.finish();
    await tick();
    // The free slot goes to whoever's turn it is: a (waiting longer), then b, then a...
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2']);
    a[1]!.finish();
    await tick();
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2', 'b1']);
    b[0]!.finish();
    await tick();
    // b's turn again would be next, but a has a queued one and its turn came first.
    expect(started.slice(5)).toEqual(['a3']);
    for (const g of [...a, ...b]) g.finish();
    await Promise.all([...aRuns, ...bRuns]);
    expect(started).toHaveLength(9);
    expect(q.state()).toEqual({ running: 0, heavy: 0, waiting: 0, people: {} });
  });

  it('refuses a query past the person\'s queue with 429 and Retry-After, others unaffected', async () => {
    const q = new FairQueue({ ...LIMITS, perPerson: 1, queuePerPerson: 2 });
    const started: string[] = [];
    const gates = Array.from({ length: 3 }, (_, i) => gate(started, `a${i}`));
    const runs = gates.map((g, i) => q.run('a', `q${i}`, g.work));
    const refused = await q.run('a', 'q3', async () => 'never').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 429, headers: { 'Retry-After': '5' } });
    expect((refused as HttpError).message).toMatch(/already have 3 queries running or waiting/);
    // Someone else is served at once.
    expect(await q.run('b', 'q0', async () => 'b')).toBe('b');
    for (const g of gates) g.finish();
    expect(await Promise.all(runs)).toEqual(['a0', 'a1', 'a2']);
  });

  it('gives up on a query that waited longer than waitMs with 503 and Retry-After', async () => {
    const q = new FairQueue({ ...LIMITS, perPerson: 1, waitMs: 50 });
    const started: string[] = [];
    const first = gate(started, 'a0');
    const running = q.run('a', 'q0', first.work);
    const waited = await q.run('a', 'q1', async () => 'late').catch((e: unknown) => e);
    expect(waited).toMatchObject({ status: 503, headers: { 'Retry-After': '10' } });
    expect((waited as HttpError).message).toMatch(/busy: your query waited 0 s|busy: your query waited/);
    first.finish();
    await running;
    // The slot given up did not leak: the person can run one again.
    expect(await q.run('a', 'q2', async () => 'ok')).toBe('ok');
    expect(q.state().running).toBe(0);
  });

  it('keeps the slot of a query Cube is still running until the same query is asked again', async () => {
    const q = new FairQueue({ ...LIMITS, perPerson: 1, holdMs: 60_000 });
    const continueWait = (r: string): boolean => r === 'Continue wait';
    expect(await q.run('a', 'heavy', async () => 'Continue wait', continueWait)).toBe('Continue wait');
    expect(q.state().people.a).toEqual({ running: 1, heavy: 0, waiting: 0, held: 1 });
    // Another query of a's waits: the heavy one still holds a's only slot.
    const started: string[] = [];
    const other = q.run('a', 'light', async () => { started.push('light'); return 'light'; });
    await tick();
    expect(started).toEqual([]);
    // Asking for the heavy one again reuses its slot; its answer frees it.
    expect(await q.run('a', 'heavy', async () => 'rows', continueWait)).toBe('rows');
    expect(await other).toBe('light');
    expect(q.state()).toEqual({ running: 0, heavy: 0, waiting: 0, people: {} });
  });

  it('lets a held slot go when the browser never asks again', async () => {
    const q = new FairQueue({ ...LIMITS, perPerson: 1, holdMs: 30 });
    await q.run('a', 'gone', async () => 'Continue wait', (r) => r === 'Continue wait');
    expect(q.state().running).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(q.state()).toEqual({ running: 0, heavy: 0, waiting: 0, people: {} });
  });
});

describe('query admission', () => {
  const staff = { username: 'staff', role: 'staff' as const };
  const journey = (from: string, to: string): Record<string, unknown> => ({
    measures: ['journey_flows.customers'],
    filters: [
      { member: 'journey_flows.from_date', operator: 'equals', values: [from] },
      { member: 'journey_flows.to_date', operator: 'equals', values: [to] },
    ],
  });

  it('refuses renewQuery for staff and managers, not for executives and operators', () => {
    const admission = new QueryAdmission();
    const renew = { measures: ['sales_overview.gmv'], renewQuery: true };
    for (const role of ['staff', 'manager'] as const) {
      const refused = (() => { try { admission.check({ username: role, role }, renew); } catch (e) { return e; } return null; })();
      expect(refused).toMatchObject({ status: 403 });
      expect((refused as Error).message).toMatch(/may not force a query past the cache/);
      // In a list of queries too.
      expect(() => admission.check({ username: role, role }, [{ measures: ['sales_overview.gmv'] }, renew])).toThrow(HttpError);
      expect(() => admission.check({ username: role, role }, { ...renew, renewQuery: false })).not.toThrow();
    }
    for (const role of ['executive', 'operator', 'admin'] as const) expect(() => admission.check({ username: role, role }, renew)).not.toThrow();
  });

  it('reads the journey days of a query', () => {
    expect(journeyDaysOf(journey('2026-10-01', '2026-11-20'))).toEqual(['2026-10-01', '2026-11-20']);
    expect(journeyDaysOf([journey('2026-10-01', '2026-11-20'), journey('2026-09-01', '2026-11-20')]))
      .toEqual(['2026-10-01', '2026-11-20', '2026-09-01']);
    expect(journeyDaysOf({ measures: ['sales_overview.gmv'] })).toEqual([]);
  });

  it('lets one person have at most journeyDays different days classified per window', () => {
    let now = 0;
    const admission = new QueryAdmission({ ...DEFAULT_ADMISSION_LIMITS, journeyDays: 4, journeyWindowMs: 600_000 }, () => now);
    admission.check(staff, journey('2026-10-01', '2026-11-20'));
    now += 1000;
    admission.check(staff, journey('2026-09-01', '2026-11-20'));
    admission.check(staff, journey('2026-08-01', '2026-10-01'));
    // Four days so far; asking for them again costs nothing.
    admission.check(staff, journey('2026-08-01', '2026-09-01'));
    let refused: unknown = null;
    try {
      admission.check(staff, journey('2026-07-01', '2026-11-20'));
    } catch (e) {
      refused = e;
    }
    // Every day was last asked for at 1 s (asking again renews it): they leave the window at 601 s.
    expect(refused).toMatchObject({ status: 429, headers: { 'Retry-After': '600' } });
    expect((refused as Error).message).toMatch(/compared 4 different days in the last 10 minutes.*try again in 10 minute/);
    // Someone else is not charged for it.
    admission.check({ username: 'manager', role: 'manager' }, journey('2026-07-01', '2026-11-20'));
    // The peer comparison's team queries count as the person's own.
    expect(() => admission.check({ username: 'staff#team', role: 'manager' }, journey('2026-06-01', '2026-11-20'))).toThrow(HttpError);
    // Once the first days leave the window, new ones are allowed.
    now = 600_999;
    expect(() => admission.check(staff, journey('2026-07-01', '2026-11-20'))).toThrow(HttpError);
    now = 601_000;
    admission.check(staff, journey('2026-07-01', '2026-11-20'));
  });
});

describe('the heavy lane', () => {
  it('runs one heavy query of a person at a time while light ones pass, and keeps heavySlots for everyone', async () => {
    const q = new FairQueue({ ...LIMITS, slots: 6, perPerson: 3, heavySlots: 2, heavyPerPerson: 1 });
    const started: string[] = [];
    const h = [gate(started, 'h0'), gate(started, 'h1')];
    const hRuns = h.map((g, i) => q.run('staff', `h${i}`, g.work, () => false, true));
    await tick();
    // The person's second heavy query waits behind the first.
    expect(started).toEqual(['h0']);
    // Their own light query, and another person's, pass it.
    const l = gate(started, 'l0');
    const lRun = q.run('staff', 'l0', l.work);
    const o = gate(started, 'o0');
    const oRun = q.run('exec', 'o0', o.work);
    await tick();
    expect(started).toEqual(['h0', 'l0', 'o0']);
    // Another person's heavy query runs beside (2 heavy slots), a third person's waits for one.
    const x = gate(started, 'x0');
    const xRun = q.run('ops', 'x0', x.work, () => false, true);
    const y = gate(started, 'y0');
    const yRun = q.run('admin', 'y0', y.work, () => false, true);
    await tick();
    expect(started).toEqual(['h0', 'l0', 'o0', 'x0']);
    expect(q.state()).toMatchObject({ running: 4, heavy: 2, waiting: 2 });
    // A heavy one done: the next heavy one in turn starts (people in turn: staff's second waited longer than admin's).
    h[0]!.finish();
    await tick();
    expect(started).toEqual(['h0', 'l0', 'o0', 'x0', 'h1']);
    x.finish();
    await tick();
    expect(started).toEqual(['h0', 'l0', 'o0', 'x0', 'h1', 'y0']);
    for (const g of [h[1]!, l, o, y]) g.finish();
    await Promise.all([...hRuns, lRun, oRun, xRun, yRun]);
    expect(q.state()).toEqual({ running: 0, heavy: 0, waiting: 0, people: {} });
  });
});
