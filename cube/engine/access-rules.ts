/**
 * Who may see which rows: the one table of row-level rules, read by Cube's
 * `queryRewrite` (which adds the limits as top-level filters) and by the app
 * server (which shows each role only the views and members it may query).
 *
 * Views are the only queryable surface. A view without a rule here is
 * refused to everyone, so a new view is closed until someone decides its rule.
 * docs/security.md explains each rule.
 */
import type { Role, SecurityContext } from './security-context.ts';

/** The member a team role's limit filters on: the employee id for staff, the team id for managers. */
export interface Limit {
  staff: string;
  manager: string;
}

/**
 * Where the customer on a view's rows stands for a team role.
 *
 * `'owned'`: the view's limit already is the customer's owner (or the owner's
 * team), so every row is a customer of the scope.
 *
 * Otherwise the rows are facts (orders, participations, touches) credited to
 * an employee who need not own the customer. `factMembers` lists the members
 * that belong to the fact itself (its measures, dates, channel, campaign,
 * credited employee and team); every other member of the view describes the
 * customer (id, name, phone, owner, owner's team, LTV, stages, segments,
 * source channel, city tier, last order, ...). Naming one anywhere in a query
 * (dimension, measure, filter, order, segment) adds `ownerLimit`, so the rows
 * are the scope's own customers; a view without an owner member to limit on
 * (`ownerLimit: null`) is closed to team roles beyond its fact members.
 * Closed by default: a member added to a view describes the customer until
 * someone lists it here as the fact's own.
 */
export type CustomerScope = 'owned' | { factMembers: readonly string[]; ownerLimit: Limit | null };

interface RuleOptions {
  /** Members closed to staff and managers (they describe people or money outside their scope). */
  closedToTeamRoles?: string[];
  /**
   * Members every query must filter on at the top level with `equals` and one
   * value (the journey's two days: without them it would classify every day).
   */
  requiredFilters?: string[];
}

/** A view closed to team roles, or one with their limit and where its customers stand. */
export type ViewRule = RuleOptions & ({ limit: null } | { limit: Limit; customers: CustomerScope });

/** Slices every fact view shares: the credited employee and their team. */
const CREDITED = ['employee', 'employee_id', 'team', 'team_id'];
const OWNER: Limit = { staff: 'owner_id', manager: 'owner_team_id' };
const SLICE_FACTS = ['buyers', 'total_gmv', 'total_orders', 'period', 'slice', 'channel', 'campaign', ...CREDITED];
/** The returns views' members (channel_roi, returns_trend): every one the fact's own. */
const RETURNS_FACTS = ['spend', 'attributed_gmv', 'roi', 'acquired_customers', 'cac', 'date', 'spend_date', 'order_date',
  'channel', 'channel_type', 'channel_kind', 'campaign', 'campaign_type', ...CREDITED];

