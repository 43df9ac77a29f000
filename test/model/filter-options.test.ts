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
 */
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
});
