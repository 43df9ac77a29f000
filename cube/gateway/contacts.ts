/**
 * A staff member's day: today's list of their customers to contact (the four
 * action lists in one, most urgent first, minus whoever was contacted since
 * the data's today), revealing the phone number of their own customer, and
 * recording a contact as a follow-up. The two writes are audited in
 * siyu.audit_log (migration 012).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Account } from './accounts.ts';
import type { CubeProxy } from './cube-proxy.ts';
import { HttpError } from './http-error.ts';
import { stillRunning, untilAnswered } from '../engine/continue-wait.ts';
import { ACTION_LISTS, ACTION_ORDER } from '../../web/src/features/actions/build-queries.ts';

/** Full numbers one person may reveal per business day; PHONE_REVEALS_PER_DAY overrides it (tests). */
export const PHONE_REVEALS_PER_DAY = 200;

export function phoneRevealLimit(): number {
  const n = Number(process.env.PHONE_REVEALS_PER_DAY);
  return Number.isInteger(n) && n > 0 ? n : PHONE_REVEALS_PER_DAY;
}

/** Per trigger, at most this many customers reach the list (a manager's team included). */
const PER_TRIGGER = 500;

export const CONTACT_CHANNELS = ['call', 'wecom_chat', 'visit'] as const;
export const CONTACT_OUTCOMES = ['reached', 'no_answer', 'booked', 'declined'] as const;

interface Deps {
  up(): { sql: Sql; proxy: CubeProxy };
  requireAccount(request: FastifyRequest): Account;
}

interface TodayRow {
  customer: number;
  name: string | null;
  phone: string | null;
  trigger: string;
  reason: string | null;
  ownerId: number | null;
  owner: string | null;
  /** The owner's team (docs/architecture.md, "Names"). */
  ownerTeam: string | null;
}

const v = (short: string) => `customer_insights.${short}`;

/** The rows of a load, asking again while Cube answers "Continue wait" (continue-wait.ts). */
async function loadRows(proxy: CubeProxy, account: Account, query: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const answer = await untilAnswered(() => proxy.load(account, query), stillRunning, {
    attempts: 200, delayMs: 300, gaveUp: () => new HttpError(504, 'The list took too long to compute; try again shortly.'),
  });
  if (!Array.isArray(answer.data)) throw new HttpError(502, 'The analytics engine sent an unreadable answer.');
  return answer.data as Array<Record<string, unknown>>;
}

const customerId = (request: FastifyRequest): number => {
  const id = Number((request.params as { id?: string }).id);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new HttpError(404, 'No such customer.');
  return id;
};

const userAgent = (request: FastifyRequest): string | null => {
  const ua = request.headers['user-agent'];
  return typeof ua === 'string' ? ua.slice(0, 500) : null;
};

/**
 * The customer's owner, if the account may act on the customer: staff on
 * their own customers, `admin` on any (when `adminToo`). Anyone else is
 * refused: managers and the brand-wide roles may not, a colleague's customer
 * is "not found" for a staff member (whose customers they are is not theirs to know).
 */
async function ownedCustomer(sql: Sql, account: Account, id: number, adminToo: boolean, refusal: string): Promise<{ phone: string; owner: number | null }> {
  if (account.role !== 'staff' && !(adminToo && account.role === 'admin')) throw new HttpError(403, refusal);
  const [row] = await sql<{ phone: string; owner: number | null }[]>`
    SELECT phone, owner_employee_id AS owner FROM siyu.customers WHERE id = ${id}`;
  if (!row || (account.role === 'staff' && row.owner !== account.employeeId)) throw new HttpError(404, 'No such customer among yours.');
  return row;
}

const contactSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'outcome', 'idempotencyKey'],
  properties: {
    channel: { type: 'string', enum: [...CONTACT_CHANNELS] },
    outcome: { type: 'string', enum: [...CONTACT_OUTCOMES] },
    note: { type: 'string', maxLength: 500 },
    idempotencyKey: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,100}$' },
  },
} as const;

const CONTACT_USAGE = 'Send {"channel": "call" | "wecom_chat" | "visit", "outcome": "reached" | "no_answer" | "booked" | "declined", '
  + '"note": "at most 500 characters", "idempotencyKey": "8–100 letters, digits, - or _"}.';

