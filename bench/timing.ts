/** Timing a query, a page, or one of them again outside Cube's result cache. */
import { budgetMs } from './options.ts';
import type { BrowserClient } from './http-client.ts';
import type { CubeQuery, NamedQuery, PageLoad } from '../web/src/page-loads.ts';

/** The same query, but not in Cube's result cache: only the row limit differs (the page's answer is the same). */
export function uncached(query: CubeQuery, nonce: number): CubeQuery {
  return { ...query, limit: typeof query.limit === 'number' ? query.limit + 1 + nonce : 9_999 - nonce };
}

/**
 * `n` timed runs, or fewer (at least 3) once they have taken the budget, or
 * as soon as `enough()` says so: at a large scale a query on the raw tables
 * can take many seconds, and a few of its runs tell as much as twenty.
 */
export async function timed(n: number, run: (i: number) => Promise<number>, enough: () => boolean = () => false): Promise<number[]> {
  const out: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    out.push(await run(i));
    if (out.length >= Math.min(3, n) && performance.now() - t0 > budgetMs) break;
    // Runs that answered errors (timeouts): two tell the verdict, more only cost the run its time.
    if (enough()) break;
  }
  return out;
}

export async function openPage(client: BrowserClient, page: PageLoad, variant: (q: CubeQuery) => CubeQuery = (q) => q): Promise<number> {
  const t0 = performance.now();
  await Promise.all([...page.queries.map((named) => loadNamed(client, named, variant)), ...page.requests.map((p) => client.get(p))]);
  return performance.now() - t0;
}

/** A page's query and the query that follows it (the list's attributes): the time of both, one after the other. */
export async function loadNamed(client: BrowserClient, { query, then }: NamedQuery, variant: (q: CubeQuery) => CubeQuery = (q) => q): Promise<number> {
  const answer = await client.load(variant(query));
  const next = then?.(answer.rows);
  return answer.ms + (next ? (await client.load(variant(next))).ms : 0);
}
