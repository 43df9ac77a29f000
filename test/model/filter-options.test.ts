/**
 * The filter bar's lists (web/src/lib/filters.ts) read the dimension tables
 * and small kept tables (team_options, channel_options;
 * model/cubes/filter_options.yml), not the facts or their rollups, and give
 * each role what the fact views gave it before: the teams of the employees
 * with a customer, follow-up or booking (staff_performance.team), the
 * channels and campaigns of the spend and campaign-attributed paid orders,
 * and for the whole brand the customers' source channels (channel_roi), all
 * within the role's scope. Checked against plain SQL on the facts, as seeded
 * and after writes that add or move such facts and an employee's team move.
 * The channel and campaign keys are kept in siyu.channel_option_keys
 * (migration 060): after random writes of orders, spend and customers it
 * equals the UNION the cube computed before, its counts equal the facts',
 * and the cube's refresh key moves only when a key appears or goes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildFilterOptionsQuery, optionValues, type FilterKind } from '../../web/src/lib/filters.ts';
import { signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const KINDS: FilterKind[] = ['team', 'channel', 'campaign'];
const USERS = ['exec', 'ops', 'manager', 'staff'];

/** The list as plain SQL on the facts, within the role's scope (the employee, or their team). */
async function independent(db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, kind: FilterKind): Promise<string[]> {
  const manager = who.role === 'manager' ? who.teamId : null;
  const staff = who.role === 'staff' ? who.employeeId : null;
  const brand = manager === null && staff === null;
  const inScope = db.sql`(${manager}::int IS NULL OR e.team_id = ${manager}::int) AND (${staff}::int IS NULL OR e.id = ${staff}::int)`;
  if (kind === 'team') {
    const rows = await db.sql<{ name: string }[]>`
      SELECT DISTINCT t.name FROM siyu.employees AS e JOIN siyu.teams AS t ON t.id = e.team_id
      WHERE ${inScope}
        AND (EXISTS (SELECT 1 FROM siyu.customers AS c WHERE c.owner_employee_id = e.id)
          OR EXISTS (SELECT 1 FROM siyu.follow_ups AS f WHERE f.employee_id = e.id)
          OR EXISTS (SELECT 1 FROM siyu.appointments AS a WHERE a.employee_id = e.id))
      ORDER BY 1`;
    return rows.map((r) => r.name);
  }
  const rows = await db.sql<{ name: string }[]>`
    SELECT DISTINCT ${kind === 'channel' ? db.sql`ch.name` : db.sql`ca.name`} AS name
    FROM (SELECT channel_id, campaign_id, employee_id FROM siyu.campaign_spend
          UNION ALL SELECT channel_id, campaign_id, employee_id FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL
          UNION ALL SELECT source_channel_id, NULL, NULL FROM siyu.customers WHERE ${brand}) AS f
    JOIN siyu.channels AS ch ON ch.id = f.channel_id
    LEFT JOIN siyu.campaigns AS ca ON ca.id = f.campaign_id
    LEFT JOIN siyu.employees AS e ON e.id = f.employee_id
    WHERE (${brand} OR (e.id IS NOT NULL AND ${inScope})) AND ${kind === 'campaign' ? db.sql`ca.name IS NOT NULL` : db.sql`true`}
    ORDER BY 1`;
  return rows.map((r) => r.name);
}

/** The UNION the channel_option_rows cube computed at every query before migration 060. */
async function oldUnion(db: Sql): Promise<string[]> {
  const rows = await db<{ key: string }[]>`
    SELECT CONCAT_WS('/', channel_id, COALESCE(campaign_id::text, '-'), COALESCE(employee_id::text, '-')) AS key
    FROM (SELECT channel_id, campaign_id, employee_id FROM siyu.campaign_spend
          UNION
          SELECT channel_id, campaign_id, employee_id FROM siyu.sales_months WHERE campaign_id IS NOT NULL AND paid_orders > 0
          UNION
          SELECT channel.id, NULL::integer, NULL::integer FROM siyu.channels AS channel
          WHERE EXISTS (SELECT 1 FROM siyu.customers AS customer WHERE customer.source_channel_id = channel.id)) AS u
`;
  return rows.map((r) => r.key).sort();
}