export const VIEW_RULES: Readonly<Record<string, ViewRule>> = {
  // Orders: credited employee (and their team); the customer's attributes only for the scope's own customers.
  sales_overview: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['gmv', 'order_count', 'buyers', 'avg_order_value', 'spend_per_buyer', 'items_per_buyer', 'refund_rate', 'per_capita_gmv',
        'category', 'status', 'order_date', 'channel', 'channel_type', 'campaign', ...CREDITED],
      ownerLimit: OWNER,
    },
  },
  // The same facts and limits as sales_overview, answered from the customer-day table (migration 013).
  sales_buyers: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['gmv', 'order_count', 'buyers', 'spend_per_buyer', 'order_date', 'channel', 'channel_type', 'campaign', ...CREDITED],
      ownerLimit: OWNER,
    },
  },
  // The same sales facts without channel, campaign or customer members, from the sales paid-day table (migration 038):
  // any range; the level its buyers are counted at chosen by cube/engine/range-level.ts.
  sales_range: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['gmv', 'order_count', 'buyers', 'spend_per_buyer', 'order_date', 'level', ...CREDITED], ownerLimit: null },
  },
  // The same facts by hour (GMV and paid orders only), answered from the hourly sales table (migration 032): the
  // big-screen's live tiles. No customer member.
  sales_live: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['gmv', 'order_count', 'order_date', 'channel', 'channel_type', 'campaign', ...CREDITED], ownerLimit: null },
  },
  // The same facts by day (no distinct count: no buyers, no customer member), answered from the daily sales table
  // (migration 042): any custom query that needs no buyers, the contests and honours.
  sales_daily: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['gmv', 'order_count', 'avg_order_value', 'refund_rate', 'per_capita_gmv', 'category', 'order_date', 'channel', 'channel_type',
        'campaign', ...CREDITED],
      ownerLimit: null,
    },
  },
  // GMV and paid orders by day at the team's grain (migration 051; staff: their own daily rows, 042; employee_id a top-level filter only).
  sales_day_trend: {
    limit: { staff: 'employee_id', manager: 'team_id' }, customers: { factMembers: ['gmv', 'order_count', 'order_date', 'channel', 'channel_type', 'campaign', 'employee_id', 'team', 'team_id'], ownerLimit: null },
  },
  // The same facts by month (GMV, paid orders), from the month and edge tables (041, 032, 054): no customer member.
  sales_trend: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['gmv', 'order_count', 'order_date', 'channel', 'channel_type', 'campaign', ...CREDITED], ownerLimit: null },
  },
  // The same facts for the preset ranges, one stored row per answer (migration 018): always one period, sliced by cube/engine/period-slice.ts.
  sales_periods: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['gmv', 'order_count', 'buyers', 'spend_per_buyer', 'period', 'slice', 'channel', 'campaign', ...CREDITED], ownerLimit: null },
    requiredFilters: ['period'],
  },
  // Spend, attributed sales and acquisitions: the employee on the row. Spend
  // without an employee and acquisitions (which carry none) are outside every
  // staff or team scope, so CAC is empty there.
  channel_roi: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: { factMembers: RETURNS_FACTS, ownerLimit: null } },
  // The same facts and limits by month, from the monthly returns table (migration 048): the planner's history, the spend trend by month.
  returns_trend: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: { factMembers: RETURNS_FACTS, ownerLimit: null } },
  // Participations: the promoting employee. Budgets are campaign-wide money.
  activity_performance: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate', 'joined_date', 'campaign', 'campaign_type',
        'budget', 'budget_used', 'target_gmv', 'starts_at', 'ends_at', 'channel', 'channel_type', ...CREDITED],
      ownerLimit: null,
    },
    closedToTeamRoles: ['budget', 'budget_used', 'target_gmv'],
  },
  // The same participations and limits as activity_performance (without the budgets), answered from the participant
  // conversions table (migration 019).
  participation_performance: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate', 'joined_date', 'campaign', 'campaign_type',
        'channel', 'channel_type', ...CREDITED],
      ownerLimit: null,
    },
  },
  // The same participations for the preset ranges, one stored row per answer (migration 028): always one period, sliced by
  // cube/engine/period-slice.ts.
  participation_periods: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['participants', 'fission_count', 'converted_count', 'campaign_conversion_rate', 'period', 'slice', 'campaign', 'channel', ...CREDITED],
      ownerLimit: null,
    },
    requiredFilters: ['period'],
  },
  // Campaign budgets are the whole brand's money: executives, operators, admins.
  campaign_budgets: { limit: null },
  // Customers: their owner (and the owner's team). The referrer may be anyone's customer.
  customer_insights: {
    limit: OWNER,
    customers: 'owned',
    closedToTeamRoles: ['referrer'],
  },
  // New customers by day, source channel and owner, from the registrations table (migration 044): customer_insights' limits.
  customer_registrations: { limit: OWNER, customers: 'owned' },
  // The same customers counted by stage and owner, and the action lists' sizes, from the stored counts (migration 039).
  segment_counts: { limit: OWNER, customers: 'owned' },
  // Repurchase as customer_insights gives it (the customer's owner and their team), from the customer-day table (migration 013).
  buyer_repurchase: { limit: OWNER, customers: 'owned' },
  // The same rate by the owner alone, from the customer paid-day table (migration 036): any range, no channel or campaign.
  repurchase_buyers: { limit: OWNER, customers: 'owned' },
  // The same for the preset ranges, one stored row per answer (migration 027): always one period, sliced by cube/engine/period-slice.ts.
  repurchase_periods: { limit: OWNER, customers: 'owned', requiredFilters: ['period'] },
  // Owned customers, follow-ups and bookings: the employee on the row.
  staff_performance: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['owned_customers', 'converted_customers', 'follow_ups', 'bookings', 'arrivals', 'arrival_rate', 'date', 'order_date', 'role', ...CREDITED],
      ownerLimit: null,
    },
  },
  // The same touch counts by day and employee, from the touches table (migration 045). No customer member.
  staff_touches: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['follow_ups', 'bookings', 'arrivals', 'arrival_rate', 'date', 'role', ...CREDITED], ownerLimit: null },
  },
  // The filter bar's lists (model/cubes/filter_options.yml): the teams, channels and campaigns of the scope's own facts.
  team_options: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: { factMembers: ['team', 'team_id', 'employee_id'], ownerLimit: null } },
  channel_options: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['channel', 'campaign', 'team', 'team_id', 'employee_id'], ownerLimit: null },
  },
  // Owned customers from the customers themselves: the employee on the row is the owner, so every row is the scope's own customer.
  staff_owned: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: 'owned' },
  // Converted customers: the owner again (the customer-day table joined to the customer's owner).
  staff_converted: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: 'owned' },
  // The same for the preset ranges (migration 027): the owner again, one stored row per answer, sliced by cube/engine/period-slice.ts.
  converted_periods: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: 'owned', requiredFilters: ['period'] },
  // Drill lists of facts: the fact's scope, and only customers the scope owns.
  sales_drill: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['gmv', 'order_count', 'buyers', 'order_date', 'category', 'channel', 'campaign', ...CREDITED], ownerLimit: OWNER },
  },
  // The attributed GMV and ROI lists from the customer-day table's campaign rows (migration 013): sales_drill's rule.
  attributed_drill: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: { factMembers: ['gmv', 'order_count', 'buyers', 'order_date', 'channel', 'campaign', ...CREDITED], ownerLimit: OWNER },
  },
  // The same list (and the attributed one, migration 058) for a preset range over the whole brand, one stored row per customer
  // (migration 029): no limit to add it to, so closed to team roles (their lists stay on sales_drill / attributed_drill).
  sales_drill_periods: { limit: null, requiredFilters: ['period'] }, attributed_drill_periods: { limit: null, requiredFilters: ['period'] },
  // The same list for any date range over the whole brand, one row per customer from two rows of the sales paid-day
  // table (migration 046): no limit to add it to, so closed to team roles (their lists stay on sales_drill).
  sales_drill_range: { limit: null },
  // Its total and header (the range's first and last rows), its first pages by a threshold walk (063; `top`): the same.
  sales_drill_range_totals: { limit: null }, sales_drill_range_top: { limit: null, requiredFilters: ['top'] },
  // The repurchase list of a preset range from the same stored rows (migrations 029, 040): one row per buyer, limited
  // by the customer's owner and owner's team as the repurchase rate is; one period a query.
  repurchase_drill_periods: { limit: OWNER, customers: 'owned', requiredFilters: ['period'] },
  // The same list for a preset range cut by one slice (migration 033; its attributed part, migration 061): a team role's
  // is its credited team's (its own) rows, named only where the row's owner is in its scope, as on sales_drill; one
  // period a query, the slice chosen by cube/engine/period-slice.ts. The per-customer GMV and orders describe the
  // customer (owner limit), their sums do not.
  sales_drill_slices: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: { factMembers: SLICE_FACTS, ownerLimit: OWNER }, requiredFilters: ['period'] },
  attributed_drill_slices: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: { factMembers: SLICE_FACTS, ownerLimit: OWNER }, requiredFilters: ['period'] },
  staff_touch_drill: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['follow_ups', 'bookings', 'arrivals', 'arrival_rate', 'follow_up_customers', 'booking_customers', 'arrival_customers', 'date', ...CREDITED],
      ownerLimit: OWNER,
    },
  },
  activity_drill: {
    limit: { staff: 'employee_id', manager: 'team_id' },
    customers: {
      factMembers: ['participants', 'converted_count', 'fission_count', 'invited_participants', 'campaign_conversion_rate', 'converted', 'joined_date', 'campaign', 'channel', ...CREDITED],
      ownerLimit: OWNER,
    },
  },
  // The customer 360: a customer's identities and timeline belong to the customer's owner.
  customer_identities_list: { limit: OWNER, customers: 'owned' },
  customer_timeline_events: { limit: OWNER, customers: 'owned' },
  customer_timeline_follow_ups: { limit: OWNER, customers: 'owned' },
  customer_timeline_appointments: { limit: OWNER, customers: 'owned' },
  // Targets and their completion: a staff member's own targets, a manager's
  // team's (the team's and its employees'). No customer member: nothing
  // here names a customer.
  target_completion: { limit: { staff: 'employee_id', manager: 'team_id' }, customers: 'owned' },
  // The executives' big-screen audience: the whole brand's campaign.
  campaign_audience: { limit: null },
  // The same audience from the participant conversions table (migration 019).
  participation_audience: { limit: null },
  // Journey flows: the customer's owner; always between two named days.
  journey_flows: {
    limit: OWNER,
    customers: 'owned',
    requiredFilters: ['from_date', 'to_date'],
  },
  // The journey flows tile from the kept counts (migration 047): the customer's owner; two named days and one family.
  journey_counts: {
    limit: OWNER,
    customers: 'owned',
    requiredFilters: ['from_date', 'to_date', 'family'],
  },
};

