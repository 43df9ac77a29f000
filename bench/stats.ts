/** Latency figures: nearest-rank percentiles, in milliseconds with one decimal. */
import type { Sql } from 'postgres';

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

export function latency(values: readonly number[]): Latency {
  return { n: values.length, p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(Math.max(...values)) };
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  // A margin can be negative: the sign, then the magnitude in the same units.
  if (value < 0) return `−${ms(-value)}`;
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/** One statement run `runs` times one after the other (no cache between): its rows and its latency. */
export async function timeStatement(sql: Sql, text: string, params: readonly unknown[], runs: number): Promise<{ rows: number; ms: Latency }> {
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    rows = (await sql.unsafe(text, params as never[])).length;
    times.push(performance.now() - t0);
  }
  return { rows, ms: latency(times) };
}
