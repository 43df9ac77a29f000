/**
 * The participation tiles (participants, fission, converted participants and
 * the conversion rate on /activities, /channels and the big-screen) are
 * answered from the participant conversions table (migration 019) through
 * the participation_performance and participation_audience views (on a custom
 * range; the presets and the big-screen's participation tile ask the period
 * table, test/model/period-participants.test.ts), never the
 * participations or the orders, and equal plain SQL on the participations
 * and the paid orders under every role's row limits, as seeded and after new
 * participations (single and bulk), a participation moved and one deleted,
 * new paid campaign orders (single and bulk), a refund, a deleted order and
 * an employee moved into the manager's team.
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
import { buildParticipantsByCityTierQuery } from '../../web/src/features/big-screen/build-queries.ts';
import { channelsQueries } from '../../web/src/features/channels/page-queries.ts';
import { addDays, type DateRange } from '../../web/src/lib/date-range.ts';
import { parseFilters, resolveDateRange } from '../../web/src/lib/filters.ts';
import type { CubeQuery } from '../../web/src/page-loads.ts';
import { participationBySql, participationComparable as comparable } from '../helpers/participant-conversions.ts';
import { expectEachEquals, signInAll, type Person } from '../helpers/people.ts';
import { useTestStack } from '../helpers/stack.ts';

/** The page queries that count participants, by their name in the pages' page-queries.ts (big-screen: build-queries.ts). */
const PARTICIPATION_QUERIES = [
  'participation_by_campaign', 'participation_by_channel', 'participation_by_employee', 'conversion_by_channel', 'conversion_by_campaign',
  'participants_by_city_tier',
] as const;
const USERS = ['exec', 'ops', 'manager', 'staff'];

interface Named { name: string; range: DateRange | null; query: CubeQuery }

const independent = (db: ReturnType<typeof useTestStack>['db'], who: SecurityContext, named: Named) => participationBySql(db.sql, who, named);

