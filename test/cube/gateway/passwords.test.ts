import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../cube/gateway/passwords.ts';

describe('password hashes', () => {
  it('are scrypt with a salt of their own, and verify only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword('demo'), hashPassword('demo')]);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('demo', a)).toBe(true);
    expect(await verifyPassword('Demo', a)).toBe(false);
    expect(await verifyPassword('demo', null)).toBe(false);
    expect(await verifyPassword('demo', 'sha256$abc')).toBe(false);
  });
});
