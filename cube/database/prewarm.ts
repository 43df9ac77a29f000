/**
 * The custom-range read paths loaded into PostgreSQL's own cache when the
 * product starts, in the background (docs/performance.md, "PostgreSQL's own
 * cache"). A custom range is answered from the sales paid-day table (the drill
 * list's first page, its deep page and sales by team walk its first-row and
 * last-row indexes) and the kept day and month tables (the list's total);
 * nothing else reads those index pages, so after a restart, or once the
 * operating system has handed its page cache back, the first person to ask a
 * custom range read them from the disk at random: at 1M the first page took
 * 0.9–1.0 s against about 0.2 s once they were in memory. Loading them
 * sequentially takes a few seconds at 1M.
 *
 * Relations are loaded in the order below while their sizes fit in two thirds of
 * `shared_buffers` (the rest of the cache stays for everything else); one that
 * would not fit is skipped, and so is the whole step where pg_prewarm is
 * missing (migration 068).
 */
import type { Sql } from 'postgres';

/** In order of use: the first page's walk and its lookups, the deep page's walk, the total's kept tables, then the table's rows (read where a page is not all-visible yet). */
export const WARM_RELATIONS = [
  'siyu.sales_paid_days_first_idx',
  'siyu.sales_paid_days_key',
  'siyu.sales_paid_days_last_idx',
  'siyu.sales_team_days',
  'siyu.sales_team_days_key',
  'siyu.sales_team_months',
  'siyu.sales_team_months_key',
  'siyu.sales_months',
  'siyu.sales_months_key',
  'siyu.sales_paid_days',
] as const;

export interface Prewarmed {
  /** The relations loaded, in order. */
  loaded: string[];
  /** The relations left out: they would not fit in the budget. */
  skipped: string[];
  /** Pages read into the cache. */
  pages: number;
  /** Bytes of the relations loaded. */
  bytes: number;
}

/** Loads the read paths; `null` where pg_prewarm is not installed. `budget` (bytes) replaces two thirds of shared_buffers. */
export async function prewarm(sql: Sql, budget?: number): Promise<Prewarmed | null> {
  const [extension] = await sql<{ schema: string }[]>`
    SELECT n.nspname AS schema FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_prewarm'`;
  if (!extension) return null;
  const sizes = await sql<{ name: string; bytes: string; budget: string }[]>`
    SELECT w.name, pg_relation_size(to_regclass(w.name))::text AS bytes,
           (pg_size_bytes(current_setting('shared_buffers')) * 2 / 3)::text AS budget
    FROM unnest(${WARM_RELATIONS as unknown as string[]}::text[]) WITH ORDINALITY AS w(name, k)
    WHERE to_regclass(w.name) IS NOT NULL
    ORDER BY w.k`;
  const prewarmFunction = `"${extension.schema.replace(/"/g, '""')}".pg_prewarm`;
  const done: Prewarmed = { loaded: [], skipped: [], pages: 0, bytes: 0 };
  let left = budget ?? Number(sizes[0]?.budget ?? 0);
  for (const { name, bytes } of sizes) {
    const size = Number(bytes);
    if (size > left) {
      done.skipped.push(name);
      continue;
    }
    const [row] = await sql.unsafe<{ pages: string }[]>(`SELECT ${prewarmFunction}($1::regclass, 'buffer')::text AS pages`, [name]);
    left -= size;
    done.loaded.push(name);
    done.pages += Number(row?.pages ?? 0);
    done.bytes += size;
  }
  return done;
}
