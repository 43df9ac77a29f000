/**
 * The same metric queries three ways: through Cube with its pre-aggregations,
 * through Cube without them (a second product started with
 * SIYU_PRE_AGGREGATIONS=off), and, for a few, as SQL written by hand on the
 * raw tables. The hand-written SQL must give the numbers Cube gives (checked
 * on every run), or the comparison would flatter whichever side does less.
 */
import type { Sql } from 'postgres';
import type { CubeQuery, NamedQuery, PageLoad } from '../web/src/page-loads.ts';
import { buildGmvTrendQuery } from '../web/src/features/overview/gmv-spend-trend/build-query.ts';
import { buildSalesKpiQuery } from '../web/src/features/overview/kpis/build-query.ts';
import { buildRoiBreakdownQuery } from '../web/src/features/channels/roi-breakdown/build-query.ts';
import type { DateRange } from '../web/src/lib/date-range.ts';

type Row = Record<string, unknown>;

export interface HandWritten {
  /** The SQL's rows reduced to a few totals, and the same totals from Cube's rows. */
  totals(rows: readonly Row[]): number[];
  cubeTotals(rows: readonly Row[]): number[];
  run(sql: Sql): Promise<Row[]>;
}

export interface Comparison {
  name: string;
  /** Where the query comes from (a page's builder, or the reference query). */
  from: string;
  query: CubeQuery;
  handWritten: HandWritten | null;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const sum = (rows: readonly Row[], key: string): number => rows.reduce((s, r) => s + num(r[key]), 0);
const present = (rows: readonly Row[], key: string): number => rows.filter((r) => r[key] !== null && r[key] !== undefined).length;

/** Day boundaries of an inclusive local date range, as Cube reads a dateRange in the business zone. */
const BOUNDS = 'b AS (SELECT ($1::date)::timestamp AT TIME ZONE $3 AS lo, ($2::date + 1)::timestamp AT TIME ZONE $3 AS hi)';

export function comparisons(pages: readonly PageLoad[], range: DateRange, timeZone: string, bigScreenWindow: [string, string]): Comparison[] {
  const fromPage = (page: string, name: string): NamedQuery => {
    const found = pages.find((p) => p.page === page)?.queries.find((x) => x.name === name);
    if (!found) throw new Error(`no query ${name} on the ${page} page`);
    return found;
  };
  const noSlice = { team: null, channel: null, campaign: null };
  const out: Comparison[] = [
    {
      name: 'gmv_by_channel_month', from: 'issue #12 reference (GMV by channel × month, all time)',
      query: { measures: ['sales_overview.gmv'], dimensions: ['sales_overview.channel'], timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month' }] } as CubeQuery,
      handWritten: {
        run: (sql) => sql.unsafe(`
          SELECT channel.name AS channel, date_trunc('month', paid.ordered_at AT TIME ZONE $1) AS month, SUM(paid.amount) AS gmv
          FROM siyu.orders AS paid
          LEFT JOIN siyu.channels AS channel ON channel.id = paid.channel_id
          WHERE paid.status = 'paid'
          GROUP BY 1, 2`, [timeZone]),
        totals: (rows) => [sum(rows, 'gmv'), present(rows, 'gmv')],
        cubeTotals: (rows) => [sum(rows, 'sales_overview.gmv'), present(rows, 'sales_overview.gmv')],
      },
    },
    {
      name: 'overview.sales_kpis', from: 'overview: GMV, buyers, 客单价 (buildSalesKpiQuery)',
      query: buildSalesKpiQuery(range, noSlice) as CubeQuery,
      handWritten: {
        run: (sql) => sql.unsafe(`
          WITH ${BOUNDS}
          SELECT SUM(paid.amount) AS gmv, COUNT(DISTINCT paid.customer_id) AS buyers
          FROM siyu.orders AS paid, b
          WHERE paid.status = 'paid' AND paid.ordered_at >= b.lo AND paid.ordered_at < b.hi`, [range[0], range[1], timeZone]),
        totals: (rows) => [sum(rows, 'gmv'), sum(rows, 'buyers')],
        cubeTotals: (rows) => [sum(rows, 'sales_overview.gmv'), sum(rows, 'sales_overview.buyers')],
      },
    },
    {
      name: 'overview.gmv_trend', from: 'overview: GMV by month (buildGmvTrendQuery)',
      query: buildGmvTrendQuery(range, noSlice) as CubeQuery,
      handWritten: {
        run: (sql) => sql.unsafe(`
          WITH ${BOUNDS}
          SELECT date_trunc('month', paid.ordered_at AT TIME ZONE $3) AS month, SUM(paid.amount) AS gmv
          FROM siyu.orders AS paid, b
          WHERE paid.status = 'paid' AND paid.ordered_at >= b.lo AND paid.ordered_at < b.hi
          GROUP BY 1`, [range[0], range[1], timeZone]),
        totals: (rows) => [sum(rows, 'gmv'), present(rows, 'gmv')],
        cubeTotals: (rows) => [sum(rows, 'sales_overview.gmv'), present(rows, 'sales_overview.gmv')],
      },
    },
    {
      name: 'big-screen.new_customers_by_source', from: 'big-screen: new customers by source channel (buildNewCustomersBySourceQuery)',
      query: fromPage('big-screen', 'new_customers_by_source').query,
      handWritten: {
        run: (sql) => sql.unsafe(`
          WITH ${BOUNDS}
          SELECT source.name AS source_channel, COUNT(*) AS new_customers
          FROM siyu.customers AS customer
          JOIN b ON customer.registered_at >= b.lo AND customer.registered_at < b.hi
          LEFT JOIN siyu.channels AS source ON source.id = customer.source_channel_id
          GROUP BY 1`, [bigScreenWindow[0], bigScreenWindow[1], timeZone]),
        totals: (rows) => [sum(rows, 'new_customers'), rows.length],
        cubeTotals: (rows) => [sum(rows, 'customer_insights.new_customers'), rows.length],
      },
    },
    {
      name: 'channels.roi_by_channel', from: 'channels: spend, attributed GMV, ROI, CAC by channel (buildRoiBreakdownQuery)',
      query: buildRoiBreakdownQuery('channel', range, noSlice) as CubeQuery,
      handWritten: {
        run: (sql) => sql.unsafe(`
          WITH ${BOUNDS},
          spend AS (
            SELECT spend.channel_id, SUM(spend.amount) AS spend
            FROM siyu.campaign_spend AS spend
            WHERE spend.spent_on BETWEEN $1::date AND $2::date
            GROUP BY 1),
          attributed AS (
            SELECT paid.channel_id, SUM(paid.amount) AS gmv
            FROM siyu.orders AS paid, b
            WHERE paid.status = 'paid' AND paid.campaign_id IS NOT NULL AND paid.ordered_at >= b.lo AND paid.ordered_at < b.hi
            GROUP BY 1)
          SELECT channel.name AS channel, spend.spend, attributed.gmv, attributed.gmv / NULLIF(spend.spend, 0) AS roi
          FROM siyu.channels AS channel
          LEFT JOIN spend ON spend.channel_id = channel.id
          LEFT JOIN attributed ON attributed.channel_id = channel.id
          WHERE spend.spend IS NOT NULL OR attributed.gmv IS NOT NULL`, [range[0], range[1], timeZone]),
        totals: (rows) => [sum(rows, 'spend'), sum(rows, 'gmv')],
        cubeTotals: (rows) => [sum(rows, 'channel_roi.spend'), sum(rows, 'channel_roi.attributed_gmv')],
      },
    },
  ];
  // Page queries that classify or join the most, through Cube only (hand-writing them would re-implement the model).
  for (const [page, name] of [
    ['overview', 'churn_ltv'], ['overview', 'repurchase'], ['segments', 'customers_by_rfm_segment'], ['segments', 'customers_by_value_quadrant'], ['segments', 'journey_flows'],
    ['staff', 'activity_by_team'], ['activities', 'participation_by_campaign'], ['big-screen', 'leaderboard'],
  ] as const) {
    out.push({ name: `${page}.${name}`, from: `${page} page`, query: fromPage(page, name).query, handWritten: null });
  }
  return out;
}

/** Whether two lists of totals agree (to a millionth, as the database rounds numeric sums alike). */
export function sameTotals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= Math.max(0.01, Math.abs(x) * 1e-6));
}
