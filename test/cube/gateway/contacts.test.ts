/**
 * A staff member's day on the real product: today's list (checked against
 * plain SQL of the classification), revealing the phone of an own customer
 * (who may, the audit trail, the daily limit) and recording a contact (one
 * follow-up however often the same save arrives, counted in the staff metric
 * at once).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { cubeRoleName } from '../../../cube/database/cube-role.ts';
import { one } from '../../helpers/database.ts';
import { Client, useTestStack } from '../../helpers/stack.ts';

// Small, so the limit is reached in a test; read by the app server at each reveal.
const LIMIT = 3;
process.env.PHONE_REVEALS_PER_DAY = String(LIMIT);

interface TodayRow { customer: number; name: string | null; phone: string | null; trigger: string; reason: string | null; ownerId: number | null }
interface Today { rows: TodayRow[]; backlog: Array<{ ownerId: number | null; customers: number }>; contactedToday: number }

const TRIGGER_ORDER = ['birthday_soon', 'booked_not_arrived', 'high_value_slipping', 'first_order_follow_up'];

describe("a staff member's day: today's list, reveal, record a contact", () => {
  const ctx = useTestStack('contacts', { demoCustomers: 1500 });
  let staff: Client;
  let staffId: number;
  let colleague: Client;
  let colleagueCustomer: number;
  let manager: Client;

  beforeAll(async () => {
    staff = await ctx.stack.client('staff');
    staffId = one(await ctx.db.sql<{ employee_id: number }[]>`SELECT employee_id FROM siyu.accounts WHERE username = 'staff'`).employee_id;
    const [other] = await ctx.db.sql<{ username: string; customer: number }[]>`
      SELECT a.username, min(c.id)::int AS customer
      FROM siyu.accounts a JOIN siyu.customers c ON c.owner_employee_id = a.employee_id
      WHERE a.role = 'staff' AND a.employee_id <> ${staffId} AND a.username LIKE 'e%'
      GROUP BY a.username ORDER BY a.username LIMIT 1`;
    colleague = await ctx.stack.client(other!.username);
    colleagueCustomer = other!.customer;
    manager = await ctx.stack.client('manager');
  });

  /** The staff member's open customers by plain SQL of the classification's flags and the follow-ups since as-of. */
  const openBySql = async (): Promise<number[]> => {
    await ctx.db.sql`SELECT siyu.classification_now_version()`;
    const rows = await ctx.db.sql<{ customer_id: number }[]>`
      SELECT p.customer_id FROM siyu.classification_now p JOIN siyu.customers c ON c.id = p.customer_id
      WHERE c.owner_employee_id = ${staffId}
        AND (p.is_birthday_soon OR p.is_booked_not_arrived OR p.is_high_value_slipping OR p.is_first_order_follow_up)
        AND NOT EXISTS (SELECT 1 FROM siyu.follow_ups f WHERE f.customer_id = p.customer_id
                          AND (f.occurred_at AT TIME ZONE (SELECT value FROM siyu.settings WHERE key = 'time_zone'))::date
                              >= (SELECT value::date FROM siyu.settings WHERE key = 'as_of'))
      ORDER BY 1`;
    return rows.map((r) => r.customer_id);
  };
  const today = async (client: Client): Promise<Today> => {
    const r = await client.request<Today>('GET', '/api/today');
    expect(r.status).toBe(200);
    return r.body;
  };

  it("lists the staff member's own open customers once each, by trigger in the catalogue's order, phones masked", async () => {
    const list = await today(staff);
    const expected = await openBySql();
    expect(expected.length).toBeGreaterThan(0);
    expect(list.rows.map((r) => r.customer).sort((a, b) => a - b)).toEqual(expected);
    expect(list.rows.every((r) => r.ownerId === staffId)).toBe(true);
    const order = list.rows.map((r) => TRIGGER_ORDER.indexOf(r.trigger));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const r of list.rows) {
      expect(r.reason).toBeTruthy();
      expect(r.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
    }
    // The birthdays come nearest first.
    const birthdays = list.rows.filter((r) => r.trigger === 'birthday_soon').map((r) => Number(/生日还有 (\d+) 天/.exec(r.reason!)![1]));
    expect(birthdays).toEqual([...birthdays].sort((a, b) => a - b));
    expect(list.backlog).toEqual([{ ownerId: staffId, owner: expect.any(String), ownerTeam: expect.any(String), customers: expected.length }]);
  });

  it("gives a manager the team's list with the backlog per owner", async () => {
    const { team_id: teamId } = one(await ctx.db.sql<{ team_id: number }[]>`
      SELECT e.team_id FROM siyu.accounts a JOIN siyu.employees e ON e.id = a.employee_id WHERE a.username = 'manager'`);
    const list = await today(manager);
    const owners = new Set((await ctx.db.sql<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${teamId}`).map((r) => r.id));
    expect(list.rows.length).toBeGreaterThan(0);
    expect(list.rows.every((r) => r.ownerId !== null && owners.has(r.ownerId))).toBe(true);
    expect(list.backlog.reduce((s, b) => s + b.customers, 0)).toBe(list.rows.length);
    expect(list.backlog.length).toBeGreaterThan(1);
  });

  it('reveals the full number to the owner alone, audited, never cached, within the daily limit', async () => {
    const [mine, second] = (await today(staff)).rows;
    const { phone } = one(await ctx.db.sql<{ phone: string }[]>`SELECT phone FROM siyu.customers WHERE id = ${mine!.customer}`);
    const response = await fetch(`${ctx.stack.url}/api/customers/${mine!.customer}/phone`, {
      method: 'POST', body: '{}',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'contacts-test', Cookie: await cookieOf(staff) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ customer: mine!.customer, phone });
    const audit = await ctx.db.sql`SELECT username, customer_id, ip, user_agent FROM siyu.audit_log WHERE action = 'reveal_phone'`;
    expect(audit).toEqual([{ username: 'staff', customer_id: mine!.customer, ip: '127.0.0.1', user_agent: 'contacts-test' }]);

    // A colleague's customer is not found for a staff member; a manager and the brand-wide roles may not reveal.
    const colleagueTry = await staff.request('POST', `/api/customers/${colleagueCustomer}/phone`, {});
    expect(colleagueTry).toEqual({ status: 404, body: { error: 'No such customer among yours.' } });
    const fromColleague = await colleague.request('POST', `/api/customers/${mine!.customer}/phone`, {});
    expect(fromColleague.status).toBe(404);
    const fromManager = await manager.request('POST', `/api/customers/${mine!.customer}/phone`, {});
    expect(fromManager).toEqual({ status: 403, body: { error: "Only the customer's own advisor may see the full number." } });
    expect((await ctx.api.request('POST', `/api/customers/${mine!.customer}/phone`, {})).status).toBe(403);
    const admin = await ctx.stack.client('admin');
    expect((await admin.request('POST', `/api/customers/${mine!.customer}/phone`, {})).body).toEqual({ customer: mine!.customer, phone });
    const { n: refusedLogged } = one(await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.audit_log WHERE username <> 'staff' AND username <> 'admin'`);
    expect(refusedLogged).toBe(0);

    // The limit: LIMIT reveals a day, the next is refused and not logged.
    for (let i = 1; i < LIMIT; i++) expect((await staff.request('POST', `/api/customers/${second!.customer}/phone`, {})).status).toBe(200);
    const over = await staff.request('POST', `/api/customers/${second!.customer}/phone`, {});
    expect(over.status).toBe(429);
    expect((over.body as { error: string }).error).toContain(`${LIMIT} full numbers today`);
    const { n } = one(await ctx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.audit_log WHERE username = 'staff' AND action = 'reveal_phone'`);
    expect(n).toBe(LIMIT);
  });

  it("refuses the writes from another site or as a form, and keeps the audit trail from Cube's role", async () => {
    const customer = (await today(staff)).rows[0]!.customer;
    const crossSite = await staff.request('POST', `/api/customers/${customer}/phone`, {}, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const asForm = await staff.request('POST', `/api/customers/${customer}/contacts`, 'channel=call', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(asForm.status).toBe(415);
    const { db } = one(await ctx.db.sql<{ db: string }[]>`SELECT current_database() AS db`);
    const privileges = one(await ctx.db.sql<{ audit: boolean; orders: boolean }[]>`
      SELECT has_table_privilege(${cubeRoleName(db)}, 'siyu.audit_log', 'SELECT') AS audit,
             has_table_privilege(${cubeRoleName(db)}, 'siyu.orders', 'SELECT') AS orders`);
    expect(privileges).toEqual({ audit: false, orders: true });
  });

  it('records a double-clicked contact once, counts it in the staff metric at once, and takes the customer off the list', async () => {
    const followUps = async (): Promise<number> => {
      const [row] = await staff.load({ measures: ['staff_performance.follow_ups'] });
      return Number(row!['staff_performance.follow_ups']);
    };
    const bySql = async (): Promise<number> => (await ctx.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.follow_ups WHERE employee_id = ${staffId}`)[0]!.n;
    const before = await followUps();
    expect(before).toBe(await bySql());
    const target = (await today(staff)).rows[0]!;

    // Refused: bad input in the product's words, a manager, a colleague's customer.
    const bad = await staff.request('POST', `/api/customers/${target.customer}/contacts`, { channel: 'fax', outcome: 'reached', idempotencyKey: 'abcdefgh' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toMatch(/^Send \{"channel": "call"/);
    const key = randomUUID();
    const body = { channel: 'call', outcome: 'reached', note: '约了周六到店', idempotencyKey: key };
    expect((await manager.request('POST', `/api/customers/${target.customer}/contacts`, body)).status).toBe(403);
    expect((await staff.request('POST', `/api/customers/${colleagueCustomer}/contacts`, body)).status).toBe(404);
    expect(await bySql()).toBe(before);

    // A double click: the same save twice at once.
    const [a, b] = await Promise.all([0, 1].map(() => staff.request<{ followUp: number; created: boolean }>('POST', `/api/customers/${target.customer}/contacts`, body)));
    expect([a!.status, b!.status].sort()).toEqual([200, 201]);
    expect(a!.body.followUp).toBe(b!.body.followUp);
    const written = await ctx.db.sql`
      SELECT customer_id, employee_id, kind, outcome, note, recorded_by FROM siyu.follow_ups WHERE idempotency_key = ${key}`;
    expect(written).toEqual([{ customer_id: target.customer, employee_id: staffId, kind: 'call', outcome: 'reached', note: '约了周六到店', recorded_by: 'staff' }]);
    expect(await bySql()).toBe(before + 1);
    const { n: audited } = one(await ctx.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.audit_log WHERE action = 'record_contact' AND follow_up_id = ${a!.body.followUp}`);
    expect(audited).toBe(1);

    // Cube's refresh keys see the write: the metric moves by one within a few seconds.
    let after = before;
    for (let i = 0; i < 40 && after === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await followUps();
    }
    expect(after).toBe(before + 1);

    const list = await today(staff);
    expect(list.rows.some((r) => r.customer === target.customer)).toBe(false);
    expect(list.contactedToday).toBeGreaterThanOrEqual(1);
    expect(list.rows.map((r) => r.customer).sort((x, y) => x - y)).toEqual(await openBySql());
  });
});

/** The session cookie of a logged-in client, for a request with headers of its own. */
async function cookieOf(client: Client): Promise<string> {
  return (client as unknown as { cookie: string }).cookie;
}
