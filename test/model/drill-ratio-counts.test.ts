/**
 * The churn list's header counts (流失 n / 购买客户 d) are the churn rate's own
 * two parts, one row each (web/src/lib/drill/catalogue.ts, `counts`), not
 * Cube's total over every customer of the list grouped again (12.7 s and
 * 7.6 s at 1M, docs/performance.md "The users' hot spots at 1M"). Each must
 * equal its list's total and plain SQL, for every role and slice; the page's
 * list then asks no total of its own and names that count. The LTV list
 * (every buyer) names the same buyers' count.
 */
import { describe, expect, it } from 'vitest';
import { buildDrillPageQuery, parseDrill, parsePage } from '../../web/src/lib/drill.ts';
import { customersQueries, listedCustomers } from '../../web/src/features/customers/page-queries.ts';
import type { Client } from '../../cube/tools/api-client.ts';
import { one } from '../helpers/database.ts';
import { useTestStack } from '../helpers/stack.ts';

const AS_OF = '2026-11-20';
const TZ = 'Asia/Shanghai';

describe('the churn and LTV lists\' counts', () => {
  const ctx = useTestStack('drill_ratio_counts', { demoCustomers: 1200 });

  /** Buyers to date and churned buyers (last paid order more than 120 days before as-of) among the scope's customers in the slice, as plain SQL. */
  async function sqlCounts(scope: { owner?: number; team?: number }, slice: { team?: string; channel?: string; campaign?: string }) {
    const [owner, team] = [scope.owner ?? null, scope.team ?? null];
    const [teamName, channel, campaign] = [slice.team ?? null, slice.channel ?? null, slice.campaign ?? null];
    return one(await ctx.db.sql<{ buyers: number; churned: number }[]>`
      WITH paid AS (
        SELECT customer_id, max((ordered_at AT TIME ZONE ${TZ})::date) AS last_paid
        FROM siyu.orders WHERE status = 'paid' AND (ordered_at AT TIME ZONE ${TZ})::date <= ${AS_OF}::date
        GROUP BY customer_id)
      SELECT count(*)::int AS buyers, count(*) FILTER (WHERE ${AS_OF}::date - p.last_paid > 120)::int AS churned
      FROM siyu.customers c
      JOIN paid p ON p.customer_id = c.id
      LEFT JOIN siyu.employees o ON o.id = c.owner_employee_id
      LEFT JOIN siyu.teams t ON t.id = o.team_id
      LEFT JOIN siyu.channels ch ON ch.id = c.source_channel_id
      WHERE (${owner}::int IS NULL OR c.owner_employee_id = ${owner}::int)
        AND (${team}::int IS NULL OR o.team_id = ${team}::int)
        AND (${teamName}::text IS NULL OR t.name = ${teamName}::text)
        AND (${channel}::text IS NULL OR ch.name = ${channel}::text)
        AND (${campaign}::text IS NULL OR EXISTS (
          SELECT 1 FROM siyu.campaign_participations cp JOIN siyu.campaigns cam ON cam.id = cp.campaign_id
          WHERE cp.customer_id = c.id AND cam.name = ${campaign}::text))`);
  }

  /** The page's two count queries (as it sends them) and the list's own totals, under one person. */
  async function pageCounts(api: Client, params: string, limitedRole: boolean) {
    const read = async (query: Record<string, unknown> | null, short: string) => {
      expect(query, `${params}: ${short}`).not.toBeNull();
      // The number's own count, from the kept counts by owner or (cut by a campaign) customer_insights.
      const member = (query!.measures as string[])[0]!;
      expect(member.endsWith(`.${short}`), `${params}: ${member}`).toBe(true);
      // One row of the number's parts: no customer grouped, no total over a list.
      expect(query!.dimensions ?? [], params).toEqual([]);
      expect(query!.total, params).toBeUndefined();
      const [row] = await api.load({ ...query! });
      return Number(row?.[member] ?? 0);
    };
    const search = new URLSearchParams(params);
    const queries = customersQueries(parseDrill(search, AS_OF), parsePage(search), limitedRole, AS_OF);
    const churned = await read(queries.numerator_count as Record<string, unknown> | null, 'churned_buyers');
    const buyers = await read(queries.denominator_count as Record<string, unknown> | null, 'buyers_to_date');
    const total = async (show: string) => {
      const s = new URLSearchParams(`${params}&show=${show}`);
      return (await api.answer({ ...buildDrillPageQuery(parseDrill(s, AS_OF), { offset: 0, limit: 1, sort: null, desc: true }) })).total!;
    };
    // The page's own list carries no total: the count it names comes from its total query, the same count measure.
    const listed = async (show: string) => {
      const s = new URLSearchParams(`${params}&show=${show}`);
      const q = customersQueries(parseDrill(s, AS_OF), parsePage(s), limitedRole, AS_OF);
      expect(q.list.total, `${params} ${show}`).toBeUndefined();
      expect(q.list_total, `${params} ${show}`).not.toBeNull();
      return listedCustomers(q.list_total, { rows: await api.load({ ...q.list_total! }) }, null);
    };
    return {
      churned, buyers, listChurned: await total('numerator'), listBuyers: await total('all'),
      pageChurned: await listed('numerator'), pageBuyers: await listed('all'),
    };
  }

  it('equal the lists\' totals and SQL for every role, whole and sliced by team, channel and campaign (churn, then LTV)', async () => {
    const manager = one(await ctx.db.sql<{ team_id: number }[]>`
      SELECT e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const staff = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`);
    const names = one(await ctx.db.sql<{ team: string; channel: string; campaign: string }[]>`
      SELECT (SELECT t.name FROM siyu.teams t WHERE t.id = ${manager.team_id}) AS team,
             (SELECT ch.name FROM siyu.customers c JOIN siyu.channels ch ON ch.id = c.source_channel_id GROUP BY ch.name ORDER BY count(*) DESC LIMIT 1) AS channel,
             (SELECT cam.name FROM siyu.campaign_participations cp JOIN siyu.campaigns cam ON cam.id = cp.campaign_id GROUP BY cam.name ORDER BY count(*) DESC LIMIT 1) AS campaign`);
    const slices: Array<[string, { team?: string; channel?: string; campaign?: string }]> = [
      ['', {}],
      [`&team=${encodeURIComponent(names.team)}`, { team: names.team }],
      [`&channel=${encodeURIComponent(names.channel)}`, { channel: names.channel }],
      [`&campaign=${encodeURIComponent(names.campaign)}`, { campaign: names.campaign }],
    ];
    const people: Array<[string, { owner?: number; team?: number }, boolean]> = [
      ['exec', {}, false], ['ops', {}, false], ['manager', { team: manager.team_id }, true], ['staff', { owner: staff.employee_id }, true],
    ];
    let nonEmpty = 0;
    for (const [username, scope, limited] of people) {
      const api = username === 'exec' ? ctx.api : await ctx.stack.client(username);
      for (const [params, slice] of slices) {
        const got = await pageCounts(api, `metric=churn_rate${params}`, limited);
        const sql = await sqlCounts(scope, slice);
        const where = `${username} ${params || '(whole)'}`;
        expect({ churned: got.churned, buyers: got.buyers }, where).toEqual({ churned: sql.churned, buyers: sql.buyers });
        expect({ churned: got.listChurned, buyers: got.listBuyers }, where).toEqual({ churned: sql.churned, buyers: sql.buyers });
        expect({ churned: got.pageChurned, buyers: got.pageBuyers }, where).toEqual({ churned: sql.churned, buyers: sql.buyers });
        if (sql.churned > 0 && sql.buyers > sql.churned) nonEmpty++;
      }
    }
    // Most cases hold both churned and current buyers, so neither count is trivially 0 or the whole.
    expect(nonEmpty).toBeGreaterThan(8);

    // The LTV list (every buyer, by LTV): its total is the same buyers' count, and the page asks none of its own.
    for (const [username, scope, limited] of people) {
      const api = username === 'exec' ? ctx.api : await ctx.stack.client(username);
      for (const [params, slice] of slices) {
        const where = `${username} ltv ${params || '(whole)'}`;
        const search = new URLSearchParams(`metric=ltv${params}`);
        const q = customersQueries(parseDrill(search, AS_OF), parsePage(search), limited, AS_OF);
        expect(q.list.total, where).toBeUndefined();
        expect(q.list_total, where).not.toBeNull();
        const named = listedCustomers(q.list_total, { rows: await api.load({ ...q.list_total! }) }, null);
        const own = (await api.answer({ ...buildDrillPageQuery(parseDrill(search, AS_OF), { offset: 0, limit: 1, sort: null, desc: true }) })).total;
        const { buyers } = await sqlCounts(scope, slice);
        expect({ named, own }, where).toEqual({ named: buyers, own: buyers });
      }
    }
  });
});
