import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../../cube/gateway/login-limiter.ts';

describe('login limiter', () => {
  it('refuses an account after 5 failures in 15 minutes, says how long to wait, and forgets them after', () => {
    let now = 0;
    const limiter = new LoginLimiter({ perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 }, () => now);
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfter('exec', '1.2.3.4')).toBe(0);
      limiter.fail('exec', '1.2.3.4');
      now += 1000;
    }
    // The first failure was at 0 s; it leaves the window at 900 s; now is 5 s.
    expect(limiter.retryAfter('exec', '1.2.3.4')).toBe(895);
    expect(limiter.retryAfter('ops', '5.6.7.8')).toBe(0);
    now = 900_001;
    expect(limiter.retryAfter('exec', '1.2.3.4')).toBe(0);
  });

  it('limits one address across accounts, and a success clears only the account count', () => {
    const limiter = new LoginLimiter({ perAccount: 5, perAddress: 3, windowMs: 60_000 }, () => 0);
    for (const u of ['a', 'b', 'c']) limiter.fail(u, '9.9.9.9');
    expect(limiter.retryAfter('d', '9.9.9.9')).toBeGreaterThan(0);
    expect(limiter.retryAfter('d', '8.8.8.8')).toBe(0);
    limiter.succeed('a');
    expect(limiter.retryAfter('a', '8.8.8.8')).toBe(0);
  });
});
