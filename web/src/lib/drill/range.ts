/**
 * The sales drill list (GMV, buyers, 客单价) of a custom date range for the
 * roles that see every fact, cut by nothing (docs/performance.md, "The
 * custom-range drill list"): its page from `sales_drill_range` (each
 * customer's GMV and orders in the range from two rows of the sales paid-day
 * table, migration 046), its total and header from `sales_drill_range_totals`
 * (the same two kinds of rows summed without pairing them: the range's buyers
 * as a count of first rows, its GMV as the last rows' running amounts less the
 * first rows' amounts before them), one query for both, so the header costs no
 * second pass; the same numbers as the GMV tile (`sales_range`, which reads
 * every row in range), checked by test/model/drill-range.test.ts. On
 * sales_drill the same list grouped the range's paid orders per customer at
 * every page and Cube's total grouped them again (7.7 s at 1M). Any page by
 * GMV from `sales_drill_range_top`, cut in PostgreSQL: a first page (its end
 * within `RANGE_TOP_MOST`) found by a threshold walk on a long range
 * (migration 063), a deeper one ranked in full by the GMV in cents (migration
 * 066), so Cube groups and orders the page's rows only.
 *
 * A preset range is read from stored rows first (`storedDrill`); a team role,
 * a cut, another sort or an attributed list stays on sales_drill. Pure.
 */
import type { Query } from '../cube.ts';
import type { DateRange } from '../date-range.ts';
import { drillDef } from './catalogue.ts';
import { sortOf, storedDrill } from './slice.ts';
import type { DrillPage, DrillSlice } from './url.ts';

/** The list's page: one row per customer of the range. */
export const RANGE_DRILL_VIEW = 'sales_drill_range';
/**
 * The same list's pages by GMV: its customers `skip` + 1 .. `top` (the page's offset, its offset + size), cut in
 * PostgreSQL (migration 066); the same rows, numbers and order as `sales_drill_range`'s there.
 */
export const RANGE_TOP_VIEW = 'sales_drill_range_top';
/** The deepest page end the threshold walk answers (migration 066's function, which chooses); past it the full ranking. */
export const RANGE_TOP_MOST = 1000;
/** The list's total and header over the same range: buyers, GMV. */
export const RANGE_SUMMARY_VIEW = 'sales_drill_range_totals';

/** The total's and the header's query: one and the same, so Cube runs it once (buyers first: the total reads it). */
function totalsQuery(range: DateRange): Query {
  return {
    measures: [`${RANGE_SUMMARY_VIEW}.buyers`, `${RANGE_SUMMARY_VIEW}.gmv`],
    timeDimensions: [{ dimension: `${RANGE_SUMMARY_VIEW}.order_date`, dateRange: range }],
  };
}

/** The range when `sales_drill_range` answers this list, else null. */
export function rangeDrill(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): DateRange | null {
  const def = drillDef(slice.metric);
  if (limitedRole || slice.range === null || def.view !== 'sales_drill' || def.fixed) return null;
  if (slice.team || slice.channel || slice.campaign || slice.employee || slice.owner !== null || slice.cityTier || slice.segment || slice.journey) return null;
  const { sortMember, desc } = sortOf(slice, page);
  if (!(sortMember === 'sales_drill.gmv' && desc) && !(page.sort === null && sortMember === 'sales_drill.customer')) return null;
  return storedDrill(slice, page, asOf, limitedRole) === null ? slice.range : null;
}

/** The page: the range's customers ranked as sales_drill ranks them, with their GMV and orders; no total (`rangeDrillTotalQuery`). */
export function rangeDrillListQuery(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const range = rangeDrill(slice, page, asOf, limitedRole);
  if (range === null) return null;
  // By GMV: the page's rows only, cut in PostgreSQL (a first page by the walk, a deeper one ranked there); Cube orders them.
  if (sortOf(slice, page).sortMember === 'sales_drill.gmv') {
    const v = RANGE_TOP_VIEW;
    const equals = (member: string, n: number) => ({ member: `${v}.${member}`, operator: 'equals' as const, values: [String(n)] });
    return {
      dimensions: [`${v}.customer`, `${v}.gmv`, `${v}.order_count`],
      filters: page.offset > 0 ? [equals('top', page.offset + page.limit), equals('skip', page.offset)] : [equals('top', page.limit)],
      timeDimensions: [{ dimension: `${v}.order_date`, dateRange: range }],
      order: [[`${v}.gmv`, 'desc'], [`${v}.customer`, 'asc']],
      limit: page.limit,
    };
  }
  const v = RANGE_DRILL_VIEW;
  return {
    dimensions: [`${v}.customer`, `${v}.gmv`, `${v}.order_count`],
    timeDimensions: [{ dimension: `${v}.order_date`, dateRange: range }],
    order: [[`${v}.customer`, 'asc']],
    limit: page.limit,
    offset: page.offset,
  };
}

/** The list's total: the range's buyers (one first row per customer), as the GMV tile counts them. */
export function rangeDrillTotalQuery(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const range = rangeDrill(slice, page, asOf, limitedRole);
  return range === null ? null : totalsQuery(range);
}

/** The header's numbers (buyers, GMV) over the same range: the total's own query. */
export function rangeDrillSummaryQuery(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): Query | null {
  const range = rangeDrill(slice, page, asOf, limitedRole);
  return range === null ? null : totalsQuery(range);
}
