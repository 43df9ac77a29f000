/**
 * Target completion at scale (issue 19): each target's actual is computed
 * per target from the fast structures (siyu.customer_days for the sales
 * metrics, the customers, the follow-ups' employee index), not by the
 * sub-query dimensions over every target's facts it replaced, and it equals
 * an independent SQL query over the raw tables (test/helpers/target-actuals.ts)
 * for every metric a target may name, on a month, a quarter, a year, the
 * seeded campaigns and a campaign that starts and ends within a day (its
 * first and last days partly outside it), under every role's row limits,
 * as seeded and after random writes of orders, refunds, moves, deletions,
 * follow-ups, customers, owners, participations and a team move.
 *
 * The queries are the pages' own: the big-screen's campaign targets, the
 * /targets page's, a campaign's on /activities, and every target by id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildCampaignTargetsQuery } from '../../web/src/features/big-screen/campaign-targets.ts';
import { buildCampaignCompletionQuery } from '../../web/src/features/activities/campaign-completion/build-query.ts';
import { buildCompletionQuery } from '../../web/src/features/targets/build-query.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { answer, comparable, perTarget, visible } from '../helpers/target-actuals.ts';
import { random as generator } from '../helpers/order-writes.ts';
import { useTestStack } from '../helpers/stack.ts';

const USERS = ['exec', 'ops', 'manager', 'staff'];
const METRICS = ['gmv', 'order_count', 'buyers', 'spend_per_buyer', 'items_per_buyer', 'owned_customers',
  'converted_customers', 'follow_ups', 'participants', 'fission_count', 'converted_count'];
/** The campaign added here: from 14:30 twelve days before as-of to 18:00 the day before it (Shanghai). */
const PART_DAY = '测试半日活动';

interface Named { name: string; query: CubeQuery }

