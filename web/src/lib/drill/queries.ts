/** The Cube queries of a drill list: its page, the page's attributes, the header's number and spend. */
import type { Query } from '../cube.ts';
import { drillDef, journeyDayFilters, type DrillDef, type DrillMetric, type DrillView, type SliceMembers } from './catalogue.ts';
import {
  attributedAggregate, attributedListQuery, attributedRemainderFromList, attributedStoredList, attributedStoredSummary, attributedStoredTotal, attributedTotalQuery,
  ATTRIBUTED_DRILL_VIEW, ATTRIBUTED_PERIOD_VIEW, ATTRIBUTED_SLICE_VIEW,
} from './attributed.ts';
import { churnListQuery, churnRow, keptCountQuery, keptCountRow } from './classification.ts';
import { ATTRIBUTES, BASE_COLUMNS } from './columns.ts';
import { ltvListQuery, ltvRow } from './ltv.ts';
import { RANGE_DRILL_VIEW, RANGE_SUMMARY_VIEW, RANGE_TOP_VIEW, rangeDrillListQuery, rangeDrillSummaryQuery, rangeDrillTotalQuery } from './range.ts';
import { repurchaseCount, repurchaseListQuery, repurchaseRow, repurchaseSummary } from './repurchase.ts';
import { PERIOD_DRILL_VIEW, PERIOD_SUMMARY_VIEW, SLICE_DRILL_VIEW, sliceFilters, sortOf, STORED_SLICE, storedDrill, type StoredDrill } from './slice.ts';
import { showsNumerator, type DrillPage, type DrillSlice } from './url.ts';

type Filter = NonNullable<Query['filters']>[number];

// The shared pieces, still reachable from here (drill.ts re-exports this module).
export { drillPeriodKey, PERIOD_DRILL_VIEW, PERIOD_SUMMARY_VIEW, SLICE_DRILL_VIEW, sliceFilters, sortOf, storedDrill, type StoredDrill } from './slice.ts';

/** Slice parameters the number cannot be cut by (for a note on the page). */
export function ignoredSliceParams(slice: DrillSlice): string[] {
  const members = drillDef(slice.metric).slice;
  const out: string[] = [];
  if (slice.team && !members.team) out.push('team');
  if (slice.channel && !members.channel) out.push('channel');
  if (slice.campaign && !members.campaign) out.push('campaign');
  if (slice.employee && !members.employee) out.push('employee');
  if (slice.cityTier && !members.cityTier) out.push('city_tier');
  return out;
}

export type FilterKindOrRange = 'range' | 'team' | 'channel' | 'campaign' | 'employee' | 'city_tier';

/**
 * Every active filter the number does not apply: the slice parameters it
 * cannot be cut by, and the date range when it is an as-of number. Tiles and
 * lists say so on screen (`filter-note`).
 */
export function ignoredFilters(metric: DrillMetric, active: { range: boolean } & Pick<DrillSlice, 'team' | 'channel' | 'campaign'> & Partial<Pick<DrillSlice, 'employee' | 'cityTier'>>): FilterKindOrRange[] {
  const def = drillDef(metric);
  const out: FilterKindOrRange[] = [];
  if (active.range && def.date === null) out.push('range');
  if (active.team && !def.slice.team) out.push('team');
  if (active.channel && !def.slice.channel) out.push('channel');
  if (active.campaign && !def.slice.campaign) out.push('campaign');
  if (active.employee && !def.slice.employee) out.push('employee');
  if (active.cityTier && !def.slice.cityTier) out.push('city_tier');
  return out;
}

function population(def: DrillDef, numeratorOnly = false): Filter[] {
  const out: Filter[] = [];
  if (numeratorOnly && def.numerator) out.push({ member: `${def.view}.${def.numerator}`, operator: 'gt', values: ['0'] });
  if (def.population) {
    out.push(def.population.operator === 'set'
      ? { member: `${def.view}.${def.population.measure}`, operator: 'set' }
      : { member: `${def.view}.${def.population.measure}`, operator: 'gt', values: ['0'] });
  }
  for (const f of def.fixed ?? []) out.push({ member: `${def.view}.${f.member}`, operator: f.operator });
  return out;
}

export function baseFilters(slice: DrillSlice): Filter[] {
  const def = drillDef(slice.metric);
  const out = sliceFilters(def.view, def.slice, slice);
  if (slice.segment) out.push({ member: `${def.view}.${slice.segment.dimension}`, operator: 'equals', values: [slice.segment.value] });
  if (slice.journey) {
    const { family, fromDate, toDate, from, to } = slice.journey;
    out.push(
      ...journeyDayFilters(fromDate, toDate),
      { member: `${def.view}.from_${family}`, operator: 'equals', values: [from] },
      { member: `${def.view}.to_${family}`, operator: 'equals', values: [to] },
    );
  }
  return out;
}

