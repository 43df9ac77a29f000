/**
 * The ROI, spend and CAC tiles (the `channel_roi` view, cube
 * `campaign_returns`) are answered from the returns day table (migration
 * 043), and those by month (the planner's history, the spend trend by month:
 * the `returns_trend` view, cube `month_returns`) from the monthly returns
 * table (migration 048) with the day table for a range's edge months, never
 * the facts nor a rollup; both tables equal a fresh build from the facts
 * after random writes of every kind to the spend, the orders and the
 * customers (single rows, bulk statements, concurrent writers, a truncate),
 * and the tiles equal plain SQL on the facts under every role, as seeded,
 * after those writes and after a team move. An hour on the day view's dates,
 * and a day on the month view's, are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../cube/config.ts';
import { AccessError } from '../../cube/engine/access-rules.ts';
import { applyDayGrain } from '../../cube/engine/day-grain.ts';
import { applyMonthTrend } from '../../cube/engine/month-trend.ts';
import type { SecurityContext } from '../../cube/engine/security-context.ts';
import { startRollupProbe, type RollupProbe } from '../../cube/tools/rollup-probe.ts';
import { buildCampaignListQuery } from '../../web/src/features/big-screen/campaigns.ts';
import { tilePages, type CubeQuery, type NamedQuery } from '../../web/src/page-loads.ts';
import { addDays } from '../../web/src/lib/date-range.ts';
import { random, randomOrderWrite } from '../helpers/order-writes.ts';
import { expectEachEquals, signInAll } from '../helpers/people.ts';
import { returnsDayDifferences } from '../helpers/returns-days.ts';
import { useTestStack } from '../helpers/stack.ts';

const TILES = ['roi', 'roi_yoy', 'spend_trend', 'roi_by_channel', 'roi_by_campaign', 'roi_by_employee', 'employee_roi', 'gmv_by_campaign', 'monthly_history'];
const USERS = ['exec', 'ops', 'manager', 'staff'];
const TZ = 'Asia/Shanghai';
const V = 'channel_roi';
const M = 'returns_trend';

type Row = Record<string, unknown>;
type Db = ReturnType<typeof useTestStack>['db'];
type Filter = { member: string; operator: string; values?: string[] };

/** Rows as comparable text (every member but the ungrouped dates), sorted; numbers to 12 significant digits. */
function comparable(rows: readonly Row[]): string[] {
  const ungrouped = new Set([V, M].flatMap((v) => ['date', 'spend_date', 'order_date'].map((d) => `${v}.${d}`)));
  return rows.map((row) => JSON.stringify(Object.keys(row).filter((k) => !ungrouped.has(k)).sort().map((k) => {
    const v = row[k];
    return [k, v === null || v === undefined ? null : /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(Number(v).toPrecision(12)) : v];
  }))).sort();
}

