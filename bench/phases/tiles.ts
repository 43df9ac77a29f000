/** Every page's tiles alone (cache defeated, then warm), and the page opened as a whole. */
import type { BrowserClient } from '../http-client.ts';
import type { PageLoad } from '../../web/src/page-loads.ts';
import { openRuns, runs, say } from '../options.ts';
import type { PageFigures, QueryFigures } from '../report.ts';
import { latency, ms } from '../stats.ts';
import { openPage, timed, uncached } from '../timing.ts';

export async function timeTiles(exec: BrowserClient, pages: readonly PageLoad[], firstOpen: ReadonlyMap<string, number>): Promise<PageFigures[]> {
  const figures: PageFigures[] = [];
  for (const page of pages) {
    say(`timing ${page.page}: ${page.queries.length} queries × ${runs} runs`);
    const queries: QueryFigures[] = [];
    for (const { name, query } of page.queries) {
      const rows = (await exec.load(query)).rows.length;
      // Warm: the same query again, right away (within the live cubes' 2-s refresh-key window).
      const warm = await timed(runs, async () => (await exec.load(query)).ms);
      const cold = await timed(runs, async (i) => (await exec.load(uncached(query, i))).ms);
      queries.push({ name, rollups: null, rows, cold: latency(cold), warm: latency(warm) });
      // Figures as they come, so a run stopped early still tells what it measured.
      say(`  ${name}: cold p95 ${ms(latency(cold).p95)}, warm p95 ${ms(latency(warm).p95)}`);
    }
    const openWarm = await timed(openRuns, () => openPage(exec, page));
    const openCold = await timed(openRuns, (i) => openPage(exec, page, (q) => uncached(q, 1000 + i)));
    figures.push({
      page: page.page, route: page.route, requests: page.requests, first_open_ms: Math.round(firstOpen.get(page.page) ?? Number.NaN),
      queries, open: { cold: latency(openCold), warm: latency(openWarm) },
    });
    say(`  open: cold p95 ${ms(latency(openCold).p95)}, warm p95 ${ms(latency(openWarm).p95)}`);
  }
  return figures;
}
