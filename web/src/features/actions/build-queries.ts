/**
 * The four action lists of the metric catalogue, each a Cube segment of the
 * customer_insights view. Pure: the list, the team and owner filters and the
 * page in, Cube queries out.
 */
import type { Query } from '../../lib/cube.ts';

export const ACTION_LISTS = ['birthday_soon', 'booked_not_arrived', 'high_value_slipping', 'first_order_follow_up'] as const;
export type ActionList = (typeof ACTION_LISTS)[number];
export const DEFAULT_LIST: ActionList = 'birthday_soon';

export function isActionList(value: string | null): value is ActionList {
  return value !== null && (ACTION_LISTS as readonly string[]).includes(value);
}

const VIEW = 'customer_insights';
const m = (short: string) => `${VIEW}.${short}`;

export interface ActionFilter {
  list: ActionList;
  /** Team name (the owner's team). */
  team: string | null;
  /** Owner employee id. */
  owner: number | null;
}

export const PAGE_SIZE = 50;

/** Columns of a list row, in order: the customer, why they are listed, whose they are. */
export const ACTION_COLUMNS = [
  { id: 'customer_name', member: m('customer_name') },
  { id: 'phone', member: m('phone') },
  { id: 'action_reason', member: m('action_reason') },
  { id: 'owner', member: m('owner') },
  { id: 'owner_team', member: m('owner_team') },
  { id: 'lifecycle_stage', member: m('lifecycle_stage') },
  { id: 'last_paid_date', member: m('last_paid_date') },
  { id: 'last_contact_date', member: m('last_contact_date') },
] as const;
export type ActionColumnId = (typeof ACTION_COLUMNS)[number]['id'];

type Filter = NonNullable<Query['filters']>[number];

/**
 * Each list by urgency, as the catalogue orders it: the nearest birthday, the
 * most recently missed appointment, the most value at risk (paid amount up to
 * as-of), the first order whose follow-up window closes first. Ties by customer.
 */
export const ACTION_ORDER: Readonly<Record<ActionList, { member: string; direction: 'asc' | 'desc' }>> = {
  birthday_soon: { member: m('days_to_birthday'), direction: 'asc' },
  booked_not_arrived: { member: m('missed_date'), direction: 'desc' },
  high_value_slipping: { member: m('paid_amount'), direction: 'desc' },
  first_order_follow_up: { member: m('first_paid_date'), direction: 'asc' },
};

function filters(f: Omit<ActionFilter, 'list'>): Filter[] {
  const out: Filter[] = [];
  if (f.team) out.push({ member: m('owner_team'), operator: 'equals', values: [f.team] });
  if (f.owner !== null) out.push({ member: m('owner_id'), operator: 'equals', values: [String(f.owner)] });
  return out;
}

export function parseActionFilter(params: URLSearchParams): ActionFilter {
  const list = params.get('list');
  const owner = Number(params.get('owner'));
  const team = params.get('team');
  return {
    list: isActionList(list) ? list : DEFAULT_LIST,
    team: team && team.trim() !== '' ? team : null,
    owner: Number.isInteger(owner) && owner > 0 ? owner : null,
  };
}

/**
 * One row per customer on the list, most urgent first. No `total`: the page takes the list's size from its tab's
 * count (buildListCountQuery, the stored counts of segment_counts), the same customers under the same filters and
 * role limits; Cube's total would count the whole joined list again after every write (0.6-1.4 s at 1,000,000
 * customers against 3-10 ms for the stored count, docs/performance.md "The action list's total").
 */
export function buildActionListQuery(f: ActionFilter, page: number): Query {
  const urgency = ACTION_ORDER[f.list];
  return {
    // The ordering member is asked for too: Cube orders by members of the query.
    dimensions: [m('customer'), ...ACTION_COLUMNS.map((c) => c.member), m('owner_id'), urgency.member],
    segments: [m(f.list)],
    filters: filters(f),
    order: { [urgency.member]: urgency.direction, [m('customer')]: 'asc' },
    limit: PAGE_SIZE,
    offset: Math.max(0, page - 1) * PAGE_SIZE,
  };
}

/**
 * The lists' sizes are asked of the stored counts (segment_counts, migration 039: each list's customers by owner,
 * kept with the classification), not of the customers; same owner members, same role limits.
 */
const COUNTS = 'segment_counts';
const c = (short: string) => `${COUNTS}.${short}`;

function countFilters(f: Omit<ActionFilter, 'list'>): Filter[] {
  const out: Filter[] = [];
  if (f.team) out.push({ member: c('owner_team'), operator: 'equals', values: [f.team] });
  if (f.owner !== null) out.push({ member: c('owner_id'), operator: 'equals', values: [String(f.owner)] });
  return out;
}

/** How many customers wait per owner on the list (a manager sees who is behind); owners with none are left out. */
export function buildOwnerCountsQuery(f: ActionFilter): Query {
  return {
    measures: [c(f.list)],
    dimensions: [c('owner'), c('owner_id'), c('owner_team')],
    filters: [...countFilters({ team: f.team, owner: null }), { member: c(f.list), operator: 'gt', values: ['0'] }],
    order: { [c(f.list)]: 'desc', [c('owner')]: 'asc' },
    limit: 500,
  };
}

/** The size of every list under the same team and owner filters, for the tabs. */
export function buildListCountQuery(list: ActionList, f: Omit<ActionFilter, 'list'>): Query {
  return { measures: [c(list)], filters: countFilters(f) };
}

export interface ActionRow {
  customer: number;
  ownerId: number | null;
  values: Record<ActionColumnId, string | null>;
}

export function toActionRows(rows: ReadonlyArray<Record<string, unknown>>): ActionRow[] {
  return rows.map((row) => {
    const values = {} as Record<ActionColumnId, string | null>;
    for (const c of ACTION_COLUMNS) {
      const v = row[c.member];
      values[c.id] = v === null || v === undefined ? null : String(v);
    }
    const owner = row[m('owner_id')];
    return { customer: Number(row[m('customer')]), ownerId: owner === null || owner === undefined ? null : Number(owner), values };
  });
}

export interface OwnerCount {
  owner: string | null;
  ownerId: number | null;
  ownerTeam: string | null;
  customers: number;
}

/** The owner-counts query's rows for `list`. */
export function toOwnerCounts(list: ActionList, rows: ReadonlyArray<Record<string, unknown>>): OwnerCount[] {
  return rows.map((row) => {
    const id = row[c('owner_id')];
    return {
      owner: (row[c('owner')] as string | null) ?? null,
      ownerId: id === null || id === undefined ? null : Number(id),
      ownerTeam: (row[c('owner_team')] as string | null) ?? null,
      customers: Number(row[c(list)] ?? 0),
    };
  });
}

/** The count of `list`'s count query, or null before an answer. */
export function listCount(list: ActionList, rows: ReadonlyArray<Record<string, unknown>>): number | null {
  const v = rows[0]?.[c(list)];
  return v === undefined || v === null ? null : Number(v);
}
