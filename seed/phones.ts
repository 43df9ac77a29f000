/** Demo phone numbers (see phoneDigits). */
import { Random } from './prng.ts';

/** Round keys of the phone permutation per seed, drawn once from the seed's own stream. */
const phoneKeys = new Map<number, Uint32Array>();

/**
 * The last eight digits of a demo customer's phone: a permutation of
 * 0 … 10⁸−1 drawn from the seeded PRNG (a six-round Feistel network on two
 * four-digit halves whose round keys are the draws), applied to the customer's
 * place. Drawn, not computed from the id: without the seed's draws no rule
 * (affine or other) leads from an id to a phone, so masking cannot be undone
 * from the code; a permutation, so phones stay unique across blocks made in
 * parallel without coordination, as before; the same seed, the same phones.
 * Its own stream (fork), so no other draw of the data set moves.
 */
export function phoneDigits(seed: number, id: number): number {
  let keys = phoneKeys.get(seed);
  if (!keys) {
    const r = new Random(seed).fork(0x70686f6e);
    keys = Uint32Array.from({ length: 6 }, () => Math.floor(r.next() * 4294967296));
    phoneKeys.set(seed, keys);
  }
  const x = (id - 1) % 100_000_000;
  let left = Math.floor(x / 10_000);
  let right = x % 10_000;
  for (const key of keys) {
    let h = Math.imul(right ^ key, 0x9e3779b1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    [left, right] = [right, (left + (h % 10_000)) % 10_000];
  }
  return left * 10_000 + right;
}
