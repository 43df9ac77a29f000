import { expect } from 'vitest';

export type Expected = Record<string, number | null>;

function key(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  const s = String(value);
  // Month buckets come back as 2026-06-01T00:00:00.000.
  return /^\d{4}-\d{2}-01T00:00:00\.000$/.test(s) ? s.slice(0, 7) : s;
}

/**
 * Turns rows into {slice: value} (null slices as "∅") and compares with the
 * expected map: same slices, values equal to 1e-9.
 */
export function expectValues(rows: Array<Record<string, unknown>>, dimension: string | null, measure: string, expected: Expected, label = measure): void {
  const actual: Record<string, number | null> = {};
  for (const row of rows) {
    const v = row[measure];
    actual[dimension ? key(row[dimension]) : 'all'] = v === null || v === undefined ? null : Number(v);
  }
  expect(Object.keys(actual).sort(), `${label}: slices`).toEqual(Object.keys(expected).sort());
  for (const [k, want] of Object.entries(expected)) {
    const got = actual[k];
    if (want === null) expect(got, `${label}[${k}]`).toBeNull();
    else {
      expect(got, `${label}[${k}]`).not.toBeNull();
      expect(Math.abs(got! - want), `${label}[${k}] = ${got}, expected ${want}`).toBeLessThan(1e-9);
    }
  }
}
