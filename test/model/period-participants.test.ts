/**
 * The participation tiles of the date presets (participants, fission,
 * converted participants and the conversion rate on /activities and
 * /channels, and the big-screen's participation tile, all dates) are
 * answered from the participants' period table (migration 028, the
 * participation_periods view), one stored row per answer, never the
 * participations, the orders or the participant conversions, and equal plain
 * SQL on the participations and the paid orders under every role's row
 * limits: as seeded, after random participation and order writes, and after
 * an employee moved into the manager's team. A custom range stays on
 * participation_performance.
 *
 * The queries are the pages' own (web/src/features/<page>/page-queries.ts);
 * the SQL is what Cube sends PostgreSQL for them under the role's security
 * context (`/v1/sql`, cube/tools/rollup-probe.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { activitiesQueries } from '../../web/src/features/activities/page-queries.ts';
import { buildParticipationQuery } from '../../web/src/features/big-screen/build-queries.ts';
import { channelsQueries } from '../../web/src/features/channels/page-queries.ts';
import { addDays, dateRangeFor, RANGE_PRESETS, type DateRange } from '../../web/src/lib/date-range.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { random } from '../helpers/order-writes.ts';
import { participationBySql, participationComparable as comparable } from '../helpers/participant-conversions.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

const PARTICIPATION_QUERIES = ['participation_by_campaign', 'participation_by_channel', 'participation_by_employee', 'conversion_by_channel', 'conversion_by_campaign'];
const USERS = ['exec', 'ops', 'manager', 'staff'];

interface Named { name: string; range: DateRange | null; query: CubeQuery }

describe('preset participation tiles from the participants\' period table', () => {
  const config = loadConfig();
  const ctx = useTestStack('period_participants_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let queries: Named[];
  let custom: Named[];
  let asOf: string;
  let busiest: { campaign: string; campaign_id: number; channel: string; channel_id: number };

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const [team] = await ctx.db.sql<{ name: string }[]>`SELECT name FROM siyu.teams WHERE id = ${manager.teamId}`;
    const [top] = await ctx.db.sql<typeof busiest[]>`
      SELECT c.name AS campaign, c.id AS campaign_id, ch.name AS channel, ch.id AS channel_id
      FROM siyu.campaign_participations AS p JOIN siyu.campaigns AS c ON c.id = p.campaign_id JOIN siyu.channels AS ch ON ch.id = p.channel_id
      GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC, 1, 3 LIMIT 1`;
    busiest = top!;
    const { campaign, channel } = busiest;
    const pageQueries = (range: DateRange | null, on: string | null): Array<[string, unknown]> => [
      ...Object.entries(activitiesQueries(range, { team: null, campaign: null, channel: null }, false, on)),
      ...Object.entries(activitiesQueries(range, { team: null, campaign, channel }, false, on)),
      ...Object.entries(activitiesQueries(range, { team: team!.name, campaign, channel: null }, false, on)),
      ...Object.entries(channelsQueries(range, { team: null, campaign: null, channel }, on)),
      ...Object.entries(channelsQueries(range, { team: team!.name, campaign, channel: null }, on)),
    ];
    const participation = (range: DateRange | null, on: string | null): Named[] => pageQueries(range, on)
      .filter(([name, query]) => query && PARTICIPATION_QUERIES.includes(name))
      .map(([name, query]) => ({ name, range, query: query as CubeQuery }));
    queries = RANGE_PRESETS.flatMap((preset) => participation(dateRangeFor(preset, asOf), asOf).map((q) => ({ ...q, name: `${preset} ${q.name}` })));
    // The big-screen's participation tile: the campaign, all dates (executives and operators only).
    queries.push({ name: 'big-screen participation', range: null, query: buildParticipationQuery(campaign) as CubeQuery });
    custom = participation([addDays(asOf, -40), addDays(asOf, -3)], asOf);
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  /** The big-screen is the whole brand's: executives and operators only. */
  const mayAsk = (who: SecurityContext, { name }: Named): boolean => !name.startsWith('big-screen') || ['executive', 'operator'].includes(who.role);

  it('asks the period table for every preset\'s range, participation_performance for a custom range', () => {
    expect(queries.length).toBeGreaterThan(100);
    for (const { name, query } of queries) {
      expect(JSON.stringify(query), name).toMatch(/"participation_periods\.participants"/);
      expect(JSON.stringify(query), name).not.toMatch(/participation_performance\./);
    }
    expect(new Set(custom.map((q) => q.name))).toEqual(new Set(PARTICIPATION_QUERIES));
    for (const { name, query } of custom) expect(JSON.stringify(query), name).toMatch(/"participation_performance\.participants"/);
  });

  it('answers each from one stored row per group of siyu.period_participants, under every role', async () => {
    let checked = 0;
    for (const { who } of people) {
      for (const named of queries.filter((q) => mayAsk(who, q))) {
        const sql = await probe.sql(who, named.query);
        const label = `${who.role} · ${named.name}`;
        expect(sql, label).toMatch(/\bsiyu\.period_participants\b/);
        expect(sql, label).not.toMatch(/\bsiyu\.(campaign_participations|participant_conversions|orders|paid_orders)\b/);
        expect(sql, label).toMatch(/slice/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(400);
  }, 300_000);

  const checkAll = async (label: string): Promise<void> => {
    for (const person of people) {
      await expectEachEquals([person], queries.filter((q) => mayAsk(person.who, q)), label,
        (who, named) => participationBySql(ctx.db.sql, who, named), comparable);
    }
  };

  it('equals plain SQL on the participations and paid orders for each role', async () => {
    await checkAll('as seeded');
    const [total] = await people[0]!.api.load(queries.find((q) => q.name === 'big-screen participation')!.query);
    expect(Number(total!['participation_periods.participants'])).toBeGreaterThan(10);
    expect(Number(total!['participation_periods.converted_count'])).toBeGreaterThan(0);
  }, 900_000);

  it('still equals it after random participation and order writes, and an employee moved into the manager\'s team', async () => {
    const db = ctx.db.sql;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const { campaign_id: busiestCampaign, channel_id: busiestChannel } = busiest;
    const next = async (table: string): Promise<number> => (await db.unsafe<{ n: number }[]>(`SELECT max(id) + 1 AS n FROM siyu.${table}`))[0]!.n;
    let [nextP, nextO] = [await next('campaign_participations'), await next('orders')];
    const campaigns = [busiestCampaign, ...(await db<{ id: number }[]>`SELECT id FROM siyu.campaigns WHERE id <> ${busiestCampaign} ORDER BY id LIMIT 3`).map((r) => r.id)];
    const employees = [staffMember.employeeId!, manager.employeeId!, ...(await db<{ id: number }[]>`SELECT id FROM siyu.employees ORDER BY id LIMIT 3`).map((r) => r.id)];
    const customers = (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY id LIMIT 8`).map((r) => r.id);
    const channels = [busiestChannel, ...(await db<{ id: number }[]>`SELECT id FROM siyu.channels WHERE id <> ${busiestChannel} ORDER BY id LIMIT 2`).map((r) => r.id)];
    const rnd = random(28);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    // Today, yesterday, a week, a month, a year ago: the edges of the presets' ranges.
    const when = (): string => `${any([asOf, addDays(asOf, -1), addDays(asOf, -7), addDays(asOf, -30), addDays(asOf, -365)])} ${any(['00:10', '12:00', '23:50'])}+08`;
    const kinds = new Set<string>();
    for (let step = 0; step < 60; step++) {
      const customer = any(customers);
      const roll = rnd();
      const kind = roll < 0.3 ? 'join' : roll < 0.4 ? 'move participation' : roll < 0.5 ? 'leave' : roll < 0.75 ? 'order' : roll < 0.85 ? 'refund' : roll < 0.92 ? 'unrefund' : 'delete order';
      kinds.add(kind);
      const myParticipation = db`SELECT id FROM siyu.campaign_participations WHERE customer_id = ${customer} ORDER BY random() LIMIT 1`;
      const myOrder = db`SELECT id FROM siyu.orders WHERE customer_id = ${customer} AND campaign_id IS NOT NULL ORDER BY random() LIMIT 1`;
      switch (kind) {
        case 'join':
          await db`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
            VALUES (${nextP++}, ${any(campaigns)}, ${customer}, ${rnd() < 0.2 ? null : any(employees)}, ${any(channels)}, ${when()}, ${rnd() < 0.4 ? any(customers) : null})
            ON CONFLICT DO NOTHING`;
          break;
        case 'move participation':
          await db`UPDATE siyu.campaign_participations SET channel_id = ${any(channels)}, employee_id = ${any(employees)}, joined_at = ${when()} WHERE id IN (${myParticipation})`;
          break;
        case 'leave': await db`DELETE FROM siyu.campaign_participations WHERE id IN (${myParticipation})`; break;
        case 'order':
          await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
            VALUES (${nextO++}, ${customer}, ${any(employees)}, ${any(channels)}, ${any(campaigns)}, ${when()}, 19.90, 1, 'core', 'paid')`;
          break;
        case 'refund': await db`UPDATE siyu.orders SET status = 'refunded' WHERE id IN (${myOrder})`; break;
        case 'unrefund': await db`UPDATE siyu.orders SET status = 'paid' WHERE customer_id = ${customer} AND status = 'refunded' AND campaign_id IS NOT NULL`; break;
        case 'delete order': await db`DELETE FROM siyu.orders WHERE id IN (${myOrder})`; break;
      }
    }
    expect(kinds.size).toBe(7);
    await checkAll('after random participation and order writes');
    // An employee of another team with participations moves into the manager's team: their rows follow.
    const [outsider] = await db<{ id: number }[]>`
      SELECT p.employee_id AS id FROM siyu.campaign_participations AS p JOIN siyu.employees AS e ON e.id = p.employee_id
      WHERE e.team_id <> ${manager.teamId} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId} WHERE id = ${outsider!.id}`;
    await checkAll('after an employee moved to the manager\'s team');
  }, 1_800_000);
});