export function timeDimensions(slice: DrillSlice): Query['timeDimensions'] {
  const def = drillDef(slice.metric);
  return def.date && slice.range ? [{ dimension: `${def.view}.${def.date}`, dateRange: slice.range }] : [];
}

/** The member naming the customer on a drill's view (a filter on it limits a team role to owned customers). */
export function customerMember(metric: DrillMetric): string {
  const def = drillDef(metric);
  return `${def.view}.${ATTRIBUTES[def.view].customer}`;
}

/**
 * The whole list row in one query: the customer, every attribute column and
 * the measures, sorted on the server, with the total. The CSV export reads
 * it page by page; the journey list shows it as is.
 */
export function buildDrillQuery(slice: DrillSlice, page: DrillPage): Query {
  const def = drillDef(slice.metric);
  const attr = ATTRIBUTES[def.view];
  const { sortMember, desc } = sortOf(slice, page);
  return {
    dimensions: [attr.customer, ...BASE_COLUMNS.map((id) => attr[id])].map((s) => `${def.view}.${s}`),
    measures: def.measures.map((s) => `${def.view}.${s}`),
    filters: [...baseFilters(slice), ...population(def, showsNumerator(slice))],
    timeDimensions: timeDimensions(slice),
    // A tie-breaker on the customer id keeps pages stable.
    order: sortMember === `${def.view}.${attr.customer}`
      ? [[sortMember, desc ? 'desc' : 'asc']]
      : [[sortMember, desc ? 'desc' : 'asc'], [`${def.view}.${attr.customer}`, 'asc']],
    limit: page.limit,
    offset: page.offset,
    total: true,
  };
}

/**
 * Lists that rank customers first and fetch the page's attributes after.
 * Grouping every fact row in range by ten attribute columns, and counting
 * that grouping again for the total, is what took a list 20 s at a million
 * customers; grouping by the customer alone does not. The journey list
 * classifies two days per query, so fetching its attributes again would
 * cost more than it saves.
 */
const RANKED_VIEWS: ReadonlySet<DrillView> = new Set(['sales_drill', 'activity_drill', 'staff_touch_drill', 'customer_insights']);

/**
 * One page of the list as the page asks for it: on a ranked view, only the
 * customer, the measures and the sort column (when it is an attribute), with
 * the total; otherwise the whole row. Same population, order and total as
 * `buildDrillQuery`.
 */
export function buildDrillPageQuery(slice: DrillSlice, page: DrillPage): Query {
  const def = drillDef(slice.metric);
  const whole = buildDrillQuery(slice, page);
  if (!RANKED_VIEWS.has(def.view)) return whole;
  const customer = `${def.view}.${ATTRIBUTES[def.view].customer}`;
  const { sortMember } = sortOf(slice, page);
  const sortsByAttribute = sortMember !== customer && whole.dimensions!.includes(sortMember);
  return { ...whole, dimensions: sortsByAttribute ? [customer, sortMember] : [customer] };
}

/** The attributes' members on customer_insights, where a customer is one row and needs no facts. */
export const INSIGHTS_ATTRIBUTES = [ATTRIBUTES.customer_insights.customer, ...BASE_COLUMNS.map((id) => ATTRIBUTES.customer_insights[id])]
  .map((s) => `customer_insights.${s}`);

/**
 * The attribute columns of a page's customers, by id, from customer_insights
 * (one row per customer). Null when the page query carries them itself or
 * the page is empty. The role's limits on customer_insights (the owner and
 * their team) are those the ranked views put on any list naming customers,
 * so every ranked customer is found.
 */
export function buildDrillAttributesQuery(slice: DrillSlice, customers: readonly number[]): Query | null {
  if (!RANKED_VIEWS.has(drillDef(slice.metric).view) || customers.length === 0) return null;
  return {
    dimensions: INSIGHTS_ATTRIBUTES,
    filters: [{ member: `customer_insights.${ATTRIBUTES.customer_insights.customer}`, operator: 'equals', values: customers.map(String) }],
    order: [[INSIGHTS_ATTRIBUTES[0]!, 'asc']],
    limit: customers.length,
  };
}

/** The customer ids of a page query's rows, in order. */
export function drillCustomers(metric: DrillMetric, rows: ReadonlyArray<Record<string, unknown>>): number[] {
  const def = drillDef(metric);
  const member = `${def.view}.${ATTRIBUTES[def.view].customer}`;
  return drillListRows(rows).map((row) => Number(row[member]));
}

