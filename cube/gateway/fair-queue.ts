/**
 * Fair queuing of the queries the app server sends to Cube. Each person may
 * have at most `perPerson` queries in Cube at once (fewer than Cube's query
 * slots, so one person's heavy queries always leave slots to everyone else),
 * and at most `queuePerPerson` more waiting; all people together at most
 * `slots`. When a slot frees, the next query is taken from the people in
 * turn (round robin), not in arrival order, so someone who sent fifty
 * queries does not make a person with one wait behind all fifty.
 *
 * A query Cube is still running when it answers "Continue wait" keeps its
 * slot (`hold`): the browser asks again for the same query, and that asking
 * reuses the slot. A held slot the browser does not come back for within
 * `holdMs` is freed: Cube may still be running that query (until the
 * statement timeout), but its browser has dropped it.
 *
 * Heavy queries (query-cost.ts: they read the facts, not a summary) have a
 * lane of their own inside these slots: at most `heavyPerPerson` of one
 * person's and `heavySlots` of everyone's at once. A person's light query
 * passes their own waiting heavy ones, so one person's heavy queries wait
 * behind each other, and never take the slots the others' tiles need.
 */
import { HttpError } from './http-error.ts';

export interface FairQueueLimits {
  /** Queries in Cube at once, everyone together. */
  slots: number;
  /** Queries in Cube at once, one person. */
  perPerson: number;
  /** Queries one person may have waiting for a slot; more are refused (429). */
  queuePerPerson: number;
  /** How long a query may wait for a slot before it is refused (503). */
  waitMs: number;
  /** How long a slot stays held for a query Cube is still running. */
  holdMs: number;
  /** Heavy queries in Cube at once, everyone together, and one person. */
  heavySlots: number;
  heavyPerPerson: number;
}

export const DEFAULT_FAIR_QUEUE_LIMITS: FairQueueLimits = {
  // Cube runs 6 at once (cube/engine/cube-server.ts QUERY_SLOTS); a few more
  // are admitted so that answers from Cube's cache do not wait for a slot.
  slots: 12,
  perPerson: 3,
  // A page opens with up to about twenty tiles at once.
  queuePerPerson: 40,
  waitMs: 30_000,
  // The browser asks again at once (@cubejs-client re-polls without delay);
  // one that does not within 3 s has dropped the query (a page that changed
  // its query drops the old one), and holding its slot longer would stall
  // the person's next page.
  holdMs: 3_000,
  // Of Cube's 6 slots, 3 are always left to light queries; one person runs one heavy query at a time.
  heavySlots: 3,
  heavyPerPerson: 1,
};

interface Waiter {
  heavy: boolean;
  grant(): void;
  timer: NodeJS.Timeout;
}

interface Person {
  running: number;
  heavy: number;
  waiting: Waiter[];
  /** Slots held for queries Cube is still running, by query key: when each is let go, and its lane. */
  held: Map<string, { timer: NodeJS.Timeout; heavy: boolean }>;
}

export interface QueueState {
  running: number;
  heavy: number;
  waiting: number;
  people: Record<string, { running: number; heavy: number; waiting: number; held: number }>;
}

export class FairQueue {
  private readonly people = new Map<string, Person>();
  private running = 0;
  private heavy = 0;
  /** People with someone waiting, in the order they are next served. */
  private turn: string[] = [];

  constructor(private readonly limits: FairQueueLimits = DEFAULT_FAIR_QUEUE_LIMITS) {}

  /**
   * Runs `work` in one of `person`'s slots. `key` names the query; when
   * `stillRunning(result)` says Cube has not finished it, the slot stays
   * held for that key until the same key is asked for again. `heavy`:
   * the query runs in the heavy lane.
   */
  async run<T>(person: string, key: string, work: () => Promise<T>, stillRunning: (result: T) => boolean = () => false, heavyQuery = false): Promise<T> {
    const p = this.person(person);
    const held = p.held.get(key);
    let heavy = heavyQuery;
    if (held) {
      // The same query asked again: it already has its slot (in the lane it had).
      clearTimeout(held.timer);
      p.held.delete(key);
      heavy = held.heavy;
    } else {
      await this.acquire(person, p, heavy);
    }
    let keep = false;
    try {
      const result = await work();
      keep = stillRunning(result) && !p.held.has(key);
      return result;
    } finally {
      if (keep) p.held.set(key, { timer: setTimeout(() => this.letGo(person, key), this.limits.holdMs).unref(), heavy });
      else this.release(person, p, heavy);
    }
  }

