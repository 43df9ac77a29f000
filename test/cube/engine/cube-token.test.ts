import jwt from 'jsonwebtoken';
import { describe, expect, it, vi } from 'vitest';
import { CUBE_TOKEN_TTL_SECONDS, CubeTokenMinter, CubeTokenVerifier } from '../../../cube/engine/cube-token.ts';

const SECRET = 'a-secret-of-the-app-server';
const staff = { username: 'staff', role: 'staff', employeeId: 7, teamId: 2 };
const manager = { username: 'manager', role: 'manager', employeeId: 3, teamId: 2 };

function clock(start = Date.UTC(2026, 11, 5, 1, 0, 0)) {
  let at = start;
  return { now: () => at, advance: (ms: number) => { at += ms; } };
}

describe('Cube tokens minted once per person for half their life', () => {
  it('gives the same context the same token, another context its own, and a new one past half its life', () => {
    const time = clock();
    const minter = new CubeTokenMinter(SECRET, time.now);
    const first = minter.token(staff);
    expect(minter.token({ ...staff })).toBe(first);
    expect(minter.token(manager)).not.toBe(first);
    // The token carries the context and expires a TTL after it was minted.
    const payload = jwt.verify(first, SECRET, { algorithms: ['HS256'], clockTimestamp: time.now() / 1000 }) as { ctx: unknown; exp: number };
    expect(payload.ctx).toEqual(staff);
    expect(payload.exp).toBe(time.now() / 1000 + CUBE_TOKEN_TTL_SECONDS);
    time.advance((CUBE_TOKEN_TTL_SECONDS * 1000) / 2 - 1000);
    expect(minter.token(staff)).toBe(first);
    time.advance(2000);
    const second = minter.token(staff);
    expect(second).not.toBe(first);
    // A reused token always has at least half its life left when handed over.
    const left = (jwt.decode(second) as { exp: number }).exp - time.now() / 1000;
    expect(left).toBeGreaterThanOrEqual(CUBE_TOKEN_TTL_SECONDS / 2);
  });
});

describe("Cube's check of a token, remembered until the token expires", () => {
  it('verifies a token once, then answers it from memory', () => {
    const time = clock();
    const token = new CubeTokenMinter(SECRET, time.now).token(staff);
    const verifier = new CubeTokenVerifier(SECRET, time.now);
    const verify = vi.spyOn(jwt, 'verify');
    try {
      expect(verifier.verify(token).ctx).toEqual(staff);
      expect(verifier.verify(token).ctx).toEqual(staff);
      expect(verifier.verify(token).ctx).toEqual(staff);
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it('refuses a token signed with another secret, even beside a remembered one', () => {
    const time = clock();
    const verifier = new CubeTokenVerifier(SECRET, time.now);
    expect(verifier.verify(new CubeTokenMinter(SECRET, time.now).token(staff)).ctx).toEqual(staff);
    const forged = new CubeTokenMinter('guessed-secret', time.now).token({ ...staff, role: 'admin' });
    expect(() => verifier.verify(forged)).toThrow(/invalid signature/);
    const none = jwt.sign({ ctx: staff }, '', { algorithm: 'none' });
    expect(() => verifier.verify(none)).toThrow();
  });

  it('refuses a remembered token once it has expired', () => {
    const time = clock();
    const token = new CubeTokenMinter(SECRET, time.now).token(staff);
    const verifier = new CubeTokenVerifier(SECRET, time.now);
    expect(verifier.verify(token).ctx).toEqual(staff);
    time.advance(CUBE_TOKEN_TTL_SECONDS * 1000 - 1000);
    expect(verifier.verify(token).ctx).toEqual(staff);
    time.advance(2000);
    expect(() => verifier.verify(token)).toThrow(/jwt expired/);
  });
});