/** The number itself over the same population, for the header; null when the total count says it all. */
export function buildDrillSummaryQuery(slice: DrillSlice): Query | null {
  const def = drillDef(slice.metric);
  if (def.summary.length === 0) return null;
  return {
    measures: def.summary.map((s) => `${def.view}.${s}`),
    // Population filters are HAVING clauses: without dimensions they would test the total, not each customer.
    filters: [...baseFilters(slice), ...(def.fixed ?? []).map((f) => ({ member: `${def.view}.${f.member}`, operator: f.operator }))],
    timeDimensions: timeDimensions(slice),
  };
}

/** ROI and CAC: the spend over the same slice, from channel_roi, for the list's header. */
export function buildDrillSpendQuery(slice: DrillSlice): Query | null {
  if (drillDef(slice.metric).kind !== 'multi') return null;
  const members: SliceMembers = slice.metric === 'cac' ? { channel: 'channel' } : { team: 'team', channel: 'channel', campaign: 'campaign', employee: 'employee' };
  return {
    measures: ['channel_roi.spend'],
    filters: sliceFilters('channel_roi', members, slice),
    timeDimensions: slice.range ? [{ dimension: 'channel_roi.date', dateRange: slice.range }] : [],
  };
}

/** The stored range's key when the brand's table answers the list (see `storedDrill`), else null. */
export function periodDrillKey(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): string | null {
  const stored = storedDrill(slice, page, asOf, limitedRole);
  return stored?.view === PERIOD_DRILL_VIEW ? stored.period : null;
}

function storedFilters(stored: StoredDrill): Filter[] {
  return [{ member: `${stored.view}.period`, operator: 'equals', values: [stored.period] }, ...stored.filters];
}

/**
 * The page of the list as the page sends it: from the stored rows when
 * they answer it (same customers, order, numbers and total as
 * `buildDrillPageQuery`, read from an index instead of summed), else
 * `buildDrillPageQuery`. Its rows are read through `drillListRows`.
 */
export function buildDrillListQuery(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean, staff = false): Query {
  const stored = storedDrill(slice, page, asOf, limitedRole);
  if (stored === null) {
    // A preset's repurchase list from stored rows (its total: the tile's count); the LTV and churn lists by dimensions.
    // An attributed list from the customer-day table's campaign rows (attributed.ts).
    // On a preset, the brand's attributed list from the stored rows' attributed part (attributed.ts).
    const byRows = attributedStoredList(slice, page, asOf, limitedRole) ?? attributedListQuery(slice, () => buildDrillPageQuery(slice, page)) ?? rangeDrillListQuery(slice, page, asOf, limitedRole)
      ?? repurchaseListQuery(slice, page, asOf) ?? ltvListQuery(slice, page, baseFilters(slice), staff) ?? churnListQuery(slice, page, baseFilters(slice));
    if (byRows) return byRows;
    const query = buildDrillPageQuery(slice, page);
    // A list whose population the number's own count measure counts: its total is that count (`buildDrillListTotalQuery`).
    if (countedTotal(slice)) delete query.total;
    return query;
  }
  const v = stored.view;
  const { sortMember } = sortOf(slice, page);
  return {
    dimensions: [`${v}.customer`, `${v}.gmv`, `${v}.order_count`],
    filters: storedFilters(stored),
    order: sortMember === 'sales_drill.gmv' ? [[`${v}.gmv`, 'desc'], [`${v}.customer`, 'asc']] : [[`${v}.customer`, 'asc']],
    limit: page.limit,
    offset: page.offset,
    // The total is `buildDrillListTotalQuery`: the range's rows counted from the index, where Cube's total would
    // group the whole range again.
  };
}

/** The attributed list's customers counted on sales_drill (attributedTotalQuery moves it to attributed_drill). */
function attributedBuyers(slice: DrillSlice): Query {
  const def = drillDef(slice.metric);
  return {
    measures: ['sales_drill.buyers'],
    filters: [
      ...baseFilters(slice),
      ...(def.fixed ?? []).map((f) => ({ member: `${def.view}.${f.member}`, operator: f.operator })),
      { member: customerMember(slice.metric), operator: 'set' },
    ],
    timeDimensions: timeDimensions(slice),
  };
}

/**
 * The list's total when it comes from stored rows (its rows counted, one per
 * customer; on the slices' table with their sums too, the owned part of a
 * team role's number), else null: the list's own total. Naming the customer
 * is what limits a team role's count to the customers it owns, as its list is.
 */
export function buildDrillListTotalQuery(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const stored = storedDrill(slice, page, asOf, limitedRole);
  if (stored === null) return attributedStoredTotal(slice, page, asOf, limitedRole) ?? attributedTotalQuery(slice, () => buildDrillPageQuery(slice, page), () => attributedBuyers(slice)) ?? rangeDrillTotalQuery(slice, page, asOf, limitedRole) ?? repurchaseCount(slice, page, asOf) ?? countedTotal(slice);
  const v = stored.view;
  if (v === PERIOD_DRILL_VIEW) return { measures: [`${v}.buyers`], filters: storedFilters(stored) };
  return {
    measures: [`${v}.buyers`, `${v}.total_gmv`, `${v}.total_orders`],
    filters: [...storedFilters(stored), { member: `${v}.customer`, operator: 'set' }],
  };
}