/** The query as plain SQL on the spend, the paid orders and the customers, within the role's scope (docs/security.md). */
async function independent(db: Db, who: SecurityContext, query: CubeQuery): Promise<Row[]> {
  const V = String((query.measures as string[])[0]).split('.')[0]!;
  const dims = (query.dimensions ?? []) as string[];
  const measures = (query.measures ?? []) as string[];
  const time = (query.timeDimensions as Array<{ dimension: string; granularity?: string; dateRange?: [string, string] }> | undefined)?.[0];
  const filters = (query.filters ?? []) as Filter[];
  const known = ['channel', 'campaign', 'employee', 'employee_id', 'channel_kind'].map((m) => `${V}.${m}`);
  for (const f of filters) expect(known, JSON.stringify(f)).toContain(f.member);
  const equals = (name: string): string | null => filters.find((f) => f.member === `${V}.${name}` && f.operator === 'equals')?.values?.[0] ?? null;
  const set = (name: string): boolean => filters.some((f) => f.member === `${V}.${name}` && f.operator === 'set');
  const dim = (name: string): boolean => dims.includes(`${V}.${name}`);
  const gran = time?.granularity ?? null;
  const s = db.sql;
  const rows = await s<Row[]>`
    SELECT ${gran ? s`to_char(date_trunc(${gran}, f.at AT TIME ZONE ${TZ}), 'YYYY-MM-DD"T"HH24:MI:SS.000')` : s`NULL::text`} AS t,
           ${dim('channel') ? s`ch.name` : s`NULL::text`} AS channel, ${dim('campaign') ? s`c.name` : s`NULL::text`} AS campaign,
           ${dim('employee') ? s`e.name` : s`NULL::text`} AS employee,
           sum(f.spend) AS spend, sum(f.gmv) AS gmv, sum(f.acquired) AS acquired
    FROM (SELECT (s.spent_on::timestamp AT TIME ZONE ${TZ}) AS at, s.channel_id, s.campaign_id, s.employee_id, s.amount AS spend, 0 AS gmv, 0 AS acquired
          FROM siyu.campaign_spend AS s
          UNION ALL
          SELECT o.ordered_at, o.channel_id, o.campaign_id, o.employee_id, 0, o.amount, 0 FROM siyu.orders AS o
          WHERE o.status = 'paid' AND o.campaign_id IS NOT NULL
          UNION ALL
          SELECT cu.registered_at, cu.source_channel_id, NULL, NULL, 0, 0, 1 FROM siyu.customers AS cu) AS f
    LEFT JOIN siyu.channels AS ch ON ch.id = f.channel_id
    LEFT JOIN siyu.campaigns AS c ON c.id = f.campaign_id
    LEFT JOIN siyu.employees AS e ON e.id = f.employee_id
    WHERE (${time?.dateRange?.[0] ?? null}::date IS NULL
           OR (f.at AT TIME ZONE ${TZ})::date BETWEEN ${time?.dateRange?.[0] ?? null}::date AND ${time?.dateRange?.[1] ?? null}::date)
      AND (${equals('campaign')}::text IS NULL OR c.name = ${equals('campaign')})
      AND (${equals('channel')}::text IS NULL OR ch.name = ${equals('channel')})
      AND (${equals('channel_kind')}::text IS NULL OR ch.kind = ${equals('channel_kind')})
      AND (${equals('employee_id')}::int IS NULL OR f.employee_id = ${equals('employee_id')}::int)
      AND (${set('channel')} = false OR ch.name IS NOT NULL) AND (${set('campaign')} = false OR c.name IS NOT NULL)
      AND (${set('employee')} = false OR e.name IS NOT NULL)
      AND (${who.role === 'manager' ? who.teamId : null}::int IS NULL OR e.team_id = ${who.role === 'manager' ? who.teamId : null}::int)
      AND (${who.role === 'staff' ? who.employeeId : null}::int IS NULL OR f.employee_id = ${who.role === 'staff' ? who.employeeId : null}::int)
    GROUP BY 1, 2, 3, 4`;
  const total = rows.length === 0 && dims.length === 0 && !gran;
  const out: Row[] = total ? [{ t: null, channel: null, campaign: null, employee: null, spend: null, gmv: null, acquired: null }] : rows;
  return out.map((r) => {
    const num = (v: unknown): number | null => (v === null ? null : Number(v));
    const [spend, gmv, acquired] = [num(r.spend), num(r.gmv), num(r.acquired)];
    const value: Record<string, unknown> = {
      spend, attributed_gmv: gmv, acquired_customers: acquired,
      roi: spend === null || spend === 0 || gmv === null ? null : gmv / spend,
      cac: acquired === null || acquired === 0 || spend === null ? null : spend / acquired,
    };
    return {
      ...(gran ? { [`${time!.dimension}.${gran}`]: r.t } : {}),
      ...Object.fromEntries(['channel', 'campaign', 'employee'].filter(dim).map((d) => [`${V}.${d}`, r[d]])),
      ...Object.fromEntries(measures.map((m) => [m, value[m.slice(V.length + 1)]])),
    };
  });
}