const TEAM_ROLES: ReadonlySet<Role> = new Set(['staff', 'manager']);

export class AccessError extends Error {
  constructor(readonly status: 400 | 403, message: string) {
    super(message);
  }
}

/** Whether a role may query a view at all. */
export function mayQueryView(role: Role, view: string): boolean {
  const rule = VIEW_RULES[view];
  if (!rule) return false;
  return !TEAM_ROLES.has(role) || rule.limit !== null;
}

/** Whether a role may use a member (`view.member`) of a view it may query. */
export function mayUseMember(role: Role, member: string): boolean {
  const [view, name] = splitMember(member);
  if (!mayQueryView(role, view)) return false;
  if (!TEAM_ROLES.has(role)) return true;
  const rule = VIEW_RULES[view]!;
  if ((rule.closedToTeamRoles ?? []).includes(name)) return false;
  return !describesCustomer(view, name) || ownerLimit(view) !== null;
}

/** Whether a member of a fact view describes the customer rather than the fact (see CustomerScope). */
export function describesCustomer(view: string, name: string): boolean {
  const rule = VIEW_RULES[view];
  if (!rule || rule.limit === null || rule.customers === 'owned') return false;
  return !rule.customers.factMembers.includes(name);
}

/** The owner limit of a fact view, null for a view without one (or not a fact view). */
export function ownerLimit(view: string): Limit | null {
  const rule = VIEW_RULES[view];
  return !rule || rule.limit === null || rule.customers === 'owned' ? null : rule.customers.ownerLimit;
}

