/**
 * The period tables (siyu.period_sales, migration 018; siyu.period_participants, migration 028) hold one row per
 * range and slice, and its slices overlap: the brand's row, each team's,
 * each of a team's employees'... Summing across them would count a buyer
 * several times, so every query on its view is given the one slice its
 * dimensions and filters cut by (after the role's limits are added: a
 * manager's team, a staff member's own id), and refused when a member is
 * cut in a way one stored row per group cannot answer (several values,
 * "not equals", inside an or-group).
 */
import { AccessError, queryMembers, splitMember } from './access-rules.ts';

/**
 * The views over a period table, and each slice column's members, in the
 * table's slice order. The second column (an employee, an owner) is a
 * person, whose row carries their team: cutting by it cuts by the team too.
 */
export const PERIOD_VIEWS: Readonly<Record<string, ReadonlyArray<readonly [string, readonly string[]]>>> = {
  sales_periods: [['team', ['team', 'team_id']], ['employee', ['employee', 'employee_id']], ['channel', ['channel']], ['campaign', ['campaign']]],
  participation_periods: [['team', ['team', 'team_id']], ['employee', ['employee', 'employee_id']], ['channel', ['channel']], ['campaign', ['campaign']]],
  // siyu.period_owners (migration 027): the customer's owner and owner's team.
  repurchase_periods: [['team', ['owner_team', 'owner_team_id']], ['owner', ['owner', 'owner_id']], ['channel', ['channel']], ['campaign', ['campaign']]],
  converted_periods: [['team', ['team', 'team_id']], ['owner', ['employee', 'employee_id']]],
  // siyu.drill_sales_slices (migration 033): one customer's row per range and slice; its slices are single ones.
  sales_drill_slices: [['team', ['team', 'team_id']], ['employee', ['employee', 'employee_id']], ['channel', ['channel']], ['campaign', ['campaign']]],
  // Its attributed part (migration 061): the same rows and slices.
  attributed_drill_slices: [['team', ['team', 'team_id']], ['employee', ['employee', 'employee_id']], ['channel', ['channel']], ['campaign', ['campaign']]],
};

/**
 * Columns a view's queries are always cut by: converted customers are the
 * owned ones, counted on the team rows (whose null team is the customers
 * without an owner), so even a brand total is the teams' rows added up.
 */
const ALWAYS_CUT: Readonly<Record<string, readonly string[]>> = { converted_periods: ['team'] };

/** Views whose table holds only some slices: a query cut otherwise is refused rather than answered empty. */
const DRILL_SLICES = ['team', 'team,employee', 'channel', 'campaign'];
const HELD_SLICES: Readonly<Record<string, readonly string[]>> = { sales_drill_slices: DRILL_SLICES, attributed_drill_slices: DRILL_SLICES };

type CubeQuery = Record<string, unknown> & { filters?: unknown };
type Filter = { member?: string; dimension?: string; operator?: string; values?: unknown[] };

/** Adds the slice filter to a query on a period view (and checks it); any other query is returned as it is. */
export function applyPeriodSlice(query: CubeQuery): CubeQuery {
  const members = queryMembers(query);
  const view = [...members].map((m) => splitMember(m)[0]).find((v) => v in PERIOD_VIEWS);
  if (!view) return query;
  const columns = PERIOD_VIEWS[view]!;
  if (members.has(`${view}.slice`)) throw new AccessError(400, `${view}.slice is chosen by the server from the query's dimensions and filters.`);
  if (Array.isArray(query.timeDimensions) && query.timeDimensions.length > 0) throw new AccessError(400, `${view} has no dates: name its period.`);

  const sliceMember = (member: string): boolean => columns.some(([, names]) => names.includes(splitMember(member)[1]));
  const topLevel = (Array.isArray(query.filters) ? query.filters : []) as Filter[];
  for (const f of topLevel) {
    const member = f.member ?? f.dimension;
    if (member && sliceMember(member) && !(f.operator === 'equals' && Array.isArray(f.values) && f.values.length === 1)) {
      throw new AccessError(400, `${member} can only be equal to one value on ${view}.`);
    }
  }
  // A slice member anywhere else in a filter (an and/or group) could widen or cut across rows.
  const grouped = topLevel.filter((f) => !(f.member ?? f.dimension)).flatMap((f) => [...queryMembers({ filters: [f] })]);
  const nested = grouped.find(sliceMember);
  if (nested) throw new AccessError(400, `${nested} can only be filtered at the top level on ${view}.`);

  const cut = new Set(columns.filter(([, names]) => names.some((n) => members.has(`${view}.${n}`))).map(([column]) => column));
  // An employee's (an owner's) row carries their team: such a slice is a team slice too.
  if (cut.has('employee') || cut.has('owner')) cut.add('team');
  for (const column of ALWAYS_CUT[view] ?? []) cut.add(column);
  const slice = columns.map(([column]) => column).filter((c) => cut.has(c)).join(',') || 'brand';
  const held = HELD_SLICES[view];
  if (held && !held.includes(slice)) throw new AccessError(400, `${view} holds no rows cut by ${slice}.`);
  return { ...query, filters: [...topLevel, { member: `${view}.slice`, operator: 'equals', values: [slice] }] };
}
