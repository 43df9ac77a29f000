/**
 * The tokens the app server hands Cube with each query, and Cube's check of
 * them, without signing and verifying a JWT per query. Among 50 people at
 * 200,000 customers the two took 7 % of the product process's CPU, most of
 * it turning the secret string into a key on every call
 * (docs/performance.md, "Many people at once"). Now the key is made once, a
 * person's token is reused while it has more than half its life left, and
 * Cube's check remembers a token it has verified until that token expires.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A token lives this long; it is reused while more than half of that is left. */
export const CUBE_TOKEN_TTL_SECONDS = 60;
/** Past this many people (or tokens) remembered, the memory starts over: a bound, not a working size. */
const MAX_KEPT = 5_000;

type Clock = () => number;

export function cubeSecretKey(apiSecret: string): KeyObject {
  return createSecretKey(Buffer.from(apiSecret, 'utf8'));
}

/** Mints the token carrying a security context; the same context gets the same token for half its life. */
export class CubeTokenMinter {
  private readonly key: KeyObject;
  private readonly kept = new Map<string, { token: string; reuseUntil: number }>();

  constructor(apiSecret: string, private readonly now: Clock = Date.now) {
    this.key = cubeSecretKey(apiSecret);
  }

  token(ctx: unknown): string {
    const id = JSON.stringify(ctx);
    const at = this.now();
    const kept = this.kept.get(id);
    if (kept && kept.reuseUntil > at) return kept.token;
    const token = jwt.sign({ ctx, iat: Math.floor(at / 1000) }, this.key, { algorithm: 'HS256', expiresIn: CUBE_TOKEN_TTL_SECONDS });
    if (this.kept.size >= MAX_KEPT) this.kept.clear();
    this.kept.set(id, { token, reuseUntil: at + (CUBE_TOKEN_TTL_SECONDS * 1000) / 2 });
    return token;
  }
}

/**
 * Verifies a token (HS256, the secret, not expired) and returns its payload;
 * a token verified before is answered from memory until its own expiry.
 * Throws as jwt.verify does.
 */
export class CubeTokenVerifier {
  private readonly key: KeyObject;
  private readonly kept = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();

  constructor(apiSecret: string, private readonly now: Clock = Date.now) {
    this.key = cubeSecretKey(apiSecret);
  }

  verify(token: string): Record<string, unknown> {
    const at = this.now();
    const kept = this.kept.get(token);
    if (kept && kept.expiresAt > at) return kept.payload;
    if (kept) this.kept.delete(token);
    const payload = jwt.verify(token, this.key, { algorithms: ['HS256'], clockTimestamp: Math.floor(at / 1000) }) as Record<string, unknown>;
    // Only a token with an expiry is remembered, and only until then.
    if (typeof payload.exp === 'number') {
      if (this.kept.size >= MAX_KEPT) this.kept.clear();
      this.kept.set(token, { payload, expiresAt: payload.exp * 1000 });
    }
    return payload;
  }
}
