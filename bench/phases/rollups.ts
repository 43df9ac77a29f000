/** Which pre-aggregation answered each query, as Cube reports it, under three roles' row limits. */
import type postgres from 'postgres';
import { cubeRoleName } from '../../cube/database/cube-role.ts';
import { DATABASE_NAME } from '../../cube/database/embedded-postgres.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import type { comparisons } from '../compare.ts';
import { BrowserClient } from '../http-client.ts';
import type { PageLoad } from '../../web/src/page-loads.ts';
import { config, password, say } from '../options.ts';
import type { ComparisonFigures, PageFigures, Rollups } from '../report.ts';
import { startRollupProbe } from '../../cube/tools/rollup-probe.ts';

/** The siyu.* tables a query's SQL reads, dimension tables (the small ones every query joins) left out. */
async function tablesRead(probe: Awaited<ReturnType<typeof startRollupProbe>>, ctx: SecurityContext, query: PageLoad['queries'][number]['query']): Promise<string[] | null> {
  try {
    const sql = await probe.sql(ctx, query);
    const small = new Set(['channels', 'teams', 'employees', 'campaigns', 'settings', 'accounts']);
    return [...new Set([...sql.matchAll(/siyu\.([a-z_]+)/g)].map((m) => m[1]!))].filter((t) => !small.has(t) && !t.startsWith('as_of') && !t.startsWith('business_tz') && !t.startsWith('local_')).sort();
  } catch {
    return null;
  }
}

/** Fills in `rollups` (and `tables`) of every figure (the pages' queries and the compared ones). */
export async function probeRollups(o: {
  productUrl: string; ownerUrl: string; timeZone: string; owner: postgres.Sql;
  pages: readonly PageLoad[]; figures: PageFigures[]; compared: ReturnType<typeof comparisons>; comparisonFigures: ComparisonFigures[];
}): Promise<void> {
  const { productUrl, ownerUrl, timeZone, owner, pages, figures, compared, comparisonFigures } = o;
  say('asking Cube which pre-aggregation answers each query');
  const contextOf = async (username: string): Promise<SecurityContext | null> => {
    try {
      const c = await BrowserClient.login(productUrl, username, password);
      const m = (await c.get('/api/me')).body as { username: string; role: SecurityContext['role']; employeeId: number | null; teamId: number | null };
      return { username: m.username, role: m.role, employeeId: m.employeeId, teamId: m.teamId };
    } catch {
      return null;
    }
  };
  const roles = (await Promise.all(['exec', 'manager', 'staff'].map(contextOf))).filter((x): x is SecurityContext => x !== null);
  const probe = await startRollupProbe({ databaseUrl: ownerUrl, modelDir: config.modelDir, timeZone });
  try {
    for (const [pi, page] of pages.entries()) {
      for (const [qi, { query }] of page.queries.entries()) {
        const rollups: Rollups = {};
        for (const ctx of roles) rollups[ctx.role] = await probe.rollupsFor(ctx, query);
        figures[pi]!.queries[qi]!.rollups = rollups;
        const execContext = roles.find((r) => r.role === 'executive');
        // No rollup answered: the product's tables the SQL reads instead (a derived table such as customer_days, or the facts).
        if (execContext && rollups.executive?.length === 0) figures[pi]!.queries[qi]!.tables = await tablesRead(probe, execContext, query);
      }
    }
    const execContext = roles.find((r) => r.role === 'executive');
    for (const [i, c] of compared.entries()) comparisonFigures[i]!.rollups = execContext ? await probe.rollupsFor(execContext, c.query) : null;
  } finally {
    await probe.stop();
    // Tables the probe built are the owner's, which the product's Cube role cannot read: leave none behind.
    const stray = await owner`SELECT tablename FROM pg_tables WHERE schemaname = 'siyu_pre_aggregations' AND tableowner <> ${cubeRoleName(DATABASE_NAME)}`;
    for (const { tablename } of stray) await owner.unsafe(`DROP TABLE IF EXISTS siyu_pre_aggregations."${String(tablename).replace(/"/g, '""')}"`);
  }
}
