/**
 * A page's queries by name, built by its `features/<page>/page-queries.ts`:
 * the page runs them, and the benchmark and the rollup test replay the same
 * list (web/src/page-loads.ts), so a query a page adds is timed and checked
 * without a copy to keep. A null entry is a query the page does not send in
 * that state (a level not drilled into, a comparison not chosen).
 *
 * The names are stable: the benchmark's reports and the rollup test's
 * reasons (RAW_BY_DESIGN) are keyed by them.
 */
import type { Query } from './cube.ts';
import { buildFilterOptionsQuery, type FilterKind } from './filters.ts';

export type PageQueries = Readonly<Record<string, Query | null>>;

/**
 * The filter bar's option lists, one query per filter it shows (components/filter-bar.tsx).
 * A browser asks each once per session (lib/session-answers.ts), not on every page it opens.
 */
export function filterBarQueries(kinds: readonly FilterKind[]): Record<`filter_${FilterKind}`, Query> {
  return Object.fromEntries(kinds.map((kind) => [`filter_${kind}`, buildFilterOptionsQuery(kind)])) as Record<`filter_${FilterKind}`, Query>;
}

/** Whether a page's query of this name is answered from the session's store after its first time (the benchmark replays the rule). */
export function isSessionKept(name: string): boolean {
  return name.startsWith('filter_');
}
