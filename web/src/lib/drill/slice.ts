/**
 * The pieces the drill lists' query builders share (queries.ts, range.ts,
 * repurchase.ts): the slice's filters on a view, the list's sort, and which
 * stored rows answer a list. A module of its own so that none of those
 * imports another at runtime (test/ci/import-cycles.test.ts). Pure.
 */
import type { Query } from '../cube.ts';
import { dateRangeFor, RANGE_PRESETS } from '../date-range.ts';
import { drillDef, type SliceMembers } from './catalogue.ts';
import { ATTRIBUTES, drillColumns } from './columns.ts';
import type { DrillPage, DrillSlice } from './url.ts';

type Filter = NonNullable<Query['filters']>[number];

/** The slice's own filters on `view`, through the members the number uses. */
export function sliceFilters(view: string, members: SliceMembers, slice: Omit<DrillSlice, 'metric' | 'range' | 'segment' | 'journey'>): Filter[] {
  const out: Filter[] = [];
  const add = (member: string | undefined, value: string | number | null) => {
    if (member && value !== null) out.push({ member: `${view}.${member}`, operator: 'equals', values: [String(value)] });
  };
  add(members.team, slice.team);
  add(members.channel, slice.channel);
  add(members.campaign, slice.campaign);
  add(members.employee, slice.employee);
  add(members.owner, slice.owner);
  add(members.cityTier, slice.cityTier);
  return out;
}

/** The member a list is sorted by: the chosen column, else the number's part (largest first), else the customer id. */
export function sortOf(slice: DrillSlice, page: DrillPage): { sortMember: string; desc: boolean } {
  const def = drillDef(slice.metric);
  const sortColumn = drillColumns(slice.metric).find((c) => c.id === page.sort);
  const defaultSort = def.part ? `${def.view}.${def.part}` : `${def.view}.${ATTRIBUTES[def.view].customer}`;
  return { sortMember: sortColumn?.member ?? defaultSort, desc: sortColumn ? page.desc : Boolean(def.part) };
}

/**
 * Preset sales lists of the whole brand, stored per customer and range
 * (siyu.drill_sales, migration 029; docs/performance.md "The drill list"):
 * the view, and the view whose names its rows are read under.
 */
export const PERIOD_DRILL_VIEW = 'sales_drill_periods';
/**
 * Preset sales lists cut by one slice (a credited team or employee, a
 * channel, a campaign: an executive's filtered list, a manager's or a staff
 * member's list), stored per customer, range and slice (siyu.drill_sales_slices,
 * migration 033).
 */
export const SLICE_DRILL_VIEW = 'sales_drill_slices';
/** The period table of the tiles (migration 018): the header's GMV and buyers of the same preset, its brand row. */
export const PERIOD_SUMMARY_VIEW = 'sales_periods';

/** The key of a range the drill table holds: a preset's own range as of `asOf` (not a comparison), or 'all' for none. */
export function drillPeriodKey(range: DrillSlice['range'], asOf: string): string | null {
  if (range === null) return 'all';
  for (const preset of RANGE_PRESETS) {
    const r = dateRangeFor(preset, asOf);
    if (r && r[0] === range[0] && r[1] === range[1]) return `${r[0]}..${r[1]}`;
  }
  return null;
}

/** A list answered from stored rows: the range's key, the view, and the slice's filter on it (none for the brand's or a team role's own list). */
export interface StoredDrill {
  period: string;
  view: typeof PERIOD_DRILL_VIEW | typeof SLICE_DRILL_VIEW;
  filters: Filter[];
}

/** The slice members the stored lists can be cut by (one at a time), named alike on sales_drill, the slices' view and sales_periods. */
export const STORED_SLICE: SliceMembers = { team: 'team', channel: 'channel', campaign: 'campaign', employee: 'employee' };

/**
 * The stored rows that answer this list, or null: a GMV, buyers or 客单价
 * list (not attributed GMV) on a preset range, ranked as the tables' indexes
 * are (GMV largest first); for a role that sees every fact cut by nothing
 * (the brand's table) or by one team, employee, channel or campaign (the
 * slices' table); for a manager or staff member cut by nothing (their own
 * slice of the slices' table, with the anonymised remainder).
 */
export function storedDrill(slice: DrillSlice, page: DrillPage, asOf: string | null, limitedRole: boolean): StoredDrill | null {
  const def = drillDef(slice.metric);
  if (asOf === null || def.view !== 'sales_drill' || def.fixed) return null;
  if (slice.owner !== null || slice.cityTier || slice.segment || slice.journey) return null;
  const { sortMember, desc } = sortOf(slice, page);
  if (!(sortMember === 'sales_drill.gmv' && desc) && !(page.sort === null && sortMember === 'sales_drill.customer')) return null;
  const period = drillPeriodKey(slice.range, asOf);
  if (period === null) return null;
  const cuts = [slice.team, slice.channel, slice.campaign, slice.employee].filter(Boolean).length;
  if (limitedRole) return cuts === 0 ? { period, view: SLICE_DRILL_VIEW, filters: [] } : null;
  if (cuts === 0) return { period, view: PERIOD_DRILL_VIEW, filters: [] };
  return cuts === 1 ? { period, view: SLICE_DRILL_VIEW, filters: sliceFilters(SLICE_DRILL_VIEW, STORED_SLICE, slice) } : null;
}
