/** The same queries with rollups, without (a second product on the same database), and as hand-written SQL. */
import type postgres from 'postgres';
import type { comparisons } from '../compare.ts';
import { sameTotals } from '../compare.ts';
import type { BrowserClient } from '../http-client.ts';
import { compareRuns, say } from '../options.ts';
import type { ComparisonFigures } from '../report.ts';
import { latency, ms } from '../stats.ts';
import { timed, uncached } from '../timing.ts';

export async function compareRollups(exec: BrowserClient, rawClient: BrowserClient, owner: postgres.Sql, compared: ReturnType<typeof comparisons>): Promise<ComparisonFigures[]> {
  const comparisonFigures: ComparisonFigures[] = [];
  for (const c of compared) {
    say(`comparing ${c.name}`);
    const withRows = (await exec.load(c.query)).rows;
    const withoutRows = (await rawClient.load(c.query)).rows;
    const sqlRows = c.handWritten ? await c.handWritten.run(owner) : null;
    const times = { with: [] as number[], without: [] as number[], sql: [] as number[] };
    // Interleaved run by run, so the three meet the same database state.
    await timed(compareRuns, async (i) => {
      const t0 = performance.now();
      times.with.push((await exec.load(uncached(c.query, 2000 + i))).ms);
      times.without.push((await rawClient.load(uncached(c.query, 2000 + i))).ms);
      if (c.handWritten) {
        const t1 = performance.now();
        await c.handWritten.run(owner);
        times.sql.push(performance.now() - t1);
      }
      return performance.now() - t0;
    });
    const totals = (rows: ReadonlyArray<Record<string, unknown>>): number[] => Object.keys(rows[0] ?? {})
      .filter((k) => rows.some((r) => r[k] !== null && r[k] !== '' && !Number.isNaN(Number(r[k]))))
      .sort().map((k) => rows.reduce((s, r) => s + Number(r[k] ?? 0), 0));
    const w = latency(times.with);
    const wo = latency(times.without);
    const s = c.handWritten ? latency(times.sql) : null;
    comparisonFigures.push({
      name: c.name, from: c.from, rollups: null, with_rollups: w, without_rollups: wo, sql: s,
      without_over_with: Number((wo.p50 / w.p50).toPrecision(2)),
      sql_over_with: s ? Number((s.p50 / w.p50).toPrecision(2)) : null,
      same_with_and_without: sameTotals(totals(withRows), totals(withoutRows)),
      sql_matches: c.handWritten && sqlRows ? sameTotals(c.handWritten.totals(sqlRows), c.handWritten.cubeTotals(withRows)) : null,
    });
    say(`  with rollups p50 ${ms(w.p50)}, without ${ms(wo.p50)}${s ? `, SQL ${ms(s.p50)}` : ''}`);
  }
  return comparisonFigures;
}
