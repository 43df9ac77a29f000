/**
 * Every page's tiles alone and the page opened as a whole, with Cube's
 * cache defeated by a new write: before each timed run an order is written
 * as the product's writers write one (bench/new-order.ts), then the query
 * is sent with a different row limit, so neither Cube's result cache nor a
 * refresh-key window can answer it from before the write. The pages'
 * default range is timed in full (with warm runs beside); every other preset
 * the pages offer, and custom ranges, only for the queries that carry the
 * range (the pages' own lists, built with that range in the URL).
 */
import type { BrowserClient } from '../http-client.ts';
import type { OrderWriter } from '../new-order.ts';
import { tilePages, type NamedQuery, type PageContext, type PageLoad } from '../../web/src/page-loads.ts';
import { customRuns, openRuns, pastDeadline, presets, runs, say } from '../options.ts';
import { customRange } from '../ranges.ts';
import type { PageFigures, QueryFigures, RangeFigures } from '../report.ts';
import { latency, ms } from '../stats.ts';
import { openPage, timed, uncached } from '../timing.ts';

/** Runs that answered an error (a statement timeout, a refusal): timed until the error, counted, the first kept. */
export interface Tally { errors: number; error: string | null }
const tally = (): Tally => ({ errors: 0, error: null });

async function orError(t: Tally, run: () => Promise<number>): Promise<number> {
  const t0 = performance.now();
  try {
    return await run();
  } catch (error) {
    t.errors++;
    t.error ??= (error as Error).message.slice(0, 200);
    return performance.now() - t0;
  }
}

/** One run of a query after a new write, its cache defeated by `nonce`. */
function afterWrite(exec: BrowserClient, writer: OrderWriter, named: NamedQuery, nonce: number, t: Tally): Promise<number> {
  return orError(t, async () => {
    await writer.write();
    return (await exec.load(uncached(named.query, nonce))).ms;
  });
}

function openAfterWrite(exec: BrowserClient, writer: OrderWriter, page: PageLoad, nonce: number, t: Tally): Promise<number> {
  return orError(t, async () => {
    await writer.write();
    return openPage(exec, page, (q) => uncached(q, nonce));
  });
}

const withErrors = (t: Tally): { errors?: number; error?: string } => (t.errors > 0 ? { errors: t.errors, error: t.error ?? '' } : {});

/** The pages' default range, every query: cache defeated by a write, and warm. */
export async function timeTiles(exec: BrowserClient, writer: OrderWriter, pages: readonly PageLoad[], firstOpen: ReadonlyMap<string, number>): Promise<PageFigures[]> {
  const figures: PageFigures[] = [];
  for (const page of pages) {
    say(`timing ${page.page}: ${page.queries.length} queries × ${runs} runs`);
    const queries: QueryFigures[] = [];
    for (const named of page.queries) {
      const t = tally();
      let rows = 0;
      await orError(t, async () => (rows = (await exec.load(named.query)).rows.length));
      // Warm: the same query again, right away (within the live cubes' 2-s refresh-key window).
      // A query that answered an error has no answer to keep warm: once is enough to tell.
      const warm = await timed(t.errors > 0 ? 1 : runs, () => orError(t, async () => (await exec.load(named.query)).ms));
      const cold = await timed(runs, (i) => afterWrite(exec, writer, named, i, t), () => t.errors >= 2);
      queries.push({ name: named.name, rollups: null, tables: null, rows, cold: latency(cold), warm: latency(warm), ...withErrors(t) });
      // Figures as they come, so a run stopped early still tells what it measured.
      say(`  ${named.name}: after a write p95 ${ms(latency(cold).p95)}, warm p95 ${ms(latency(warm).p95)}${t.errors ? `; ${t.errors} errors: ${t.error}` : ''}`);
    }
    const t = tally();
    const openWarm = await timed(openRuns, () => orError(t, () => openPage(exec, page)), () => t.errors >= 2);
    const openCold = await timed(openRuns, (i) => openAfterWrite(exec, writer, page, 1000 + i, t), () => t.errors >= 2);
    figures.push({
      page: page.page, route: page.route, requests: page.requests, first_open_ms: Math.round(firstOpen.get(page.page) ?? Number.NaN),
      queries, open: { cold: latency(openCold), warm: latency(openWarm), ...withErrors(t) },
    });
    say(`  open: after a write p95 ${ms(latency(openCold).p95)}, warm p95 ${ms(latency(openWarm).p95)}${t.errors ? `; ${t.errors} errors: ${t.error}` : ''}`);
  }
  return figures;
}