/** `view.member` (or `view.member.granularity`) → [view, member]. */
export function splitMember(member: string): [string, string] {
  const [view = '', name = ''] = member.split('.');
  return [view, name];
}

export interface Filter {
  member: string;
  operator: 'equals';
  values: string[];
}

/**
 * The filters that limit a query on `view` to what the person may see, each
 * to be added at the top level of the query (top-level filters are joined
 * with AND, so no `or` group, segment or measure filter can widen them).
 * Throws when the person may not query the view.
 */
export function limitFilters(view: string, context: SecurityContext, membersUsed: ReadonlySet<string>): Filter[] {
  const rule = VIEW_RULES[view];
  if (!rule || rule.limit === null || !TEAM_ROLES.has(context.role)) {
    if (!mayQueryView(context.role, view)) throw new AccessError(403, `Your role may not query ${view}.`);
    return [];
  }
  const id = context.role === 'staff' ? context.employeeId : context.teamId;
  // A team role without its id sees nothing rather than everything.
  const value = id === null ? '-1' : String(id);
  const pick = (limit: Limit): string => `${view}.${context.role === 'staff' ? limit.staff : limit.manager}`;
  const filters: Filter[] = [{ member: pick(rule.limit), operator: 'equals', values: [value] }];
  const owner = ownerLimit(view);
  if (owner && [...membersUsed].some((m) => describesCustomer(view, splitMember(m)[1]))) {
    filters.push({ member: pick(owner), operator: 'equals', values: [value] });
  }
  return filters;
}

