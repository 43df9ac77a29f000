/**
 * A manager's CSV export adds up to the number, as the page does: the team's
 * own customers, then the anonymised row for the other teams' customers behind
 * the team's orders (issue 20). The payload is built by the page's own
 * builders; the totals are checked against plain SQL.
 */
import { describe, expect, it } from 'vitest';
import { buildExportRemainder } from '../../../web/src/lib/drill-scope.ts';
import { buildDrillQuery, drillColumns, parseDrill, parsePage } from '../../../web/src/lib/drill.ts';
import { exportFormFields } from '../../../web/src/lib/export-csv.ts';
import { one } from '../../helpers/database.ts';
import { csvCells as cells } from '../../helpers/csv-cells.ts';
import { type Client, useTestStack } from '../../helpers/stack.ts';

const AS_OF = '2026-11-20';
const cookieOf = (client: Client): string => (client as unknown as { cookie: string }).cookie;

/** Money text → cents, exactly. */
const cents = (text: string): bigint => {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(`${whole}${fraction.padEnd(2, '0').slice(0, 2)}`);
};

describe('a team role\'s CSV export', () => {
  const ctx = useTestStack('export_remainder', { demoCustomers: 1200 });

  it('closes with the anonymised row, so the file\'s GMV and customers equal the team\'s in SQL', async () => {
    const manager = await ctx.stack.client('manager');
    const { team_id: teamId } = one(await ctx.db.sql<{ team_id: number }[]>`
      SELECT e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    // The list's default range: 近12个月, the 365 days ending on as-of.
    const slice = parseDrill(new URLSearchParams('metric=gmv'), AS_OF);
    expect(slice.range).toEqual(['2025-11-21', '2026-11-20']);
    const columns = drillColumns('gmv');
    const payload = {
      query: buildDrillQuery(slice, parsePage(new URLSearchParams())),
      columns: columns.map((c) => ({ member: c.member, title: c.id })),
      filename: 'gmv',
      remainder: buildExportRemainder(slice, true, 'OTHERS {count}') ?? undefined,
    };
    expect(payload.remainder).toBeDefined();
    const { csrfToken } = (await manager.request<{ csrfToken: string }>('GET', '/api/me')).body;
    const response = await fetch(`${ctx.stack.url}/api/export.csv`, {
      method: 'POST', body: new URLSearchParams(exportFormFields(payload, csrfToken)).toString(),
      headers: { Cookie: cookieOf(manager), 'Content-Type': 'application/x-www-form-urlencoded', Origin: ctx.stack.url, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(response.status).toBe(200);
    const lines = (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n').map(cells);
    const header = lines[0]!;
    const gmvAt = header.indexOf('part');
    const ordersAt = header.indexOf('order_count');
    expect(gmvAt).toBeGreaterThan(0);
    const nameAt = header.indexOf('customer_name');
    const rows = lines.slice(1);
    const last = rows.at(-1)!;
    expect(last[nameAt]).toMatch(/^OTHERS \d+$/);
    const others = Number(last[nameAt]!.slice('OTHERS '.length));
    // The anonymised row carries no attribute: only its label and its parts (GMV, orders).
    expect(last.filter((c, i) => i !== nameAt && i !== gmvAt && i !== ordersAt && c !== '')).toEqual([]);

    const [sql] = await ctx.db.sql<{ gmv: string; orders: number; buyers: number; owned: number }[]>`
      SELECT sum(o.amount)::text AS gmv, count(*)::int AS orders, count(DISTINCT o.customer_id)::int AS buyers,
             count(DISTINCT o.customer_id) FILTER (WHERE owner.team_id = ${teamId})::int AS owned
      FROM siyu.orders o
      JOIN siyu.employees credited ON credited.id = o.employee_id
      JOIN siyu.customers c ON c.id = o.customer_id
      LEFT JOIN siyu.employees owner ON owner.id = c.owner_employee_id
      WHERE o.status = 'paid' AND credited.team_id = ${teamId}
        AND (o.ordered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN ${slice.range![0]}::date AND ${slice.range![1]}::date`;
    expect(others).toBeGreaterThan(0);
    expect(rows.length - 1, 'named rows').toBe(sql!.owned);
    expect(rows.length - 1 + others, 'named + anonymised').toBe(sql!.buyers);
    expect(rows.reduce((sum, r) => sum + cents(r[gmvAt]!), 0n)).toBe(cents(sql!.gmv));
    expect(rows.reduce((sum, r) => sum + Number(r[ordersAt]), 0), 'orders').toBe(sql!.orders);
  });
});
