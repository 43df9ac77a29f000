/**
 * The benchmark's own logic that decides a verdict: the custom ranges are no
 * preset, and the targets pick the worst tile over every range and fail on
 * a run that answered an error. No database: the results are written here.
 */
import { describe, expect, it } from 'vitest';
import { customRange } from '../../bench/ranges.ts';
import { evaluateTargets, type Results } from '../../bench/report.ts';
import { dateRangeFor, RANGE_PRESETS } from '../../web/src/lib/date-range.ts';
import type { Latency } from '../../bench/stats.ts';

describe('custom ranges', () => {
  it('are none of the presets, for several data dates, and differ run by run', () => {
    for (const asOf of ['2026-11-20', '2026-03-31', '2024-02-29', '2026-01-12']) {
      const presets = RANGE_PRESETS.map((p) => dateRangeFor(p, asOf)).filter((r): r is [string, string] => r !== null).map((r) => r.join('..'));
      const ranges = Array.from({ length: 40 }, (_, i) => customRange(asOf, i));
      for (const [from, to] of ranges) {
        expect(presets).not.toContain(`${from}..${to}`);
        expect(from < to).toBe(true);
        // Not a month's last day: the next day is not the 1st.
        expect(new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).getUTCDate()).not.toBe(1);
      }
      expect(new Set(ranges.map((r) => r.join('..'))).size).toBe(ranges.length);
    }
  });
});

const l = (p95: number): Latency => ({ n: 3, p50: p95 / 2, p95, max: p95 });

function results(over: Partial<Results> = {}): Omit<Results, 'targets'> {
  return {
    scale: { customers: 1, rows: 1, tables: null },
    machine: { cores: 2, cpu: 'x', ram_gb: 1, os: 'x', node: 'x', load_average: null },
    database: { size_mb: 1, rollups_mb: 0 }, date: '', commit: { sha: 'x', uncommitted: [] }, command: '', options: {},
    seed: null, web: null, start: { first_ready_ms: 1, ready_again_ms: 61_000, first_overview_after_restart_ms: 1 },
    memory: { product_peak_rss_mb: null, postgres_peak_pss_mb: null },
    pages: [{
      page: 'overview', route: '/', requests: [], first_open_ms: 1,
      queries: [{ name: 'sales_kpis', rollups: null, rows: 1, cold: l(120), warm: l(5) }, { name: 'roi', rollups: null, rows: 1, cold: l(250), warm: l(5) }],
      open: { cold: l(900), warm: l(50) },
    }],
    ranges: [
      { range: 'today', page: 'overview', tiles: [{ name: 'sales_kpis', cold: l(280) }], open: l(950) },
      { range: 'custom', page: 'overview', tiles: [{ name: 'sales_kpis', cold: l(1500) }, { name: 'roi', cold: l(2100) }], open: null },
    ],
    drill: { url: '', total_rows: 1, first_page: { list: { cold: l(400), warm: l(1) }, page_cold: l(1) }, deep_page: { page: 2, list: { cold: l(900), warm: l(1) } } },
    customer_360: { customers: 1, page: l(1), query: l(1) },
    csv: { rows: 1, ms: 1, bytes: 1, complete: true, ms_per_100k_rows: 1, target_rows: 1 },
    concurrency: {
      users: 50, duration_s: 60, elapsed_s: 61, think_ms: 1000, accounts: 50, logins: l(1), requests: 100, requests_per_second: 1,
      request: l(1400), page: l(3000), pages_opened: 10, errors: 1, error_samples: ['load answered 503'],
    },
    freshness: { runs: 3, missed: 0, give_up_ms: 30_000, poll_ms: 100, big_screen: l(3500), overview: l(4500), both: { n: 3, p50: 3000, p95: 4500, max: 4500 } },
    comparison: [],
    ...over,
  };
}

describe('the targets', () => {
  const verdicts = (r: Omit<Results, 'targets'>) => Object.fromEntries(evaluateTargets(r).map((t) => [t.id, t]));

  it('take the worst tile over the default range and every preset, custom ranges apart', () => {
    const t = verdicts(results());
    expect(t.tile_preset_p95!.measured).toContain('280 ms');
    expect(t.tile_preset_p95!.measured).toContain('overview sales_kpis, today');
    expect(t.tile_preset_p95!.met).toBe(true);
    expect(t.tile_custom_p95!.measured).toContain('2100 ms');
    expect(t.tile_custom_p95!.met).toBe(false);
    expect(t.page_open_p95!.measured).toContain('950 ms');
    expect(t.page_open_p95!.met).toBe(true);
    expect(t.drill_first_page!.met).toBe(true);
    expect(t.drill_deep_page!.met).toBe(false);
    expect(t.concurrency_p95!.met).toBe(true);
    expect(t.concurrency_errors!.met).toBe(false);
    // Within 7 s, but with 2.5 s of margin where the issue asks 3.
    expect(t.freshness!.met).toBe(false);
    expect(t.freshness!.measured).toContain('margin 2500 ms');
    expect(t.seed_rows_per_second!.met).toBeNull();
    expect(t.ready_seeded!.met).toBe(false);
  });

  it('fail on a run that answered an error, however fast the others were', () => {
    const r = results();
    r.pages[0]!.queries[0] = { ...r.pages[0]!.queries[0]!, errors: 1, error: 'load answered 503: busy' };
    const t = verdicts(r).tile_preset_p95!;
    expect(t.met).toBe(false);
    expect(t.gap).toContain('1 runs answered an error');
    expect(t.gap).toContain('load answered 503: busy');
  });
});

describe('a margin past the target', () => {
  it('reads as a negative figure in the same units', async () => {
    const { ms } = await import('../../bench/stats.ts');
    expect(ms(-23_000)).toBe('−23.0 s');
    expect(ms(-450)).toBe('−450 ms');
    expect(ms(2500)).toBe('2500 ms');
  });
});