describe('participants and converted participants from the participant conversions table', () => {
  const config = loadConfig();
  const ctx = useTestStack('participant_conversions_model', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Person[] = [];
  let queries: Named[];
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
    // The page's default range, the last 30 days and all time.
    const ranges = [resolveDateRange(parseFilters(new URLSearchParams()), asOf), [addDays(asOf, -29), asOf] as DateRange, null];
    const pageQueries = (range: DateRange | null): Array<[string, unknown]> => [
      ...Object.entries(activitiesQueries(range, { team: null, campaign, channel }, false)),
      ...Object.entries(activitiesQueries(range, { team: team!.name, campaign, channel: null }, false)),
      ...Object.entries(channelsQueries(range, { team: null, campaign: null, channel })),
      ...Object.entries(channelsQueries(range, { team: team!.name, campaign, channel: null })),
    ];
    queries = ranges.flatMap((range) => pageQueries(range)
      .filter(([name, query]) => query && (PARTICIPATION_QUERIES as readonly string[]).includes(name))
      .map(([name, query]) => ({ name, range, query: query as CubeQuery })));
    // The big-screen's city tiers: the campaign, all dates (its participation tile asks the period table:
    // test/model/period-participants.test.ts).
    queries.push({ name: 'participants_by_city_tier', range: null, query: buildParticipantsByCityTierQuery(campaign) as CubeQuery });
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  /** The big-screen's audience is the whole brand's: executives and operators only (the server refuses the others). */
  const mayAsk = (who: SecurityContext, { query }: Named): boolean =>
    !JSON.stringify(query).includes('participation_audience.') || ['executive', 'operator'].includes(who.role);

  it('asks every participation query of the new views', () => {
    expect(new Set(queries.map((q) => q.name))).toEqual(new Set(PARTICIPATION_QUERIES));
    for (const { name, query } of queries) {
      expect(JSON.stringify(query), name).toMatch(/"participation_(performance|audience)\./);
      expect(JSON.stringify(query), name).not.toMatch(/activity_performance\.|campaign_audience\./);
    }
  });

  it('answers each from siyu.participant_conversions, never the participations or the orders, under every role', async () => {
    let checked = 0;
    for (const { who } of people) {
      for (const named of queries.filter((q) => mayAsk(who, q))) {
        const sql = await probe.sql(who, named.query);
        const label = `${who.role} · ${named.name} · ${named.range?.join('..') ?? 'all time'}`;
        expect(sql, label).toMatch(/\bsiyu\.participant_conversions\b/);
        expect(sql, label).not.toMatch(/\bsiyu\.(campaign_participations|orders|paid_orders)\b/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  const checkAll = async (label: string): Promise<void> => {
    for (const person of people) {
      await expectEachEquals([person], queries.filter((q) => mayAsk(person.who, q)), label, (who, named) => independent(ctx.db, who, named), comparable,
        (named) => `${named.name} · ${named.range?.join('..') ?? 'all time'}`);
    }
  };

  it('equals plain SQL on the participations and paid orders for each role', async () => {
    await checkAll('as seeded');
    const rows = await people[0]!.api.load(queries.find((q) => q.name === 'participants_by_city_tier')!.query);
    expect(rows.reduce((n, r) => n + Number(r['participation_audience.participants']), 0)).toBeGreaterThan(10);
    expect(rows.reduce((n, r) => n + Number(r['participation_audience.converted_count']), 0)).toBeGreaterThan(0);
  }, 400_000);

  it('still equals it after participation and order writes (the triggers, then Cube\'s refresh key)', async () => {
    const db = ctx.db.sql;
    const staffMember = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const { campaign_id: campaign, channel_id: channel } = busiest;
    const ids = async (table: string): Promise<number> => (await db.unsafe<{ n: number }[]>(`SELECT max(id) + 1 AS n FROM siyu.${table}`))[0]!.n;
    const [nextP, nextO] = [await ids('campaign_participations'), await ids('orders')];
    // Customers not yet in the campaign: four join it today through the staff member (one of them invited), in one statement.
    const fresh = (await db<{ id: number }[]>`
      SELECT id FROM siyu.customers AS c WHERE NOT EXISTS (SELECT 1 FROM siyu.campaign_participations AS p WHERE p.customer_id = c.id AND p.campaign_id = ${campaign})
      ORDER BY id LIMIT 6`).map((r) => r.id);
    await db`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at, invited_by_customer_id)
      SELECT ${nextP} + n, ${campaign}, (${fresh}::int[])[n + 1], ${staffMember.employeeId}, ${channel},
             (${asOf}::date + time '09:00') AT TIME ZONE 'Asia/Shanghai', CASE WHEN n = 0 THEN (${fresh}::int[])[6] END
      FROM generate_series(0, 3) AS n`;
    // One more, through nobody; then two of the new participants buy in the campaign (one bulk statement), one buys outside it.
    await db`INSERT INTO siyu.campaign_participations (id, campaign_id, customer_id, employee_id, channel_id, joined_at)
      VALUES (${nextP + 4}, ${campaign}, ${fresh[4]!}, NULL, ${channel}, (${asOf}::date + time '10:00') AT TIME ZONE 'Asia/Shanghai')`;
    await db`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
      SELECT ${nextO} + n, (${fresh}::int[])[n + 1], NULL, ${channel}, CASE WHEN n < 2 THEN ${campaign}::int END,
             (${asOf}::date + time '12:00') AT TIME ZONE 'Asia/Shanghai', 50 + n, 1, 'core', 'paid'
      FROM generate_series(0, 2) AS n`;
    await checkAll('after new participations and orders');
    // A refund of one new buyer's only campaign order, the other's deleted; an earlier buyer's campaign orders all refunded.
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${nextO}`;
    await db`DELETE FROM siyu.orders WHERE id = ${nextO + 1}`;
    const [earlier] = await db<{ customer_id: number }[]>`
      SELECT customer_id FROM siyu.participant_conversions WHERE campaign_id = ${campaign} AND converted ORDER BY customer_id LIMIT 1`;
    await db`UPDATE siyu.orders SET status = 'refunded' WHERE customer_id = ${earlier!.customer_id} AND campaign_id = ${campaign}`;
    // A participation moved to another channel and employee, one deleted.
    await db`UPDATE siyu.campaign_participations SET channel_id = (SELECT min(id) FROM siyu.channels WHERE id <> ${channel}), employee_id = ${manager.employeeId}
      WHERE id = ${nextP + 1}`;
    await db`DELETE FROM siyu.campaign_participations WHERE id = ${nextP + 2}`;
    await checkAll('after a refund, a deleted order, a moved and a deleted participation');
    // The staff member moves into the manager's team: their participations follow (nothing rewritten).
    const [outsider] = await db<{ id: number }[]>`
      SELECT p.employee_id AS id FROM siyu.campaign_participations AS p JOIN siyu.employees AS e ON e.id = p.employee_id
      WHERE e.team_id <> ${manager.teamId} ORDER BY p.id LIMIT 1`;
    await db`UPDATE siyu.employees SET team_id = ${manager.teamId} WHERE id = ${outsider!.id}`;
    await checkAll('after an employee moved to the manager\'s team');
  }, 600_000);
});