type CubeQuery = Record<string, unknown> & { filters?: unknown };

/** Every member a query names: measures, dimensions, time dimensions, segments, filters at any depth, order. */
export function queryMembers(query: CubeQuery): Set<string> {
  const out = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string') out.add(value);
  };
  for (const key of ['measures', 'dimensions', 'segments'] as const) {
    const list = query[key];
    if (Array.isArray(list)) list.forEach(add);
  }
  if (Array.isArray(query.timeDimensions)) {
    for (const td of query.timeDimensions) if (td && typeof td === 'object') add((td as Record<string, unknown>).dimension);
  }
  const stack: unknown[] = Array.isArray(query.filters) ? [...query.filters] : [];
  while (stack.length > 0) {
    const f = stack.pop();
    if (!f || typeof f !== 'object') continue;
    const o = f as Record<string, unknown>;
    add(o.member);
    add(o.dimension);
    for (const group of [o.and, o.or]) if (Array.isArray(group)) stack.push(...group);
  }
  const order = query.order;
  if (Array.isArray(order)) {
    for (const pair of order) if (Array.isArray(pair)) add(pair[0]);
  } else if (order && typeof order === 'object') {
    Object.keys(order).forEach(add);
  }
  return out;
}

/** Refuses a query on a view that lacks one of the view's required one-value filters. */
export function checkRequiredFilters(view: string, query: CubeQuery): void {
  const filters = Array.isArray(query.filters) ? (query.filters as Array<Record<string, unknown>>) : [];
  for (const name of VIEW_RULES[view]?.requiredFilters ?? []) {
    const member = `${view}.${name}`;
    const given = filters.some((f) => (f.member ?? f.dimension) === member && f.operator === 'equals'
      && Array.isArray(f.values) && f.values.length === 1);
    if (!given) throw new AccessError(400, `A query on ${view} needs ${member} equal to one value.`);
  }
}

/**
 * Cube's queryRewrite: refuses a query that names anything outside the views
 * its role may use, or more than one view, and adds the role's limits as
 * top-level filters. Runs for every query Cube executes (loads, totals,
 * drills), whatever the app server already checked.
 */
export function applyAccessRules(query: CubeQuery, context: SecurityContext): CubeQuery {
  const members = queryMembers(query);
  const views = new Set<string>();
  for (const member of members) {
    const [view] = splitMember(member);
    if (!mayUseMember(context.role, member)) throw new AccessError(403, `Your role may not query ${member}.`);
    views.add(view);
  }
  if (views.size !== 1) throw new AccessError(400, views.size === 0 ? 'The query names no member.' : 'A query reads one view at a time.');
  const [view] = [...views] as [string];
  checkRequiredFilters(view, query);
  const limits = limitFilters(view, context, members);
  if (limits.length === 0) return query;
  return { ...query, filters: [...(Array.isArray(query.filters) ? query.filters : []), ...limits] };
}