  state(): QueueState {
    const people: QueueState['people'] = {};
    for (const [name, p] of this.people) people[name] = { running: p.running, heavy: p.heavy, waiting: p.waiting.length, held: p.held.size };
    return { running: this.running, heavy: this.heavy, waiting: [...this.people.values()].reduce((n, p) => n + p.waiting.length, 0), people };
  }

  private person(name: string): Person {
    let p = this.people.get(name);
    if (!p) {
      p = { running: 0, heavy: 0, waiting: [], held: new Map() };
      this.people.set(name, p);
    }
    return p;
  }

  private free(p: Person, heavy: boolean): boolean {
    return this.running < this.limits.slots && p.running < this.limits.perPerson
      && (!heavy || (this.heavy < this.limits.heavySlots && p.heavy < this.limits.heavyPerPerson));
  }

  private take(p: Person, heavy: boolean): void {
    this.running++;
    p.running++;
    if (heavy) {
      this.heavy++;
      p.heavy++;
    }
  }

  private acquire(name: string, p: Person, heavy: boolean): Promise<void> {
    // A light query passes the person's waiting heavy ones; a heavy one waits behind anything of theirs waiting.
    if (!p.waiting.some((w) => heavy || !w.heavy) && this.free(p, heavy)) {
      this.take(p, heavy);
      return Promise.resolve();
    }
    if (p.waiting.length >= this.limits.queuePerPerson) {
      throw new HttpError(429, `You already have ${p.running + p.waiting.length} queries running or waiting; `
        + 'wait for them to finish before asking for more.', { 'Retry-After': '5' });
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        heavy,
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          p.waiting.splice(p.waiting.indexOf(waiter), 1);
          this.forget(name, p);
          reject(new HttpError(503, `The analytics engine is busy: your query waited ${Math.round(this.limits.waitMs / 1000)} s `
            + 'for its turn. Try again in a moment.', { 'Retry-After': '10' }));
        }, this.limits.waitMs),
      };
      p.waiting.push(waiter);
      if (!this.turn.includes(name)) this.turn.push(name);
    });
  }

  private release(name: string, p: Person, heavy: boolean): void {
    this.running--;
    p.running--;
    if (heavy) {
      this.heavy--;
      p.heavy--;
    }
    this.forget(name, p);
    this.dispatch();
  }

  private letGo(name: string, key: string): void {
    const p = this.people.get(name);
    const held = p?.held.get(key);
    if (!p || !held) return;
    p.held.delete(key);
    this.release(name, p, held.heavy);
  }

  /** Grants free slots to waiting people in turn: whoever is served goes to the back of the line. */
  private dispatch(): void {
    while (this.running < this.limits.slots) {
      // Each person's first waiting query that may run now (a light one may pass their heavy ones).
      const next = (p: Person): number => p.waiting.findIndex((w) => this.free(p, w.heavy));
      const i = this.turn.findIndex((name) => next(this.people.get(name)!) >= 0);
      if (i < 0) return;
      const name = this.turn[i]!;
      const p = this.people.get(name)!;
      this.turn.splice(i, 1);
      const [waiter] = p.waiting.splice(next(p), 1) as [Waiter];
      if (p.waiting.length > 0) this.turn.push(name);
      this.take(p, waiter.heavy);
      waiter.grant();
    }
  }

  private forget(name: string, p: Person): void {
    if (p.waiting.length === 0) this.turn = this.turn.filter((n) => n !== name);
    if (p.running === 0 && p.waiting.length === 0 && p.held.size === 0) this.people.delete(name);
  }
}