/** The queries of `page` that the range changed (or added: a preset's 环比), against the same page on its default range. */
function ranged(page: PageLoad, base: PageLoad | undefined): NamedQuery[] {
  const before = new Map((base?.queries ?? []).map((q) => [q.name, JSON.stringify(q.query)]));
  return page.queries.filter((q) => before.get(q.name) !== JSON.stringify(q.query));
}

/**
 * Custom ranges, then every other preset the pages offer: the ranged tiles,
 * and (presets) the pages opened whole. Past --deadline it stops where it is
 * (`cut` says so).
 */
export async function timeRanges(exec: BrowserClient, writer: OrderWriter, ctx: PageContext): Promise<{ ranges: RangeFigures[]; cut: boolean }> {
  const defaults = tilePages(ctx);
  const out: RangeFigures[] = [];
  let cut = false;

  say(`timing the ranged tiles on ${customRuns} custom ranges`);
  const custom = new Map<string, { page: string; name: string; times: number[]; t: Tally }>();
  for (let i = 0; i < customRuns && !(cut ||= pastDeadline()); i++) {
    const [from, to] = customRange(ctx.asOf, i);
    const pages = tilePages({ ...ctx, range: `from=${from}&to=${to}` });
    for (const [pi, page] of pages.entries()) {
      for (const named of ranged(page, defaults[pi])) {
        const key = `${page.page}\u0000${named.name}`;
        const entry = custom.get(key) ?? { page: page.page, name: named.name, times: [], t: tally() };
        entry.times.push(await afterWrite(exec, writer, named, 7000 + i, entry.t));
        custom.set(key, entry);
      }
    }
  }
  for (const page of [...new Set([...custom.values()].map((e) => e.page))]) {
    const tiles = [...custom.values()].filter((e) => e.page === page).map((e) => ({ name: e.name, cold: latency(e.times), ...withErrors(e.t) }));
    out.push({ range: 'custom', page, tiles, open: null });
    const worst = tiles.reduce((a, b) => (b.cold.p95 > a.cold.p95 ? b : a));
    say(`  custom, ${page}: slowest ${worst.name} p95 ${ms(worst.cold.p95)}`);
  }

  for (const preset of presets.slice(1)) {
    const pages = tilePages({ ...ctx, range: `range=${preset}` });
    say(`timing the ranged tiles on ${preset}`);
    let nonce = 5000;
    for (const [pi, page] of pages.entries()) {
      const queries = ranged(page, defaults[pi]);
      if (queries.length === 0 || (cut ||= pastDeadline())) continue;
      const tiles = [];
      for (const named of queries) {
        const t = tally();
        const cold = await timed(runs, () => afterWrite(exec, writer, named, nonce++, t), () => t.errors >= 2);
        tiles.push({ name: named.name, cold: latency(cold), ...withErrors(t) });
      }
      const t = tally();
      const open = latency(await timed(openRuns, () => openAfterWrite(exec, writer, page, nonce++, t), () => t.errors >= 2));
      const worst = tiles.reduce((a, b) => (b.cold.p95 > a.cold.p95 ? b : a));
      out.push({ range: preset, page: page.page, tiles, open, ...withErrors(t) });
      say(`  ${page.page}: slowest ${worst.name} p95 ${ms(worst.cold.p95)}, open p95 ${ms(open.p95)}`);
    }
  }
  if (cut) say('past --deadline: the ranges\' timing stopped there');
  return { ranges: out, cut };
}
