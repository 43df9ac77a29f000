/**
 * The drill-down list ranks customers on the facts, then fetches the page's
 * attributes by id (web/src/lib/drill.ts). Every page, for each role, must
 * hold exactly the rows of plain SQL: the same customers in the same order,
 * the same total, and each customer's own name, owner, owner team, source
 * channel, classification and LTV.
 */
import { describe, expect, it } from 'vitest';
import {
  buildDrillAttributesQuery, buildDrillPageQuery, buildDrillQuery, drillCustomers, parseDrill, parsePage, toDrillRows, type DrillRow,
} from '../../web/src/lib/drill.ts';
import type { Client } from '../../cube/tools/api-client.ts';
import { one } from '../helpers/database.ts';
import { useTestStack } from '../helpers/stack.ts';

const AS_OF = '2026-11-20';
const TZ = 'Asia/Shanghai';
const FROM = '2026-06-01';

interface SqlRow {
  id: number;
  name: string;
  owner: string | null;
  owner_team: string | null;
  source_channel: string | null;
  lifecycle_stage: string;
  rfm_segment: string;
  ltv: string;
  last_paid: string | null;
  part: string;
}

/** A page of the list as the page loads it: the ranked query, then the attributes of its customers. */
async function ranked(api: Client, params: string): Promise<{ rows: DrillRow[]; total: number }> {
  const search = new URLSearchParams(params);
  const slice = parseDrill(search, AS_OF);
  const answer = await api.answer({ ...buildDrillPageQuery(slice, parsePage(search)) });
  const attributes = buildDrillAttributesQuery(slice, drillCustomers(slice.metric, answer.data));
  const rows = toDrillRows(slice.metric, answer.data, attributes ? await api.load({ ...attributes }) : []);
  return { rows, total: answer.total! };
}

const day = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).slice(0, 10));

function asSql(row: DrillRow): Omit<SqlRow, 'id' | 'part'> & { id: number; part: number } {
  const v = row.values;
  return {
    id: row.customer, name: String(v.customer_name), owner: (v.owner as string | null) ?? null, owner_team: (v.owner_team as string | null) ?? null,
    source_channel: (v.source_channel as string | null) ?? null, lifecycle_stage: String(v.lifecycle_stage), rfm_segment: String(v.rfm_segment),
    ltv: Number(v.ltv).toFixed(2), last_paid: day(v.last_paid_date), part: Number(v.part),
  };
}

describe('drill-down lists, ranked then filled in', () => {
  const ctx = useTestStack('drill_lists', { demoCustomers: 1200 });

  /** GMV per customer since FROM, as plain SQL: the scope's credited orders, customers the scope owns. */
  async function gmvSql(scope: { employee?: number; team?: number }): Promise<SqlRow[]> {
    const byEmployee = scope.employee ?? null;
    const byTeam = scope.team ?? null;
    return ctx.db.sql<SqlRow[]>`
      WITH parts AS (
        SELECT o.customer_id, sum(o.amount) AS part
        FROM siyu.orders o LEFT JOIN siyu.employees credited ON credited.id = o.employee_id
        WHERE o.status = 'paid' AND (o.ordered_at AT TIME ZONE ${TZ})::date BETWEEN ${FROM}::date AND ${AS_OF}::date
          AND (${byEmployee}::int IS NULL OR o.employee_id = ${byEmployee}::int)
          AND (${byTeam}::int IS NULL OR credited.team_id = ${byTeam}::int)
        GROUP BY 1)
      SELECT c.id, c.name, owner.name AS owner, team.name AS owner_team, ch.name AS source_channel,
             p.lifecycle_stage, p.rfm_segment, p.paid_amount::numeric(14,2)::text AS ltv, p.last_paid_date::text AS last_paid, parts.part::numeric(14,2)::text AS part
      FROM parts JOIN siyu.customers c ON c.id = parts.customer_id
      LEFT JOIN siyu.employees owner ON owner.id = c.owner_employee_id
      LEFT JOIN siyu.teams team ON team.id = owner.team_id
      LEFT JOIN siyu.channels ch ON ch.id = c.source_channel_id
      JOIN siyu.classification_now p ON p.customer_id = c.id
      WHERE (${byEmployee}::int IS NULL OR c.owner_employee_id = ${byEmployee}::int)
        AND (${byTeam}::int IS NULL OR owner.team_id = ${byTeam}::int)
      ORDER BY parts.part DESC, c.id ASC`;
  }

  const expected = (rows: SqlRow[]) => rows.map((r) => ({ ...r, part: Number(r.part) }));

  it('an executive\'s GMV list: every page, first to last, is SQL\'s ranking with each customer\'s own attributes', async () => {
    const sql = expected(await gmvSql({}));
    expect(sql.length).toBeGreaterThan(100);
    const seen: ReturnType<typeof asSql>[] = [];
    let total = -1;
    for (let page = 1; seen.length < sql.length && page < 100; page++) {
      const answer = await ranked(ctx.api, `metric=gmv&from=${FROM}&to=${AS_OF}&size=50&page=${page}`);
      total = answer.total;
      expect(answer.rows.length).toBeGreaterThan(0);
      seen.push(...answer.rows.map(asSql));
    }
    expect(total).toBe(sql.length);
    expect(seen).toEqual(sql);
  });

  it('a manager and a staff member see their own scope, ranked and filled in alike', async () => {
    const who = one(await ctx.db.sql<{ employee_id: number; team_id: number }[]>`
      SELECT a.employee_id, e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const staff = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`);
    for (const [username, scope] of [['manager', { team: who.team_id }], ['staff', { employee: staff.employee_id }]] as const) {
      const sql = expected(await gmvSql(scope));
      expect(sql.length, username).toBeGreaterThan(0);
      const api = await ctx.stack.client(username);
      const answer = await ranked(api, `metric=gmv&from=${FROM}&to=${AS_OF}&size=1000`);
      expect(answer.total, username).toBe(sql.length);
      expect(answer.rows.map(asSql), username).toEqual(sql);
    }
  });

  it('sorted by an attribute column, a page equals the one-query list\'s page', async () => {
    for (const params of [
      `metric=gmv&from=${FROM}&to=${AS_OF}&sort=owner&dir=asc&size=50&page=3`,
      'metric=customers&sort=ltv&dir=desc&size=20&page=2',
      'metric=segment&segment=rfm_segment&value=重要价值&sort=customer_name&dir=asc&size=50',
      'metric=participants&range=all&size=50',
    ]) {
      const search = new URLSearchParams(params);
      const slice = parseDrill(search, AS_OF);
      const whole = await ctx.api.answer({ ...buildDrillQuery(slice, parsePage(search)) });
      const answer = await ranked(ctx.api, params);
      expect(answer.rows.length, params).toBeGreaterThan(0);
      expect(answer.total, params).toBe(whole.total);
      expect(answer.rows, params).toEqual(toDrillRows(slice.metric, whole.data));
    }
  });
});
