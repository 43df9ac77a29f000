/**
 * Making a drill list add up to its number under every role.
 *
 * A fact number (buyers, GMV, participants, follow-ups) counts every fact in
 * the person's scope, but a list naming customers may show a staff member or
 * manager only the customers their scope owns. The rest is shown as one
 * anonymised row: no name, phone or attribute, only how many customers and
 * their part. That remainder is computed from two aggregates the role may
 * already see (the number over all its facts, and over the facts of owned
 * customers: a filter on the customer member makes the row rules keep only
 * owned customers), never from rows naming those customers.
 *
 * Ratio lists show the numerator or the denominator; both counts go in the
 * header so the ratio can be recounted.
 *
 * Everything here is pure.
 */
import type { Query } from './cube.ts';
import {
  attributedAggregate, baseFilters, buildDrillPageQuery, countedTotal, customerMember, drillColumns, drillDef, repurchaseCount, showsNumerator, timeDimensions,
  type DrillPage, type DrillRow, type DrillScope, type DrillSlice,
} from './drill.ts';
import type { ExportRemainder } from './export-csv.ts';
import { toNumber } from './format.ts';

/** The scope of the population the list shows, or null when the list names every customer behind the number. */
export function drillScope(slice: DrillSlice): DrillScope | null {
  const def = drillDef(slice.metric);
  if (showsNumerator(slice)) return def.numeratorScope ?? null;
  return def.scope ?? null;
}

function scopeQuery(slice: DrillSlice, scope: DrillScope, ownedOnly: boolean): Query {
  const def = drillDef(slice.metric);
  const measures = [...new Set([scope.customers, ...scope.sums])].map((m) => `${def.view}.${m}`);
  const filters: NonNullable<Query['filters']> = [
    ...baseFilters(slice),
    ...(def.fixed ?? []).map((f) => ({ member: `${def.view}.${f.member}`, operator: f.operator })),
  ];
  // Naming the customer member is what limits a team role's rows to the customers it owns.
  if (ownedOnly) filters.push({ member: customerMember(slice.metric), operator: 'set' });
  // An attributed list's from the customer-day table's campaign rows, as its page.
  return attributedAggregate(slice, { measures, filters, timeDimensions: timeDimensions(slice) });
}

/**
 * The two aggregates whose difference is the anonymised remainder: over all
 * the number's facts, and over those of customers the person owns. Null for
 * roles that see every customer, and for lists of customers (not facts),
 * which are limited exactly as their numbers are.
 */
export function buildDrillScopeQueries(slice: DrillSlice, limitedRole: boolean): { all: Query; owned: Query } | null {
  const scope = drillScope(slice);
  if (!limitedRole || !scope) return null;
  return { all: scopeQuery(slice, scope, false), owned: scopeQuery(slice, scope, true) };
}

export interface Remainder {
  customers: number;
  /** Per measure (short name): the part of the number behind those customers. */
  sums: Record<string, number>;
}

/** Money has two decimals; counts none: the difference is rounded back onto that grid. */
const cents = (x: number): number => Math.round(x * 100) / 100;

/** All minus owned; null until both answered, or when nothing is outside the scope. */
export function remainder(slice: DrillSlice, all: Record<string, unknown> | undefined, owned: Record<string, unknown> | undefined): Remainder | null {
  const scope = drillScope(slice);
  if (!scope || !all || !owned) return null;
  const view = drillDef(slice.metric).view;
  const diff = (m: string) => cents((toNumber(all[`${view}.${m}`]) ?? 0) - (toNumber(owned[`${view}.${m}`]) ?? 0));
  const customers = diff(scope.customers);
  if (customers <= 0) return null;
  return { customers, sums: Object.fromEntries(scope.sums.map((m) => [m, diff(m)])) };
}

/** The anonymised row: its label in the name column, its parts in the measure columns, nothing else. */
export function anonymousRow(slice: DrillSlice, rest: Remainder, label: string): DrillRow {
  const def = drillDef(slice.metric);
  const values: DrillRow['values'] = { customer_name: label };
  for (const c of drillColumns(slice.metric)) {
    const measure = c.member.slice(def.view.length + 1);
    if (c.format === 'flag') values[c.id] = showsNumerator(slice) ? true : undefined;
    else if (measure in rest.sums) values[c.id] = rest.sums[measure];
  }
  return { customer: -1, values, anonymous: { customers: rest.customers } };
}

/** How the header reads one population's count: a measure of a one-row answer, or a list's total. */
export interface CountQuery {
  query: Query;
  /** The member holding the count, or null for the list query's total. */
  member: string | null;
}

const ANY_PAGE: DrillPage = { offset: 0, limit: 1, sort: null, desc: true };

/**
 * A ratio's two populations, counted over every customer behind the number
 * (named or not): on a fact view the distinct counts themselves, on a list of
 * customers (limited as its number is) the list's total. `asOf` says
 * whether the range is a preset's, whose repurchase counts are stored.
 */
export function buildRatioCountQueries(slice: DrillSlice, asOf: string | null = null): { numerator: CountQuery; denominator: CountQuery } | null {
  const def = drillDef(slice.metric);
  if (def.kind !== 'ratio' || !def.numerator) return null;
  const count = (show: 'numerator' | 'all'): CountQuery => {
    const s = { ...slice, show };
    // A preset's repurchase list: the tile's own counts (siyu.period_owners), whatever the list's order.
    const stored = repurchaseCount(s, ANY_PAGE, asOf);
    if (stored) return { query: stored, member: stored.measures![0]! };
    // One row per customer: the number's own count measures, over the same slice.
    const counted = countedTotal(s);
    if (counted) return { query: counted, member: counted.measures![0]! };
    const scope = drillScope(s);
    if (scope) {
      const member = `${def.view}.${scope.customers}`;
      return { query: { ...scopeQuery(s, scope, false), measures: [member] }, member };
    }
    return { query: buildDrillPageQuery(s, { offset: 0, limit: 1, sort: null, desc: true }), member: null };
  };
  return { numerator: count('numerator'), denominator: count('all') };
}

/**
 * What the CSV export needs to close the file with the anonymised row, or
 * null when the list names every customer behind its number. `label` is the
 * row's text with `{count}` for the number of customers.
 */
export function buildExportRemainder(slice: DrillSlice, limitedRole: boolean, label: string): ExportRemainder | null {
  const queries = buildDrillScopeQueries(slice, limitedRole);
  const scope = drillScope(slice);
  if (!queries || !scope) return null;
  const view = drillDef(slice.metric).view;
  const columns = drillColumns(slice.metric);
  const labelColumn = columns.find((c) => c.id === 'customer_name')?.member;
  if (!labelColumn) return null;
  const cells = columns
    .filter((c) => scope.sums.includes(c.member.slice(view.length + 1)))
    .map((c) => ({ column: c.member, measure: c.member }));
  return { ...queries, customers: `${view}.${scope.customers}`, cells, labelColumn, label };
}