/**
 * A list of one row per customer whose number has its own count measures
 * (`counts` in the catalogue: churn, LTV): the count of the population the
 * list shows (a ratio's numerator's, or the whole), over the list's slice. It
 * equals the list's total (test/model/drill-ratio-counts.test.ts) and is one
 * read of the number's rollup instead of Cube's total over every customer
 * grouped again. Null for every other list.
 */
export function countedTotal(slice: DrillSlice): Query | null {
  const def = drillDef(slice.metric);
  const counted = showsNumerator(slice) ? def.counts?.numerator : def.counts?.denominator;
  if (!counted) return null;
  const query: Query = { measures: [`${def.view}.${counted}`], filters: baseFilters(slice), timeDimensions: timeDimensions(slice) };
  // Churn and LTV: from the kept classification counts when they hold the slice (classification.ts).
  return keptCountQuery(slice, query) ?? query;
}

/** The header's number from the tiles' own period row (cut by the same slice) when the list comes from stored rows; else `buildDrillSummaryQuery`. */
export function buildDrillListSummaryQuery(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const stored = storedDrill(slice, page, asOf, limitedRole);
  const summary = buildDrillSummaryQuery(slice);
  if (stored === null) {
    return attributedStoredSummary(slice, page, asOf, limitedRole) ?? rangeDrillSummaryQuery(slice, page, asOf, limitedRole) ?? repurchaseSummary(slice, page, asOf)
      ?? keptCountQuery(slice, summary) ?? attributedAggregate(slice, summary);
  }
  if (summary === null) return summary;
  // A team role's header is also its whole number behind the anonymised remainder (with the orders).
  const measures = limitedRole ? [...new Set([...drillDef(slice.metric).summary, 'buyers', 'gmv', 'order_count'])] : drillDef(slice.metric).summary;
  return {
    measures: measures.map((s) => `${PERIOD_SUMMARY_VIEW}.${s}`),
    filters: [{ member: `${PERIOD_SUMMARY_VIEW}.period`, operator: 'equals', values: [stored.period] }, ...sliceFilters(PERIOD_SUMMARY_VIEW, STORED_SLICE, slice)],
  };
}

/**
 * Whether a team role's anonymised remainder comes from the list's own
 * queries (an attributed list's too, attributed.ts): on the slices' table its whole number is the header's (the
 * tiles' period row: buyers, GMV, orders) and its owned part the list's
 * total (buyers and sums of the customers it owns), so no scope query is sent.
 */
export function remainderFromList(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): boolean {
  return (limitedRole && storedDrill(slice, page, asOf, limitedRole)?.view === SLICE_DRILL_VIEW && buildDrillSummaryQuery(slice) !== null)
    || attributedRemainderFromList(slice, page, asOf, limitedRole);
}

/** Members of the stored views read under another name on sales_drill (the slices' sums are its measures). */
const STORED_ALIASES: Readonly<Record<string, string>> = { total_gmv: 'gmv', total_orders: 'order_count' };

/** The customers a list's total query counts (either stored view's `buyers`), null until answered. */
export function storedBuyers(rows: ReadonlyArray<Record<string, unknown>>): number | null {
  if (rows.length === 0) return null;
  const row = rows[0]!;
  return Number(row[`${PERIOD_DRILL_VIEW}.buyers`] ?? row[`${SLICE_DRILL_VIEW}.buyers`] ?? 0);
}

/** Rows of a list, total, summary or scope query under sales_drill's names (the stored views carry the same members). */
export function drillListRows(rows: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rows.map((row) => {
    const read = repurchaseRow(row) ?? ltvRow(row) ?? churnRow(row) ?? keptCountRow(row);
    if (read) return read;
    let renamed: Record<string, unknown> | null = null;
    for (const [k, value] of Object.entries(row)) {
      const view = k.slice(0, k.indexOf('.'));
      if ([PERIOD_DRILL_VIEW, PERIOD_SUMMARY_VIEW, SLICE_DRILL_VIEW, RANGE_DRILL_VIEW, RANGE_TOP_VIEW, RANGE_SUMMARY_VIEW, ATTRIBUTED_DRILL_VIEW,
        ATTRIBUTED_PERIOD_VIEW, ATTRIBUTED_SLICE_VIEW].includes(view)) {
        const name = k.slice(view.length + 1);
        (renamed ??= {})[`sales_drill.${STORED_ALIASES[name] ?? name}`] = value;
      }
    }
    return renamed ? { ...row, ...renamed } : { ...row };
  });
}