describe('the ROI, spend and CAC tiles from the returns day table', () => {
  const config = loadConfig();
  const ctx = useTestStack('returns_days', { demoCustomers: 1500 });
  let probe: RollupProbe;
  const people: Awaited<ReturnType<typeof signInAll>> = [];
  let queries: NamedQuery[];
  let asOf: string;

  /** Rows of the table that differ from the facts summed apart (test/helpers/returns-days.ts). */
  const differences = async (): Promise<number> => (await returnsDayDifferences(ctx.db.sql)).length;

  beforeAll(async () => {
    probe = await startRollupProbe({ databaseUrl: ctx.db.url, modelDir: config.modelDir, timeZone: config.timeZone });
    people.push(...(await signInAll(ctx.stack, USERS)));
    asOf = String((await ctx.api.request<{ asOf: string }>('GET', '/api/me')).body.asOf).slice(0, 10);
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const [channel] = await ctx.api.load({ dimensions: [`${V}.channel`], filters: [{ member: `${V}.channel`, operator: 'set' }], order: { [`${V}.channel`]: 'asc' }, limit: 1 });
    const pages = tilePages({
      asOf, campaignRows: await ctx.api.load(buildCampaignListQuery() as CubeQuery), channel: String(channel![`${V}.channel`]),
      team: 'x', employeeId: staff.employeeId!,
    });
    const seen = new Set<string>();
    queries = pages.flatMap((p) => p.queries).filter((q) => TILES.includes(q.name) && [V, M].some((v) => JSON.stringify(q.query).includes(`"${v}.`)))
      .filter((q) => !seen.has(JSON.stringify(q.query)) && seen.add(JSON.stringify(q.query)));
    // The month view over ranges whose edge months are partial (a write day first or last), all time, by quarter, cut.
    const month = (name: string, dateRange: [string, string] | null, more: Partial<CubeQuery> = {}, granularity = 'month'): NamedQuery =>
      ({ name, query: { measures: [`${M}.spend`, `${M}.attributed_gmv`, `${M}.roi`], ...more,
        timeDimensions: [{ dimension: `${M}.date`, granularity, ...(dateRange ? { dateRange } : {}) }] } });
    queries.push(month('months_edges', [addDays(asOf, -365), addDays(asOf, -1)], { dimensions: [`${M}.channel`] }));
    queries.push(month('months_90', [addDays(asOf, -89), asOf], { measures: [`${M}.cac`, `${M}.acquired_customers`, `${M}.spend`], dimensions: [`${M}.channel`] }));
    queries.push(month('months_all', null, { dimensions: [`${M}.employee`] }, 'quarter'));
    queries.push(month('months_year', [`${asOf.slice(0, 4)}-01-01`, asOf], { dimensions: [`${M}.campaign`], filters: [{ member: `${M}.campaign`, operator: 'set' }] }, 'year'));
    queries.push(month('months_total', [addDays(asOf, -30), asOf], { filters: [{ member: `${M}.employee_id`, operator: 'equals', values: [String(staff.employeeId)] }] }));
    // CAC and acquisitions by day over 30 days, and by week: grains no page asks of it yet.
    queries.push({ name: 'cac_by_day', query: { measures: [`${V}.cac`, `${V}.acquired_customers`, `${V}.spend`], dimensions: [`${V}.channel`],
      timeDimensions: [{ dimension: `${V}.date`, granularity: 'day', dateRange: [addDays(asOf, -29), asOf] }] } });
    queries.push({ name: 'gmv_by_week', query: { measures: [`${V}.attributed_gmv`], timeDimensions: [{ dimension: `${V}.order_date`, granularity: 'week', dateRange: [addDays(asOf, -60), asOf] }] } });
  }, 240_000);

  afterAll(async () => {
    await probe?.stop();
  });

  it('answers every ROI, spend and CAC tile from siyu.returns_days, never the facts nor a rollup', async () => {
    expect([...new Set(queries.map((q) => q.name))].sort())
      .toEqual([...TILES, 'cac_by_day', 'gmv_by_week', 'months_edges', 'months_90', 'months_all', 'months_year', 'months_total'].sort());
    // By month: the planner's history and the spend trend of the overview's default year.
    const byMonth = new Set(queries.filter((q) => JSON.stringify(q.query).includes(`"${M}.`)).map((q) => q.name));
    expect(byMonth).toContain('monthly_history');
    expect(byMonth).toContain('spend_trend');
    // The channels' and activities' breakdowns of the default year (web/src/lib/returns-view.ts).
    for (const name of ['roi_by_channel', 'roi_by_campaign', 'roi_by_employee', 'gmv_by_campaign']) expect(byMonth).toContain(name);
    for (const { who } of people) {
      for (const { name, query } of queries) {
        const sql = await probe.sql(who, query);
        // By the query's own view: the big-screen's roi_by_channel (a campaign's window) reads the days, the channels
        // page's (the default year, over 62 days) the months.
        const monthly = JSON.stringify(query).includes(`"${M}.`);
        expect(sql, `${who.role} · ${name}`).toMatch(monthly ? /\bsiyu\.returns_months\b/ : /\bsiyu\.returns_days\b/);
        // (The campaigns cube reads the spend for its own budget column: not a fact of this cube.)
        expect(sql, `${who.role} · ${name}`).not.toMatch(/\bsiyu\.(orders|paid_orders|customers)\b|siyu_pre_aggregations|'spend:'/);
        if (!monthly) expect(sql, `${who.role} · ${name}`).not.toMatch(/UNION ALL|returns_months/);
      }
    }
  });

  it('refuses an hour, or a range inside a day, on its dates with a plain 400; a day is answered', async () => {
    const exec = people[0]!.api;
    const hour = { dimension: `${V}.date`, granularity: 'hour', dateRange: [asOf, asOf] };
    const inside = { dimension: `${V}.spend_date`, dateRange: [`${asOf}T10:00:00`, `${asOf}T12:00:00`] };
    for (const t of [hour, inside]) {
      const res = await exec.request<{ error?: string }>('POST', '/cubejs-api/v1/load', { query: { measures: [`${V}.spend`], timeDimensions: [t] } });
      expect(res.status, JSON.stringify(t)).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(/returns_days|SELECT|\.ts\b/);
    }
    // The server's reason, before the app server puts it in the product's words.
    expect(() => applyDayGrain({ measures: [`${V}.spend`], timeDimensions: [hour] })).toThrow(/counts by business day/);
    expect(() => applyDayGrain({ measures: [`${V}.spend`], timeDimensions: [inside] })).toThrow(AccessError);
    expect(() => applyDayGrain({ measures: [`${V}.spend`], filters: [{ or: [{ member: `${V}.date`, operator: 'beforeDate', values: [`${asOf}T08:00`] }] }] })).toThrow(AccessError);
    // The month view: by day or week, two dates, or a date filter, answer 400; a range inside a day too.
    const monthly = [
      { timeDimensions: [{ dimension: `${M}.date`, granularity: 'day', dateRange: [addDays(asOf, -90), asOf] }] },
      { timeDimensions: [{ dimension: `${M}.date`, granularity: 'week' }] },
      { timeDimensions: [{ dimension: `${M}.date`, granularity: 'month' }, { dimension: `${M}.spend_date`, dateRange: [asOf, asOf] }] },
      { filters: [{ member: `${M}.order_date`, operator: 'afterDate', values: [asOf] }] },
      { timeDimensions: [{ dimension: `${M}.spend_date`, dateRange: [`${asOf}T10:00:00`, `${asOf}T12:00:00`] }] },
    ];
    for (const q of monthly) {
      const res = await exec.request<{ error?: string }>('POST', '/cubejs-api/v1/load', { query: { measures: [`${M}.spend`], ...q } });
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(JSON.stringify(res.body)).not.toMatch(/returns_(days|months)|SELECT|\.ts\b/);
    }
    expect(() => applyMonthTrend({ measures: [`${M}.spend`], ...monthly[0] })).toThrow(/groups its date by month, quarter or year/);
    const whole = { dimension: `${V}.date`, granularity: 'day', dateRange: [`${asOf}T00:00:00.000`, `${asOf}T23:59:59.999`] };
    expect(applyDayGrain({ measures: [`${V}.spend`], timeDimensions: [whole] })).toBeTruthy();
    expect((await exec.request('POST', '/cubejs-api/v1/load', { query: { measures: [`${V}.spend`], timeDimensions: [{ ...whole, dateRange: [asOf, asOf] }] } })).status).toBe(200);
  });

  const checkAll = (label: string): Promise<void> =>
    expectEachEquals(people, queries, label, (who, { query }) => independent(ctx.db, who, query), (rows) => comparable(rows),
      (q) => `${q.name} ${JSON.stringify(q.query.timeDimensions ?? q.query.filters)}`);

  it('equals plain SQL on the facts for each role, as seeded', async () => {
    expect(await differences()).toBe(0);
    expect(Number((await ctx.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM siyu.returns_days`)[0]!.n)).toBeGreaterThan(100);
    expect(Number((await ctx.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM siyu.returns_months`)[0]!.n)).toBeGreaterThan(50);
    await checkAll('as seeded');
  }, 300_000);

  it('the table equals a fresh build after random writes to the spend, orders and customers, and the tiles plain SQL', async () => {
    const db = ctx.db.sql;
    const rnd = random(43);
    const any = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const staff = people.find((p) => p.who.role === 'staff')!.who;
    const manager = people.find((p) => p.who.role === 'manager')!.who;
    const employees = [staff.employeeId!, ...(await db<{ id: number }[]>`SELECT id FROM siyu.employees WHERE team_id = ${manager.teamId} ORDER BY id LIMIT 2`).map((r) => r.id)];
    const ids = {
      customers: (await db<{ id: number }[]>`SELECT id FROM siyu.customers ORDER BY id LIMIT 10`).map((r) => r.id),
      channels: (await db<{ id: number }[]>`SELECT id FROM siyu.channels ORDER BY id LIMIT 3`).map((r) => r.id),
      campaigns: (await db<{ id: number }[]>`SELECT id FROM siyu.campaigns ORDER BY id LIMIT 2`).map((r) => r.id),
      employees,
    };
    const next = { id: (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.orders`)[0]!.next };
    let spendId = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.campaign_spend`)[0]!.next;
    let customerId = (await db<{ next: number }[]>`SELECT max(id) + 1 AS next FROM siyu.customers`)[0]!.next;
    const firstCustomer = customerId;
    const days = [asOf, addDays(asOf, -1), addDays(asOf, -30), addDays(asOf, -365)];
    const when = (): string => `${any(days)} ${any(['00:00', '00:05', '13:30', '23:59:59'])}+08`;
    const mySpend = db`SELECT id FROM siyu.campaign_spend ORDER BY (id >= ${spendId - 1}) DESC, random() LIMIT 1`;
    const kinds: Record<string, number> = {};
    for (let step = 0; step < 90; step++) {
      const roll = rnd();
      let kind: string;
      if (roll < 0.4) {
        kind = await randomOrderWrite(db, { rnd, ids, when, next, bulk: { customers: 8, spacing: '-7 hours' }, bulkDelete: 'customers' });
      } else if (roll < 0.65) {
        const r = rnd();
        kind = r < 0.3 ? 'spend insert' : r < 0.4 ? 'spend bulk insert' : r < 0.6 ? 'spend amount' : r < 0.75 ? 'spend move' : r < 0.9 ? 'spend delete' : 'spend zero';
        if (kind === 'spend insert' || kind === 'spend zero') {
          await db`INSERT INTO siyu.campaign_spend (id, campaign_id, channel_id, employee_id, spent_on, amount)
            VALUES (${spendId++}, ${any(ids.campaigns)}, ${any(ids.channels)}, ${rnd() < 0.3 ? null : any(employees)}, ${any(days)},
                    ${kind === 'spend zero' ? 0 : (Math.floor(rnd() * 900000) / 100).toFixed(2)})`;
        } else if (kind === 'spend bulk insert') {
          await db`INSERT INTO siyu.campaign_spend (id, campaign_id, channel_id, employee_id, spent_on, amount)
            SELECT ${spendId} + g, ${any(ids.campaigns)}, (${ids.channels}::int[])[1 + g % 3], (${employees}::int[])[1 + g % 3], ${any(days)}::date - g, g * 10.5
            FROM generate_series(0, 9) AS g`;
          spendId += 10;
        } else if (kind === 'spend amount') await db`UPDATE siyu.campaign_spend SET amount = amount + 3.33 WHERE id IN (${mySpend})`;
        else if (kind === 'spend move') await db`UPDATE siyu.campaign_spend SET channel_id = ${any(ids.channels)}, employee_id = ${any(employees)}, spent_on = ${any(days)} WHERE id IN (${mySpend})`;
        else await db`DELETE FROM siyu.campaign_spend WHERE id IN (${mySpend})`;
      } else {
        const r = rnd();
        kind = r < 0.35 ? 'customer insert' : r < 0.5 ? 'customers bulk insert' : r < 0.7 ? 'customer source' : r < 0.8 ? 'customer registered'
          : r < 0.9 ? 'customer other column' : 'customer delete';
        const mine = db`SELECT id FROM siyu.customers WHERE id >= ${firstCustomer} ORDER BY random() LIMIT 1`;
        if (kind === 'customer insert' || kind === 'customers bulk insert') {
          const n = kind === 'customer insert' ? 1 : 5;
          await db`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, registered_at, member_level)
            SELECT ${customerId} + g, 'test', '139' || lpad((${customerId} + g)::text, 8, '0'), 'unknown', 'tier2', (${ids.channels}::int[])[1 + g % 3],
                   ${when()}::timestamptz - g * interval '5 hours', 'normal'
            FROM generate_series(0, ${n - 1}) AS g`;
          customerId += n;
        } else if (kind === 'customer source') await db`UPDATE siyu.customers SET source_channel_id = ${any(ids.channels)} WHERE id IN (${mine})`;
        else if (kind === 'customer registered') await db`UPDATE siyu.customers SET registered_at = ${when()} WHERE id IN (${mine})`;
        else if (kind === 'customer other column') await db`UPDATE siyu.customers SET member_level = 'gold' WHERE id >= ${firstCustomer}`;
        else await db`DELETE FROM siyu.customers WHERE id IN (${mine})`;
      }
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    expect(Object.keys(kinds).length).toBeGreaterThan(18);
    expect(await differences()).toBe(0);
    // Concurrent writers on the same keys: six at once, each transaction a paid order with a campaign and a spend line
    // on one shared key, then a refund, a move or a delete of earlier ones.
    const base = next.id + 1000;
    const campaign = ids.campaigns[0]!;
    await Promise.all(Array.from({ length: 6 }, async (_, w) => {
      for (let k = 0; k < 12; k++) {
        await db.begin(async (tx) => {
          const id = base + w * 100 + k;
          await tx`INSERT INTO siyu.orders (id, customer_id, employee_id, channel_id, campaign_id, ordered_at, amount, items, category, status)
                   VALUES (${id}, ${ids.customers[6 + (w % 4)]!}, ${employees[0]!}, ${ids.channels[0]!}, ${campaign}, ${`${asOf} 10:00+08`}, ${k + 1.5}, 1, 'core', 'paid')`;
          await tx`INSERT INTO siyu.campaign_spend (id, campaign_id, channel_id, employee_id, spent_on, amount)
                   VALUES (${spendId + w * 100 + k}, ${campaign}, ${ids.channels[0]!}, ${employees[0]!}, ${asOf}, 1.25)`;
          const roll = (w + k) % 4;
          if (roll === 0) await tx`UPDATE siyu.orders SET status = 'refunded' WHERE id = ${id - 1}`;
          else if (roll === 1) await tx`UPDATE siyu.orders SET channel_id = ${ids.channels[1]!} WHERE id = ${id - 1}`;
          else if (roll === 2) await tx`DELETE FROM siyu.orders WHERE id = ${id - 1}`;
          await tx`SELECT pg_sleep(0.01)`;
        });
      }
    }));
    expect(await differences()).toBe(0);
    await checkAll('after random writes');
    // The staff member moved into another team: their rows follow them at once (teams are joined at query time).
    const [before] = await db<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${staff.employeeId}`;
    const [other] = await db<{ id: number }[]>`SELECT id FROM siyu.teams WHERE id <> ${before!.team_id} ORDER BY (id = ${manager.teamId}) DESC, id LIMIT 1`;
    try {
      await db`UPDATE siyu.employees SET team_id = ${other!.id} WHERE id = ${staff.employeeId}`;
      await checkAll('after a team move');
    } finally {
      await db`UPDATE siyu.employees SET team_id = ${before!.team_id} WHERE id = ${staff.employeeId}`;
    }
  }, 600_000);

  it('a truncate of one fact empties only its own side', async () => {
    await ctx.db.sql.begin(async (tx) => {
      await tx`TRUNCATE siyu.campaign_spend`;
      const [d] = await tx<{ n: string }[]>`SELECT count(*) AS n FROM ((TABLE siyu.returns_days EXCEPT ALL SELECT * FROM siyu.returns_days_fresh())
        UNION ALL (SELECT * FROM siyu.returns_days_fresh() EXCEPT ALL TABLE siyu.returns_days)) AS d`;
      expect(Number(d!.n)).toBe(0);
      expect(Number((await tx<{ n: string }[]>`SELECT count(*) AS n FROM siyu.returns_days WHERE spend_lines > 0`)[0]!.n)).toBe(0);
      const [m] = await tx<{ n: string }[]>`SELECT count(*) AS n FROM ((TABLE siyu.returns_months EXCEPT ALL SELECT * FROM siyu.returns_months_fresh())
        UNION ALL (SELECT * FROM siyu.returns_months_fresh() EXCEPT ALL TABLE siyu.returns_months)) AS d`;
      expect(Number(m!.n)).toBe(0);
      throw new Error('rollback');
    }).catch((error: unknown) => { if (!/rollback/.test(String(error))) throw error; });
    expect(await differences()).toBe(0);
  });
});