/** Each key's three counts from the facts: spend rows, business months with a paid attributed order, (day, owner) pairs of its customers. */
async function countsFromFacts(db: Sql): Promise<string[]> {
  const rows = await db<{ row: string }[]>`
    SELECT CONCAT_WS('/', channel_id, COALESCE(campaign_id::text, '-'), COALESCE(employee_id::text, '-'), SUM(spend), SUM(months), SUM(days)) AS row
    FROM (SELECT channel_id, campaign_id, employee_id, count(*) AS spend, 0 AS months, 0 AS days FROM siyu.campaign_spend GROUP BY 1, 2, 3
          UNION ALL
          SELECT channel_id, campaign_id, employee_id, 0, count(DISTINCT date_trunc('month', ordered_at AT TIME ZONE siyu.business_tz())), 0
          FROM siyu.orders WHERE status = 'paid' AND campaign_id IS NOT NULL GROUP BY 1, 2, 3
          UNION ALL
          SELECT source_channel_id, NULL, NULL, 0, 0,
                 count(DISTINCT ((registered_at AT TIME ZONE siyu.business_tz())::date::text || '/' || COALESCE(owner_employee_id::text, '-')))
          FROM siyu.customers GROUP BY 1) AS facts
    GROUP BY channel_id, campaign_id, employee_id`;
  return rows.map((r) => r.row).sort();
}

