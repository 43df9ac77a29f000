/** The list pages: the drill-down list (first and a deep page), the customer 360, the CSV export. */
import type postgres from 'postgres';
import { buildDrillQuery, drillColumns, parseDrill, parsePage } from '../../web/src/lib/drill.ts';
import { wholeListQuery } from '../../web/src/lib/export-csv.ts';
import { addDays } from '../../web/src/lib/date-range.ts';
import type { BrowserClient } from '../http-client.ts';
import type { OrderWriter } from '../new-order.ts';
import { customer360, drillList, type CubeQuery, type NamedQuery } from '../../web/src/page-loads.ts';
import { csvRows, openRuns, runs, say } from '../options.ts';
import { latency, ms } from '../stats.ts';
import { loadNamed, openPage, timed } from '../timing.ts';

/** The drill-down list behind the overview's GMV: first page with its total, and a deep page. */
export async function timeDrillList(exec: BrowserClient, asOf: string, drillBase: string) {
  say('timing the drill-down list');
  // The list as the page loads it: the ranked page (then the page's attributes) and its total, side by side. The
  // total is the list's own (Cube's) on sales_drill, its own query from stored rows (a preset: up to as-of the range
  // is the 近12个月 preset) or from the range's paid days (a custom range, migration 046).
  const queriesOf = (to: string, page = 1): NamedQuery[] => drillList(`${drillBase}&to=${to}${page > 1 ? `&page=${page}` : ''}`, asOf).queries
    .filter((x) => x.name === 'list' || x.name === 'list_total');
  const open = async (to: string, page = 1): Promise<{ ms: number; total: number }> => {
    const t0 = performance.now();
    let total = 0;
    await Promise.all(queriesOf(to, page).map(async (named) => {
      if (named.name === 'list_total') {
        const row = (await exec.load(named.query)).rows[0] ?? {};
        total = Number(row['sales_drill_periods.buyers'] ?? row['sales_drill_range_totals.buyers'] ?? row['sales_range.buyers'] ?? 0);
      } else {
        const answer = await exec.load(named.query);
        if (typeof answer.total === 'number') total = answer.total;
        const next = named.then?.(answer.rows);
        if (next) await exec.load(next);
      }
    }));
    return { ms: performance.now() - t0, total };
  };
  const total = (await open(asOf)).total;
  const deepPage = Math.max(2, Math.floor((total * 0.8) / 50));
  await open(asOf, deepPage);
  const first = {
    warm: await timed(runs, async () => (await open(asOf)).ms),
    cold: await timed(runs, async (i) => (await open(addDays(asOf, -(i + 1)))).ms),
    page: await timed(openRuns, (i) => openPage(exec, drillList(`${drillBase}&to=${addDays(asOf, -(100 + i))}`, asOf))),
  };
  const deep = {
    warm: await timed(runs, async () => (await open(asOf, deepPage)).ms),
    cold: await timed(runs, async (i) => (await open(addDays(asOf, -(i + 1)), deepPage)).ms),
  };
  const each = (xs: number[]): string => xs.map((x) => Math.round(x)).join(' ');
  say(`  ${total} customers; first page cold p95 ${ms(latency(first.cold).p95)} (runs: ${each(first.cold)}), whole page ${ms(latency(first.page).p95)}, page ${deepPage} ${ms(latency(deep.cold).p95)} (runs: ${each(deep.cold)})`);
  return { total, deepPage, first, deep };
}

/**
 * The same list on its preset range (近12个月, the overview's default, as its
 * GMV tile opens it): each run after a new order, so every cache key on the
 * facts changes, as the tiles' runs are. A page as the page sends it: the
 * ranked page and its total side by side (the total is its own query when the
 * list is read from the stored ranges, migration 029), then the attributes.
 */
export async function timePresetDrillList(exec: BrowserClient, asOf: string, writer: OrderWriter) {
  say('timing the drill-down list on its preset range, each run after a new order');
  const queriesOf = (page = 1): NamedQuery[] => drillList(`metric=gmv${page > 1 ? `&page=${page}` : ''}`, asOf).queries
    .filter((x) => x.name === 'list' || x.name === 'list_total');
  const openList = async (page = 1): Promise<{ ms: number; total: number | null }> => {
    const t0 = performance.now();
    let total: number | null = null;
    await Promise.all(queriesOf(page).map(async (named) => {
      const answer = await exec.load(named.query);
      if (named.name === 'list_total') total = Number(answer.rows[0]?.['sales_drill_periods.buyers'] ?? 0);
      else if (answer.total !== undefined && answer.total !== null) total ??= answer.total;
      const next = named.then?.(answer.rows);
      if (next) await exec.load(next);
    }));
    return { ms: performance.now() - t0, total };
  };
  const total = (await openList()).total ?? 0;
  const deepPage = Math.max(2, Math.floor((total * 0.8) / 50));
  await openList(deepPage);
  const afterWrite = async (page: number): Promise<number> => {
    await writer.write();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    return (await openList(page)).ms;
  };
  const first = await timed(runs, () => afterWrite(1));
  const deep = await timed(runs, () => afterWrite(deepPage));
  say(`  ${total} customers; first page after a write p95 ${ms(latency(first).p95)}, page ${deepPage} ${ms(latency(deep).p95)}`);
  return { total, deepPage, first, deep };
}

/** The customer 360 of different customers, each with orders. */
export async function timeCustomer360(exec: BrowserClient, owner: postgres.Sql) {
  say('timing the customer 360');
  const someCustomers = (await owner.unsafe(`
    SELECT customer.id FROM siyu.customers AS customer
    WHERE EXISTS (SELECT 1 FROM siyu.orders AS o WHERE o.customer_id = customer.id)
    ORDER BY (customer.id::bigint * 2654435761) % 1000003 LIMIT $1`, [runs])).map((r) => Number(r.id));
  const c360Page: number[] = [];
  const c360Query: number[] = [];
  for (const id of someCustomers) {
    const page = customer360(id);
    const t0 = performance.now();
    const answers = await Promise.all(page.queries.map(({ query }) => exec.load(query)));
    c360Page.push(performance.now() - t0);
    c360Query.push(...answers.map((a) => a.ms));
  }
  say(`  360: page p95 ${ms(latency(c360Page).p95)}, query p95 ${ms(latency(c360Query).p95)}`);
  return { someCustomers, c360Page, c360Query };
}

/** The CSV export of the all-customers list, streamed and counted. */
export async function timeCsvExport(exec: BrowserClient, asOf: string) {
  say(`timing a CSV export of up to ${csvRows.toLocaleString('en-US')} rows`);
  // The export reads the whole row in one query, as the page's export link does.
  const allCustomers = buildDrillQuery(parseDrill(new URLSearchParams('metric=customers'), asOf), parsePage(new URLSearchParams())) as CubeQuery;
  const csv = await exec.exportCsv({
    query: wholeListQuery(allCustomers), filename: 'bench',
    columns: drillColumns('customers').map((c) => ({ member: c.member, title: c.id })),
  }, csvRows);
  say(`  ${csv.rows} rows in ${ms(csv.ms)}`);
  return csv;
}
