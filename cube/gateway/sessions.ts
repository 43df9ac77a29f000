/**
 * Server-side sessions: the cookie carries only a random id, so logging out
 * really ends the session. Kept in memory: a restart logs everyone out.
 *
 * A session remembers who logged in, not what they may do: the account (role,
 * team, active) is read again from the database when it is older than
 * `refreshMs` (15 s by default), so a deactivated person or a changed team takes effect within
 * seconds. While the database is unreachable the last known account is kept,
 * so sessions survive an outage (queries answer 503 meanwhile).
 */
import { randomBytes } from 'node:crypto';
import type { Account } from './accounts.ts';

export const SESSION_COOKIE = 'siyu_session';
/** A session ends after 12 hours without a request… */
const IDLE_MS = 12 * 60 * 60 * 1000;
/** …and after 30 days in any case (a war-room TV refreshing every 30 s stays logged in that long). */
const LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

interface Session {
  account: Account;
  checkedAt: number;
  lastSeenAt: number;
  endsAt: number;
}

/** Reads an account as it is now; null when it no longer may log in; throws when it cannot tell. */
export type AccountLoader = (username: string) => Promise<Account | null>;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now, private readonly refreshMs = 15_000) {}

  create(account: Account): string {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    this.sessions.set(id, { account, checkedAt: now, lastSeenAt: now, endsAt: now + LIFETIME_MS });
    return id;
  }

  /** The session's account, re-read through `load` when stale; null for no, expired or revoked sessions. */
  async get(id: string | undefined, load?: AccountLoader): Promise<Account | null> {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    const now = this.now();
    if (isOver(session, now)) {
      this.sessions.delete(id);
      return null;
    }
    session.lastSeenAt = now;
    if (load && now - session.checkedAt >= this.refreshMs) {
      let fresh: Account | null;
      try {
        fresh = await load(session.account.username);
      } catch {
        return session.account;
      }
      if (!fresh) {
        this.destroyAccount(session.account.username);
        return null;
      }
      session.account = fresh;
      session.checkedAt = now;
    }
    return session.account;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Ends every session of one account (deactivated, deleted). */
  destroyAccount(username: string): void {
    for (const [id, s] of this.sessions) if (s.account.username === username) this.sessions.delete(id);
  }

  /** The cookie lives as long as a session can; the server ends idle ones sooner. */
  get maxAgeSeconds(): number {
    return LIFETIME_MS / 1000;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (isOver(s, now)) this.sessions.delete(id);
  }
}

function isOver(session: Session, now: number): boolean {
  return now - session.lastSeenAt >= IDLE_MS || now >= session.endsAt;
}
