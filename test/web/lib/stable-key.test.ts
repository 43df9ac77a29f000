import { describe, expect, it } from 'vitest';
import { stableKey } from '../../../web/src/lib/stable-key.ts';

describe('stable keys', () => {
  it('keys deeply equal queries alike whatever their key order', () => {
    expect(stableKey({ measures: ['a'], order: { x: 'asc' } })).toBe(stableKey({ order: { x: 'asc' }, measures: ['a'] }));
    expect(stableKey({ measures: ['a', 'b'] })).not.toBe(stableKey({ measures: ['b', 'a'] }));
  });
});