export function registerContactRoutes(app: FastifyInstance, deps: Deps): void {
  /** Today's list of the caller's customers (a manager: the team's), with the backlog per owner. */
  app.get('/api/today', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql, proxy } = deps.up();
    // The lists in the catalogue's order, each by its own urgency, as the page asks for them.
    const lists = await Promise.all(ACTION_LISTS.map((id) => loadRows(proxy, account, {
      dimensions: [v('customer'), v('customer_name'), v('phone'), v('action_reason'), v('owner'), v('owner_id'), v('owner_team'), ACTION_ORDER[id].member],
      segments: [v(id)],
      order: { [ACTION_ORDER[id].member]: ACTION_ORDER[id].direction, [v('customer')]: 'asc' },
      limit: PER_TRIGGER,
    })));
    const seen = new Set<number>();
    const rows: TodayRow[] = [];
    lists.forEach((list, i) => {
      for (const r of list) {
        const customer = Number(r[v('customer')]);
        // A customer on two lists is called once, under the first list's reason (the reason names both).
        if (seen.has(customer)) continue;
        seen.add(customer);
        const ownerId = r[v('owner_id')];
        rows.push({
          customer, name: (r[v('customer_name')] as string | null) ?? null, phone: (r[v('phone')] as string | null) ?? null,
          trigger: ACTION_LISTS[i]!, reason: (r[v('action_reason')] as string | null) ?? null,
          ownerId: ownerId === null || ownerId === undefined ? null : Number(ownerId),
          owner: (r[v('owner')] as string | null) ?? null, ownerTeam: (r[v('owner_team')] as string | null) ?? null,
        });
      }
    });
    // Contacted on or after the data's today (a contact recorded now, in a demo whose today is past, too): done for today.
    const contacted = rows.length === 0 ? [] : await sql<{ customer_id: number }[]>`
      SELECT DISTINCT customer_id FROM siyu.follow_ups
      WHERE customer_id = ANY(${rows.map((r) => r.customer)}::int[])
        AND (occurred_at AT TIME ZONE siyu.business_tz())::date >= siyu.as_of()`;
    const done = new Set(contacted.map((c) => c.customer_id));
    const open = rows.filter((r) => !done.has(r.customer));
    const backlog = new Map<string, { ownerId: number | null; owner: string | null; ownerTeam: string | null; customers: number }>();
    for (const r of open) {
      const key = String(r.ownerId);
      const entry = backlog.get(key) ?? { ownerId: r.ownerId, owner: r.owner, ownerTeam: r.ownerTeam, customers: 0 };
      entry.customers += 1;
      backlog.set(key, entry);
    }
    reply.header('Cache-Control', 'no-store');
    return {
      rows: open,
      contactedToday: rows.length - open.length,
      truncated: lists.some((l) => l.length >= PER_TRIGGER),
      backlog: [...backlog.values()].sort((a, b) => b.customers - a.customers || String(a.owner).localeCompare(String(b.owner))),
    };
  });

  /** The full number of the caller's own customer (admin: any), audited, a few hundred a day at most. */
  app.post('/api/customers/:id/phone', async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql } = deps.up();
    const id = customerId(request);
    const limit = phoneRevealLimit();
    const phone = await sql.begin(async (tx) => {
      const customer = await ownedCustomer(tx as unknown as Sql, account, id, true,
        'Only the customer\'s own advisor may see the full number.');
      // One person's reveals are counted and written one at a time, so two tabs cannot both take the last one.
      await tx`SELECT pg_advisory_xact_lock(hashtext('reveal:' || ${account.username}))`;
      const [used] = await tx<{ n: number }[]>`
        SELECT count(*)::int AS n FROM siyu.audit_log
        WHERE username = ${account.username} AND action = 'reveal_phone'
          AND at >= (date_trunc('day', now() AT TIME ZONE siyu.business_tz()) AT TIME ZONE siyu.business_tz())`;
      if (used!.n >= limit) {
        throw new HttpError(429, `You have seen ${limit} full numbers today, the daily limit; the count starts again tomorrow.`);
      }
      await tx`
        INSERT INTO siyu.audit_log (username, action, customer_id, ip, user_agent)
        VALUES (${account.username}, 'reveal_phone', ${id}, ${request.ip}, ${userAgent(request)})`;
      return customer.phone;
    });
    reply.header('Cache-Control', 'no-store');
    return { customer: id, phone };
  });

  /** A contact with the caller's own customer, written once however often the same save arrives. */
  app.post('/api/customers/:id/contacts', {
    schema: { body: contactSchema },
    schemaErrorFormatter: () => new HttpError(400, CONTACT_USAGE),
  }, async (request, reply) => {
    const account = deps.requireAccount(request);
    const { sql } = deps.up();
    const id = customerId(request);
    const body = request.body as { channel: string; outcome: string; note?: string; idempotencyKey: string };
    const note = body.note?.trim() ? body.note.trim() : null;
    const result = await sql.begin(async (tx) => {
      await ownedCustomer(tx as unknown as Sql, account, id, false, 'Only the customer\'s own advisor records contacts.');
      // Ids are max + 1 (the seed's ids have no sequence): the lock makes two saves take turns.
      await tx`LOCK TABLE siyu.follow_ups IN SHARE ROW EXCLUSIVE MODE`;
      const [existing] = await tx<{ id: number; customer_id: number }[]>`
        SELECT id, customer_id FROM siyu.follow_ups WHERE recorded_by = ${account.username} AND idempotency_key = ${body.idempotencyKey}`;
      if (existing) {
        if (existing.customer_id !== id) throw new HttpError(409, 'This save was already used for another customer; reload the page.');
        return { id: existing.id, created: false };
      }
      const [row] = await tx<{ id: number }[]>`
        INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at, outcome, note, recorded_by, idempotency_key)
        SELECT coalesce(max(id), 0) + 1, ${id}, ${account.employeeId!}, ${body.channel}, now(), ${body.outcome}, ${note},
               ${account.username}, ${body.idempotencyKey}
        FROM siyu.follow_ups
        RETURNING id`;
      await tx`
        INSERT INTO siyu.audit_log (username, action, customer_id, follow_up_id, ip, user_agent)
        VALUES (${account.username}, 'record_contact', ${id}, ${row!.id}, ${request.ip}, ${userAgent(request)})`;
      return { id: row!.id, created: true };
    });
    reply.status(result.created ? 201 : 200).header('Cache-Control', 'no-store');
    return { followUp: result.id, created: result.created };
  });
}