/** The brand's pairs table against the keys' channel × campaign pairs, with how many keys each. */
async function pairsDiffer(db: Sql): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (
      (SELECT channel_id, campaign_id, key_rows FROM siyu.channel_option_pairs
       EXCEPT SELECT channel_id, campaign_id, count(*) FROM siyu.channel_option_keys GROUP BY 1, 2)
      UNION ALL
      (SELECT channel_id, campaign_id, count(*) FROM siyu.channel_option_keys GROUP BY 1, 2
       EXCEPT SELECT channel_id, campaign_id, key_rows FROM siyu.channel_option_pairs)) AS d`;
  return row!.n;
}

async function keptKeys(db: Sql): Promise<{ keys: string[]; counts: string[] }> {
  const rows = await db<{ key: string; row: string }[]>`
    SELECT CONCAT_WS('/', channel_id, COALESCE(campaign_id::text, '-'), COALESCE(employee_id::text, '-')) AS key,
           CONCAT_WS('/', channel_id, COALESCE(campaign_id::text, '-'), COALESCE(employee_id::text, '-'), spend_rows, paid_months, source_days) AS row
    FROM siyu.channel_option_keys`;
  return { keys: rows.map((r) => r.key).sort(), counts: rows.map((r) => r.row).sort() };
}

/** The cube's own refresh key SQL, read from its model file, run as Cube would. */
function refreshKeySql(modelDir: string): string {
  const text = readFileSync(path.join(modelDir, 'cubes', 'channel_option_rows.js'), 'utf8');
  const match = /refresh_key:\s*\{\s*every:[^\n]*\n\s*sql: `([^`]+)`/.exec(text);
  if (!match) throw new Error('no refresh key SQL found for channel_option_rows');
  return match[1]!.trim();
}

/** A small deterministic random source (mulberry32), so a failing run can be replayed. */
function randomSource(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe('the filter bar\'s lists from the dimension tables (team_options, channel_options)', () => {
  const config = loadConfig();
  const ctx = useTestStack('filter_options_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('reads no fact table', async () => {
    for (const { who } of people) {
      for (const kind of KINDS) {
        const sql = await probe.sql(who, buildFilterOptionsQuery(kind));
        expect(sql, `${who.role} · ${kind}`).not.toMatch(/\bsiyu\.(orders|paid_orders|follow_ups|appointments|events)\b|siyu_pre_aggregations/);
        // The brand reads the pairs; a team or an employee its keys.
        if (kind !== 'team') {
          expect(sql, `${who.role} · ${kind}`).toContain(who.role === 'manager' || who.role === 'staff' ? 'siyu.channel_option_keys' : 'siyu.channel_option_pairs');
        }
      }
    }
  });

  const checkAll = async (label: string): Promise<void> => {
    for (const { who, api } of people) {
      for (const kind of KINDS) {
        const expected = await independent(ctx.db, who, kind);
        await expect.poll(async () => optionValues(await api.load(buildFilterOptionsQuery(kind)), kind), {
          timeout: 20_000, interval: 500, message: `${label} · ${who.role} · ${kind}`,
        }).toEqual(expected);
      }
    }
  };

  it('equals plain SQL on the facts for each role, as seeded', async () => {
    await checkAll('as seeded');
    const manager = people.find((p) => p.who.role === 'manager')!;
    expect(optionValues(await manager.api.load(buildFilterOptionsQuery('team')), 'team')).toHaveLength(1);
    expect(optionValues(await people[0]!.api.load(buildFilterOptionsQuery('campaign')), 'campaign').length).toBeGreaterThan(3);
  }, 240_000);

  it('follows writes: new spend and an attributed order in a new campaign, a refund, an employee moved to another team', async () => {
    const db = ctx.db.sql;
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [outsider] = await db<{ id: number; team_id: number }[]>`
      SELECT id, team_id FROM siyu.employees WHERE team_id <> ${manager.teamId} AND id <> ${staff.employeeId} ORDER BY id LIMIT 1`;
    const [ids] = await db<{ campaign: number; spend: number; order: number; channel: number; customer: number }[]>`
      SELECT (SELECT max(id) + 1 FROM siyu.campaigns) AS campaign, (SELECT max(id) + 1 FROM siyu.campaign_spend) AS spend,
             (SELECT max(id) + 1 FROM siyu.orders) AS "order", (SELECT max(id) FROM siyu.channels) AS channel, (SELECT min(id) FROM siyu.customers) AS customer`;
    // A campaign nobody has spent on or sold in yet is in no list.
    await db`INSERT INTO siyu.campaigns (id, name, type, starts_at, ends_at, budget, target_gmv)
      SELECT ${ids!.campaign}, 'reg 测试活动', type, starts_at, ends_at, budget, target_gmv FROM siyu.campaigns ORDER BY id LIMIT 1`;
    await checkAll('a new campaign');
    // The staff member spends on it; the outsider sells in it (paid, then refunded); a spend without an employee.
    await db`INSERT INTO siyu.campaign_spend (id, campaign_id, channel_id, employee_id, spent_on, amount)
      VALUES (${ids!.spend}, ${ids!.campaign}, ${ids!.channel}, ${staff.employeeId}, siyu.as_of(), 10), (${ids!.spend + 1}, ${ids!.campaign}, ${ids!.channel}, NULL, siyu.as_of(), 5)`;
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${ids!.order}, ${ids!.customer}, ${outsider!.id}, (SELECT min(id) FROM siyu.channels), ${ids!.campaign}, siyu.local_midnight(siyu.as_of()) + interval '9 hours', 99, 1, 'core', 'paid')`;
    await checkAll('spend and an attributed order');
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${ids!.order}`;
    await checkAll('the order refunded');
    await db`UPDATE siyu.orders SET status = 'paid' WHERE id = ${ids!.order}`;
    // The outsider joins the manager's team: their facts (and team) come with them.
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId} WHERE id = ${outsider!.id}`;
    await checkAll('an employee moved into the manager\'s team');
    await db`DELETE FROM siyu.campaign_spend WHERE id IN (${ids!.spend}, ${ids!.spend + 1})`;
    await checkAll('the spend deleted');
  }, 300_000);

  it('keeps the channel and campaign keys exact through random writes of orders, spend and customers', async () => {
    const db = ctx.db.sql;
    const expectKept = async (label: string): Promise<void> => {
      const kept = await keptKeys(db);
      expect(kept.keys, `${label}: the keys`).toEqual(await oldUnion(db));
      expect(kept.counts, `${label}: the counts`).toEqual(await countsFromFacts(db));
      expect(await pairsDiffer(db), `${label}: the brand's pairs`).toBe(0);
    };
    await expectKept('before the writes');
    const seed = 19060;
    const rnd = randomSource(seed);
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const [base] = await db<{ order: number; spend: number; customer: number; channel: number; campaign: number; asOf: string }[]>`
      SELECT (SELECT max(id) FROM siyu.orders) AS "order", (SELECT max(id) FROM siyu.campaign_spend) AS spend,
             (SELECT max(id) FROM siyu.customers) AS customer, (SELECT max(id) FROM siyu.channels) AS channel,
             (SELECT max(id) FROM siyu.campaigns) AS campaign, siyu.as_of()::text AS "asOf"`;
    // A channel and a campaign of the test's own, so that keys come and go
    // (every seeded channel has customers); a few seeded ones, so that keys collide.
    const channel = base!.channel + 1;
    const campaign = base!.campaign + 1;
    await db`INSERT INTO siyu.channels (id, code, name, kind, type) VALUES (${channel}, 'option_keys_test', '选项键测试渠道', 'public', 'ads')`;
    await db`INSERT INTO siyu.campaigns (id, name, type, starts_at, ends_at, budget, target_gmv)
      SELECT ${campaign}, '选项键测试活动', type, starts_at, ends_at, budget, target_gmv FROM siyu.campaigns ORDER BY id LIMIT 1`;
    const seeded = await db<{ channel: number; campaign: number; employee: number; customer: number }[]>`
      SELECT (SELECT id FROM siyu.channels ORDER BY id OFFSET n LIMIT 1) AS channel, (SELECT id FROM siyu.campaigns ORDER BY id OFFSET n LIMIT 1) AS campaign,
             (SELECT id FROM siyu.employees ORDER BY id OFFSET n LIMIT 1) AS employee, (SELECT id FROM siyu.customers ORDER BY id OFFSET n LIMIT 1) AS customer
      FROM generate_series(0, 1) AS n`;
    const channels = [channel, channel, ...seeded.map((r) => r.channel)];
    const campaigns: Array<number | null> = [campaign, campaign, seeded[0]!.campaign, null];
    const employees: Array<number | null> = [null, ...seeded.map((r) => r.employee)];
    const daysBack = [0, 1, 40, 75];
    const when = (): string => `${pick(daysBack)}`;
    const orders: number[] = [];
    const spends: number[] = [];
    const customers: number[] = [];
    let nextOrder = base!.order + 1;
    let nextSpend = base!.spend + 1;
    let nextCustomer = base!.customer + 1;
    const some = (ids: number[]): number[] => (ids.length === 0 ? [] : [...new Set([pick(ids), pick(ids)])]);
    const drop = (ids: number[], gone: number[]): void => { for (const id of gone) ids.splice(ids.indexOf(id), 1); };

    for (let round = 1; round <= 72; round++) {
      const op = rnd(9);
      if (op === 0 || (op <= 3 && orders.length === 0)) {
        const rows = Array.from({ length: 1 + rnd(3) }, () => ({
          id: nextOrder++, customer: pick(seeded).customer, employee: pick(employees), channel: pick(channels), campaign: pick(campaigns),
          back: when(), status: rnd(4) === 0 ? 'refunded' : 'paid',
        }));
        for (const r of rows) {
          await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
            VALUES (${r.id}, ${r.customer}, ${r.employee}, ${r.channel}, ${r.campaign},
                    siyu.local_midnight(${base!.asOf}::date - ${r.back}::int) + interval '10 hours', 20, 1, 'core', ${r.status})`;
          orders.push(r.id);
        }
      } else if (op === 1) {
        await db`UPDATE siyu.orders SET status = CASE WHEN status = 'paid' THEN 'refunded' ELSE 'paid' END WHERE id IN ${db(some(orders))}`;
      } else if (op === 2) {
        await db`UPDATE siyu.orders SET campaign_id = ${pick(campaigns)}, employee_id = ${pick(employees)}, channel_id = ${pick(channels)},
          ordered_at = siyu.local_midnight(${base!.asOf}::date - ${when()}::int) + interval '11 hours' WHERE id IN ${db(some(orders))}`;
      } else if (op === 3) {
        const gone = some(orders);
        await db`DELETE FROM siyu.orders WHERE id IN ${db(gone)}`;
        drop(orders, gone);
      } else if (op === 4 || (op === 5 && spends.length === 0)) {
        const ids = [nextSpend++, nextSpend++].slice(0, 1 + rnd(2));
        await db`INSERT INTO siyu.campaign_spend ${db(ids.map((id) => ({
          id, campaign_id: pick(campaigns) ?? campaign, channel_id: pick(channels), employee_id: pick(employees), spent_on: base!.asOf, amount: 10,
        })))}`;
        spends.push(...ids);
      } else if (op === 5) {
        if (rnd(2) === 0) {
          const gone = some(spends);
          await db`DELETE FROM siyu.campaign_spend WHERE id IN ${db(gone)}`;
          drop(spends, gone);
        } else {
          await db`UPDATE siyu.campaign_spend SET channel_id = ${pick(channels)}, employee_id = ${pick(employees)} WHERE id IN ${db(some(spends))}`;
        }
      } else if (op === 6 || (op >= 7 && customers.length === 0)) {
        const id = nextCustomer++;
        await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
          VALUES (${id}, ${`键测试${id}`}, ${`1990${String(id).padStart(7, '0')}`}, 'unknown', 'tier2', ${pick(channels)}, ${pick(employees)},
                  siyu.local_midnight(${base!.asOf}::date - ${when()}::int) + interval '9 hours', 'normal')`;
        customers.push(id);
      } else if (op === 7) {
        await db`UPDATE siyu.customers SET source_channel_id = ${pick(channels)}, owner_employee_id = ${pick(employees)},
          registered_at = siyu.local_midnight(${base!.asOf}::date - ${when()}::int) + interval '8 hours' WHERE id IN ${db(some(customers))}`;
      } else {
        const gone = some(customers);
        await db`DELETE FROM siyu.customers WHERE id IN ${db(gone)}`;
        drop(customers, gone);
      }
      if (round % 8 === 0) await expectKept(`seed ${seed}, round ${round} (op ${op})`);
    }
    await checkAll('after the random writes');
    // The test's own rows gone: the keys of its channel and campaign go with them.
    await db`DELETE FROM siyu.orders WHERE id > ${base!.order}`;
    await db`DELETE FROM siyu.campaign_spend WHERE id > ${base!.spend}`;
    await db`DELETE FROM siyu.customers WHERE id > ${base!.customer}`;
    await expectKept('the written rows deleted');
    const [left] = await db<{ n: number }[]>`
      SELECT count(*)::int AS n FROM siyu.channel_option_keys WHERE channel_id = ${channel} OR campaign_id = ${campaign}`;
    expect(left!.n).toBe(0);
  }, 300_000);

  it('moves the list\'s refresh key only when a key appears or goes', async () => {
    const db = ctx.db.sql;
    const keySql = refreshKeySql(config.modelDir);
    const version = async (): Promise<string> => (await db.unsafe<{ v: string }[]>(`SELECT (${keySql}) AS v`))[0]!.v;
    const [ids] = await db<{ order: number; customer: number; campaign: number }[]>`
      SELECT (SELECT max(id) + 1 FROM siyu.orders) AS "order", (SELECT max(id) + 1 FROM siyu.customers) AS customer,
             (SELECT max(id) + 1 FROM siyu.campaigns) AS campaign`;
    await db`INSERT INTO siyu.campaigns (id, name, type, starts_at, ends_at, budget, target_gmv)
      SELECT ${ids!.campaign}, '刷新键测试活动', type, starts_at, ends_at, budget, target_gmv FROM siyu.campaigns ORDER BY id LIMIT 1`;
    const [month] = await db<{ channel: number; campaign: number; employee: number | null; at: string; customer: number }[]>`
      SELECT channel_id AS channel, campaign_id AS campaign, employee_id AS employee, (month_start + interval '1 day 10 hours')::text AS at,
             (SELECT min(id) FROM siyu.customers) AS customer
      FROM siyu.sales_months WHERE campaign_id IS NOT NULL AND paid_orders > 0 ORDER BY month_start DESC, channel_id, campaign_id LIMIT 1`;
    const [day] = await db<{ channel: number; owner: number | null; at: string }[]>`
      SELECT source_channel_id AS channel, owner_employee_id AS owner, (day_start + interval '1 hour')::text AS at
      FROM siyu.registration_days WHERE customers > 0 ORDER BY day_start DESC LIMIT 1`;
    const order = (id: number, campaign: number | null, at: string, status = 'paid') => db`
      INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      VALUES (${id}, ${month!.customer}, ${month!.employee}, ${month!.channel}, ${campaign}, ${at}::timestamptz, 30, 1, 'core', ${status})`;
    const before = await version();
    // No new key: an attributed order in a month its key already sold in, an
    // order without a campaign, one in a month the key never sold in (its
    // count moves, the keys do not), a customer on a day, channel and owner
    // that already have one, and the refund of that other month's order.
    await order(ids!.order, month!.campaign, month!.at);
    await order(ids!.order + 1, null, month!.at);
    await order(ids!.order + 2, month!.campaign, '2015-01-15 10:00:00+00');
    await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
      VALUES (${ids!.customer}, '刷新键测试', ${`1991${String(ids!.customer).padStart(7, '0')}`}, 'unknown', 'tier2', ${day!.channel}, ${day!.owner}, ${day!.at}::timestamptz, 'normal')`;
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${ids!.order + 2}`;
    expect(await version(), 'writes that add no key').toBe(before);
    // A paid order in the new campaign adds a key; its refund removes it.
    await order(ids!.order + 3, ids!.campaign, month!.at);
    const added = await version();
    expect(added, 'a paid order with a new key').not.toBe(before);
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${ids!.order + 3}`;
    expect(await version(), 'its refund').not.toBe(added);
    await db`DELETE FROM siyu.orders WHERE id >= ${ids!.order}`;
    await db`DELETE FROM siyu.customers WHERE id = ${ids!.customer}`;
  }, 120_000);
});
