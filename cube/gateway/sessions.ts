/**
 * Server-side sessions: the cookie carries only a random id, so logging out
 * really ends the session. Kept in memory: a restart logs everyone out.
 */
import { randomBytes } from 'node:crypto';
import type { Account } from './accounts.ts';

export const SESSION_COOKIE = 'siyu_session';
const TTL_MS = 12 * 60 * 60 * 1000;

interface Session {
  account: Account;
  expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(account: Account): string {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { account, expiresAt: this.now() + TTL_MS });
    return id;
  }

  get(id: string | undefined): Account | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session.account;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  get maxAgeSeconds(): number {
    return TTL_MS / 1000;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
