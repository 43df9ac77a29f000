/**
 * The churn and LTV lists' counts and header from the kept classification
 * counts (docs/performance.md, "The churn and LTV lists' counts from the kept
 * classification counts"). The lists' total, the churn list's two header
 * counts (流失 n / 购买客户 d) and the header's rate or LTV are the number's
 * own parts (buyers to date, churned buyers, lifetime GMV), which
 * `segment_counts` (siyu.classification_counts, migration 039, and its
 * coarser grains, migration 056) keeps per owner × source channel × stage:
 * the sums the overview's team tiles read. On customer_insights each of
 * them looked up the classification row of every customer in the scope (a
 * manager's team: 130–170 ms at 200k, growing with the team).
 *
 * Only where the kept counts hold every member of the slice: the owner's
 * team, the owner, the source channel and a stage; a campaign cut (its
 * participants) or a journey stays on customer_insights. The role's limits
 * are the same on both views (the owner, or the owner's team).
 *
 * The churn list's page (`churnListQuery`) is asked by dimensions, as the
 * LTV list's is: grouped by the customer with the churn rate as a measure,
 * PostgreSQL joined every customer in scope to their classification row
 * before it could keep a page (an executive's first page 360 ms at 200k, a
 * manager's deep page 380–700 ms walking every customer of the brand).
 * Everything here is pure.
 */
import type { Query } from '../cube.ts';
import { showsNumerator, type DrillPage, type DrillSlice } from './url.ts';

const FROM = 'customer_insights';
/** The kept counts' view. */
export const KEPT_COUNTS_VIEW = 'segment_counts';
/** The members both views name alike: the number's parts and the cuts. */
const SHARED = new Set([
  'buyers_to_date', 'churned_buyers', 'churn_rate', 'ltv',
  'owner_team', 'owner_id', 'source_channel', 'lifecycle_stage', 'rfm_segment', 'aipl_stage', 'five_a_stage', 'value_quadrant',
]);

type Filter = NonNullable<Query['filters']>[number];

/** Whether the kept counts answer this list's counts (churn or LTV, no campaign or journey cut). */
export function keptCounts(slice: DrillSlice): boolean {
  return (slice.metric === 'churn_rate' || slice.metric === 'ltv') && !slice.campaign && !slice.journey;
}

function moved(member: string): string | null {
  if (!member.startsWith(`${FROM}.`)) return null;
  const short = member.slice(FROM.length + 1);
  return SHARED.has(short) ? `${KEPT_COUNTS_VIEW}.${short}` : null;
}

/**
 * A count or header query on customer_insights (measures and plain filters,
 * no dimension, no range) asked of the kept counts instead, or null when
 * this list's are not kept or the query names a member they do not hold.
 */
export function keptCountQuery(slice: DrillSlice, query: Query | null): Query | null {
  if (query === null || !keptCounts(slice)) return null;
  if ((query.dimensions ?? []).length > 0 || (query.timeDimensions ?? []).length > 0 || (query.segments ?? []).length > 0) return null;
  const measures = (query.measures ?? []).map(moved);
  const filters: Filter[] = [];
  for (const f of query.filters ?? []) {
    if (!('member' in f) || typeof f.member !== 'string') return null;
    const member = moved(f.member);
    if (member === null) return null;
    filters.push({ ...f, member });
  }
  if (measures.length === 0 || measures.some((m) => m === null)) return null;
  return { measures: measures as string[], filters };
}

/** A row of the kept counts under customer_insights' names (null when it has none of their members). */
export function keptCountRow(row: Record<string, unknown>): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(row)) {
    if (k.startsWith(`${KEPT_COUNTS_VIEW}.`)) (out ??= { ...row })[`${FROM}.${k.slice(KEPT_COUNTS_VIEW.length + 1)}`] = v;
  }
  return out;
}

/**
 * The days without a paid order after which a buyer is churned: the rule of
 * `churned_buyers` (model/cubes/customer_profiles.yml), which the list's
 * total and header count; test/model/drill-churn-kept.test.ts checks that the
 * list's rows are exactly the customers that measure counts.
 */
const CHURN_DAYS = 120;

/**
 * The churn list's page by dimensions, or null when another query answers
 * it: the buyers (paid orders up to as-of), or the churned ones (also more
 * than CHURN_DAYS since their last paid order), with their days since, in
 * the list's default order (the customer id). A customer's churn rate over
 * one customer is 1 when churned, else 0 (`churnRow`). The page carries no
 * total: it is the counted total (queries.ts, `countedTotal`). `filters`:
 * the slice's (baseFilters).
 */
export function churnListQuery(slice: DrillSlice, page: DrillPage, filters: NonNullable<Query['filters']>): Query | null {
  if (slice.metric !== 'churn_rate' || page.sort !== null || slice.segment || slice.journey) return null;
  return {
    dimensions: [`${FROM}.customer`, `${FROM}.recency_days`],
    filters: [
      ...filters,
      { member: `${FROM}.paid_orders`, operator: 'gt', values: ['0'] },
      ...(showsNumerator(slice) ? [{ member: `${FROM}.recency_days`, operator: 'gt' as const, values: [String(CHURN_DAYS)] }] : []),
    ],
    order: [[`${FROM}.customer`, 'asc']],
    limit: page.limit,
    offset: page.offset,
  };
}

/** A row of that page under the list's names: its churn rate 1 when churned, else 0 (other rows unchanged: null). */
export function churnRow(row: Record<string, unknown>): Record<string, unknown> | null {
  if (!(`${FROM}.recency_days` in row) || `${FROM}.churn_rate` in row || !(`${FROM}.customer` in row)) return null;
  return { ...row, [`${FROM}.churn_rate`]: Number(row[`${FROM}.recency_days`]) > CHURN_DAYS ? 1 : 0 };
}