describe('target actuals from the fast structures (target_completion)', () => {
  const config = loadConfig();
  const ctx = useTestStack('target_actuals', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let queries: Named[];
  let asOf: string;
  let campaigns: string[];

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const db = ctx.db.sql;
    const month = asOf.slice(0, 7);
    const quarter = `${asOf.slice(0, 4)}-Q${Math.ceil(Number(asOf.slice(5, 7)) / 3)}`;
    const year = asOf.slice(0, 4);
    // A campaign that starts and ends within a day, both before as-of: its first and last days are cut.
    await db`INSERT INTO siyu.campaigns (id, name, type, starts_at, ends_at, budget, target_gmv)
      VALUES ((SELECT max(id) + 1 FROM siyu.campaigns), ${PART_DAY}, 'promotion',
              ((${asOf}::date - 12) + time '14:30') AT TIME ZONE 'Asia/Shanghai', ((${asOf}::date - 1) + time '18:00') AT TIME ZONE 'Asia/Shanghai', 1000, 100000)`;
    // Every metric on every kind of period, for the manager's team, one of its employees and another team's employee.
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const [other] = await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id <> ${manager.teamId} AND active ORDER BY id LIMIT 1`;
    for (const period of [month, quarter, year, `campaign:${PART_DAY}`]) {
      await db`INSERT INTO siyu.targets (period, metric, employee_id, team_id, value, updated_by)
        SELECT ${period}, m, who.employee_id, who.team_id, 10, 'test'
        FROM unnest(${METRICS}::text[]) AS m,
             (VALUES (NULL::int, ${manager.teamId}::int), (${staffMember.employeeId}::int, NULL::int), (${other!.id}::int, NULL::int)) AS who (employee_id, team_id)
        ON CONFLICT DO NOTHING`;
    }
    campaigns = [PART_DAY, ...(await db<{ name: string }[]>`
      SELECT DISTINCT substr(period, 10) AS name FROM siyu.targets WHERE period LIKE 'campaign:%' AND period <> ${`campaign:${PART_DAY}`} ORDER BY 1`).map((r) => r.name)];
    expect(campaigns.length).toBeGreaterThan(1);
    const byId: CubeQuery = {
      measures: ['target', 'actual', 'achievement_rate', 'bonus_earned'].map((m) => `target_completion.${m}`),
      dimensions: ['id', 'period', 'target_metric', 'level'].map((d) => `target_completion.${d}`),
      limit: 5000,
    };
    queries = [
      { name: 'every target by id', query: byId },
      ...[month, quarter, year].map((p) => ({ name: `/targets ${p}`, query: buildCompletionQuery(p) as CubeQuery })),
      ...campaigns.flatMap((c) => [
        { name: `big-screen ${c}`, query: buildCampaignTargetsQuery(c) as CubeQuery },
        { name: `/activities ${c}`, query: buildCampaignCompletionQuery(c) as CubeQuery },
      ]),
    ];
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('computes the actuals in the targets\' own SQL from the customer-day and participant conversions tables, not by sub-queries over every target', async () => {
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        const label = `${who.role} · ${name}`;
        expect(sql, label).toMatch(/\bsiyu\.customer_days\b/);
        // Participants from the participant conversions table (migration 019), not the participations with a probe of the orders each.
        expect(sql, label).toMatch(/\bsiyu\.participant_conversions\b/);
        expect(sql, label).not.toMatch(/_subquery|\bsiyu\.target_members\b|\bstaff_activity\b|\bsiyu\.campaign_participations\b/);
      }
    }
  });

  const checkAll = async (label: string): Promise<void> => {
    const rows = await perTarget(ctx.db.sql);
    await expectEachEquals(people, queries, label, async (who, named) => answer(visible(rows, who), named.query), comparable);
  };

  it('equals the independent SQL for every role, as seeded', async () => {
    const rows = await perTarget(ctx.db.sql);
    // Every metric (but owned customers, registered in the period: few or none) has a target with an actual.
    for (const m of METRICS.filter((x) => x !== 'owned_customers')) expect(rows.some((r) => r.metric === m && r.actual > 0), m).toBe(true);
    await checkAll('as seeded');
  }, 400_000);

  it('still equals it after random writes (the triggers, then Cube\'s refresh key)', async () => {
    const db = ctx.db.sql;
    const seed = Date.now() % 100_000;
    const random = generator(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const campaignId = (await db<{ id: number }[]>`SELECT id FROM siyu.campaigns WHERE name = ${PART_DAY}`)[0]!.id;
    const running = await db<{ id: number }[]>`SELECT id FROM siyu.campaigns WHERE name = ANY (${campaigns})`;
    // Mostly the employees of the targets added above (the manager's team, the staff member, another team's employee).
    const members = (await db<{ id: number }[]>`
      SELECT DISTINCT e.id FROM siyu.targets t JOIN siyu.employees e ON e.id = t.employee_id OR e.team_id = t.team_id
      WHERE t.updated_by = 'test' OR e.id % 5 = 0 ORDER BY 1`).map((r) => r.id);
    const customers = (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY id LIMIT 400`).map((r) => r.id);
    const channel = (await db<{ id: number }[]>`SELECT min(id) AS id FROM siyu.channels`)[0]!.id;
    // Moments around the cut days: the part-day campaign's first and last days, month and quarter starts, as-of.
    const moment = (): string => {
      const day = pick([-12, -12, -11, -5, -1, -1, 0, 0, 1 - Number(asOf.slice(8, 10)), -40, -100]);
      const minutes = pick([0, 30, 14 * 60 + 29, 14 * 60 + 30, 17 * 60 + 59, 18 * 60, 23 * 60 + 59, Math.floor(random() * 1440)]);
      return `${day}|${minutes}`;
    };
    const at = (m: string) => db`((${asOf}::date + ${Number(m.split('|')[0])}::int) + make_interval(mins => ${Number(m.split('|')[1])}::int)) AT TIME ZONE 'Asia/Shanghai'`;
    let nextOrder = (await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.orders`)[0]!.n;
    let nextFollowUp = (await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.follow_ups`)[0]!.n;
    let nextCustomer = (await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.customers`)[0]!.n;
    let nextParticipation = (await db<{ n: number }[]>`SELECT max(id) + 1 AS n FROM siyu.campaign_participations`)[0]!.n;
    const placed: number[] = [];
    // The part-day campaign's cut days, credited to the staff member (a target of theirs and of the manager's
    // team, who owns customers): 14:29 on the first day and 18:00 on the last are outside it, 14:30 and 17:59 inside.
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const own = (await db<{ id: number }[]>`SELECT id FROM siyu.customers WHERE owner_employee_id = ${staffMember.employeeId} ORDER BY id LIMIT 4`).map((r) => r.id);
    for (const [k, m] of ['-12|869', '-12|870', '-1|1079', '-1|1080'].entries()) {
      await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
        VALUES (${nextOrder}, ${own[k % own.length]!}, ${staffMember.employeeId}, ${channel}, ${campaignId}, ${at(m)}, ${100 + k}, ${1 + k}, 'core', 'paid')`;
      placed.push(nextOrder++);
    }
    await checkAll('after orders on the part-day campaign\'s cut days');
    for (let i = 0; i < 60; i++) {
      const kind = pick(['order', 'order', 'order', 'orders', 'refund', 'redate', 'move', 'delete', 'follow_up', 'customer', 'owner', 'participation']);
      const campaign = pick([null, campaignId, campaignId, pick(running).id]);
      if (kind === 'order' || (kind !== 'orders' && placed.length === 0)) {
        await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
          VALUES (${nextOrder}, ${pick(customers)}, ${pick(members)}, ${channel}, ${campaign}, ${at(moment())}, ${10 + Math.floor(random() * 500)}, ${1 + Math.floor(random() * 3)}, 'core', 'paid')`;
        placed.push(nextOrder++);
      } else if (kind === 'orders') {
        // One statement, several customers and days at once.
        const n = 2 + Math.floor(random() * 4);
        await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
          SELECT ${nextOrder} + k, (${customers}::int[])[1 + (k * 37 + ${i}) % ${customers.length}], ${pick(members)}, ${channel}, ${campaign},
                 ${at(moment())} + k * interval '7 hours', 50 + k, 1 + k % 2, 'core', 'paid'
          FROM generate_series(0, ${n - 1}) AS k`;
        for (let k = 0; k < n; k++) placed.push(nextOrder++);
      } else if (kind === 'refund') {
        await db`UPDATE siyu.orders SET status = CASE status WHEN 'paid' THEN 'refunded' ELSE 'paid' END WHERE id = ${pick(placed)}`;
      } else if (kind === 'redate') {
        await db`UPDATE siyu.orders SET ordered_at = ${at(moment())} WHERE id = ${pick(placed)}`;
      } else if (kind === 'move') {
        await db`UPDATE siyu.orders SET employee_id = ${pick(members)}, campaign_id = ${campaign} WHERE id = ${pick(placed)}`;
      } else if (kind === 'delete') {
        const id = pick(placed);
        await db`DELETE FROM siyu.orders WHERE id = ${id}`;
        placed.splice(placed.indexOf(id), 1);
      } else if (kind === 'follow_up') {
        await db`INSERT INTO siyu.follow_ups (id, customer_id, employee_id, kind, occurred_at) VALUES (${nextFollowUp++}, ${pick(customers)}, ${pick(members)}, 'call', ${at(moment())})`;
      } else if (kind === 'customer') {
        const id = nextCustomer++;
        await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, owner_employee_id, registered_at, member_level)
          VALUES (${id}, ${`测试${id}`}, ${`139${String(id).padStart(8, '0')}`}, 'unknown', 'tier2', ${channel}, ${pick(members)}, ${at(moment())}, 'normal')`;
        customers.push(id);
      } else if (kind === 'owner') {
        await db`UPDATE siyu.customers SET owner_employee_id = ${pick(members)} WHERE id = ${pick(customers)}`;
      } else {
        await db`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
          VALUES (${nextParticipation++}, ${campaign ?? campaignId}, ${pick(customers)}, ${pick(members)}, ${channel}, ${at(moment())}, ${random() < 0.5 ? pick(customers) : null})
          ON CONFLICT (campaign_id, customer_id) DO NOTHING`;
      }
    }
    await checkAll(`after 60 random writes (seed ${seed})`);
    // An employee of another team moves into the manager's: the team's target now counts their facts.
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId}
      WHERE id = (SELECT employee_id FROM siyu.orders WHERE id = ANY (${placed}) AND employee_id IN (SELECT id FROM siyu.employees WHERE team_id <> ${manager.teamId}) LIMIT 1)`;
    await checkAll(`after a team move (seed ${seed})`);
  }, 600_000);
});
