/**
 * One employee against their team: the employee's KPIs, the team's average
 * and the employee's rank in the team. Computed here from per-employee
 * aggregates read through Cube with the team's scope, and answered as three
 * numbers per KPI, so a staff member sees where they stand without any query
 * of theirs listing a colleague's customers or numbers.
 *
 * The per-employee aggregates are the team table's own queries (the same
 * builders, the same range), and "the team" is the table's rows: the
 * employees who own customers or have sales or activity in the range. So
 * the card's value is the employee's cell in that table, the average the
 * mean of its column and the rank their place in it.
 */
import type { Sql } from 'postgres';
import { buildStaffActivityQuery, buildStaffConvertedQuery, buildStaffOwnedQuery, buildStaffSalesQuery } from '../../web/src/features/staff/team-leaderboard/build-query.ts';
import { presetPeriodKey } from '../../web/src/lib/date-range.ts';
import type { Account } from './accounts.ts';
import { HttpError } from './http-error.ts';

export const PEER_METRICS = ['owned_customers', 'new_customers', 'converted_customers', 'gmv', 'spend_per_buyer', 'conversion_rate',
  'roi', 'follow_ups', 'bookings', 'arrivals', 'arrival_rate'] as const;
export type PeerMetric = (typeof PEER_METRICS)[number];

/** Counts and sums are 0 for an employee with no rows; ratios have no value then. */
const RATIOS: ReadonlySet<PeerMetric> = new Set(['spend_per_buyer', 'conversion_rate', 'roi', 'arrival_rate']);

export interface PeerComparison {
  employeeId: number;
  teamId: number;
  teamSize: number;
  /** The range, or null for all time (as the table without a range). */
  from: string | null;
  to: string | null;
  metrics: Array<{ id: PeerMetric; value: string | null; teamAverage: string | null; rank: number | null }>;
}

type Row = Record<string, unknown>;
/** Loads one query through Cube with the team's scope (a manager's limits on that team). */
export type TeamLoader = (teamId: number, query: Record<string, unknown>) => Promise<Row[]>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface PeerRequest {
  employeeId: number;
  from: string | null;
  to: string | null;
}

export function parsePeerRequest(q: Record<string, unknown>): PeerRequest {
  const employeeId = Number(q.employee);
  if (!Number.isInteger(employeeId) || employeeId <= 0) throw new HttpError(400, 'employee must be an employee id.');
  // Neither date: all time, as the team table without a range.
  if ((q.from === undefined || q.from === '') && (q.to === undefined || q.to === '')) return { employeeId, from: null, to: null };
  const from = String(q.from ?? '');
  const to = String(q.to ?? '');
  if (!DAY.test(from) || !DAY.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) {
    throw new HttpError(400, 'from and to must be dates YYYY-MM-DD, from not after to.');
  }
  return { employeeId, from, to };
}

/**
 * Per employee id of the team → the metric's value as Cube gives it (decimal
 * text); `members` are the team table's rows (employees owning customers, or with sales or activity).
 */
async function perEmployee(load: TeamLoader, teamId: number, range: [string, string] | null, period: string | null): Promise<{ values: Map<number, Partial<Record<PeerMetric, string>>>; members: number[] }> {
  const out = new Map<number, Partial<Record<PeerMetric, string>>>();
  const put = (rows: Row[], idKey: string, pairs: Array<[PeerMetric, string]>): void => {
    for (const row of rows) {
      const id = Number(row[idKey]);
      if (!Number.isInteger(id)) continue;
      const entry = out.get(id) ?? {};
      for (const [metric, key] of pairs) if (row[key] !== null && row[key] !== undefined) entry[metric] = String(row[key]);
      out.set(id, entry);
    }
  };
  const within = (dimension: string) => (range ? [{ dimension, dateRange: range }] : []);
  // The team scope comes from the loader's limits, so the table's team filter is not needed.
  const [owned, converted, staff, sales, returns, fresh] = await Promise.all([
    load(teamId, buildStaffOwnedQuery('employee', null) as Record<string, unknown>),
    load(teamId, buildStaffConvertedQuery('employee', range, null, period) as Record<string, unknown>),
    load(teamId, buildStaffActivityQuery('employee', range, null) as Record<string, unknown>),
    // From the sales paid-day table (sales_range, migration 038), read under sales_buyers' names.
    load(teamId, buildStaffSalesQuery('employee', range, null) as Record<string, unknown>)
      .then((rows) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^sales_range\./, 'sales_buyers.'), v])))),
    load(teamId, { measures: ['channel_roi.roi'], dimensions: ['channel_roi.employee_id'], timeDimensions: within('channel_roi.date') }),
    load(teamId, {
      measures: ['customer_registrations.new_customers'], dimensions: ['customer_registrations.owner_id'],
      timeDimensions: within('customer_registrations.registered_date'),
    }),
  ]);
  const members = [...new Set([...owned.map((r) => Number(r['staff_owned.employee_id'])), ...staff.map((r) => Number(r['staff_touches.employee_id'])), ...sales.map((r) => Number(r['sales_buyers.employee_id']))])]
    .filter((id) => Number.isInteger(id) && id > 0)
    .sort((a, b) => a - b);
  put(owned, 'staff_owned.employee_id', [['owned_customers', 'staff_owned.owned_customers']]);
  // On a preset's range from the owner period table (converted_periods), the same members under its name.
  put(converted.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^converted_periods\./, 'staff_converted.'), v]))),
    'staff_converted.employee_id', [['converted_customers', 'staff_converted.converted_customers']]);
  put(staff, 'staff_touches.employee_id', [['follow_ups', 'staff_touches.follow_ups'], ['bookings', 'staff_touches.bookings'],
    ['arrivals', 'staff_touches.arrivals'], ['arrival_rate', 'staff_touches.arrival_rate']]);
  put(sales, 'sales_buyers.employee_id', [['gmv', 'sales_buyers.gmv'], ['spend_per_buyer', 'sales_buyers.spend_per_buyer']]);
  put(returns, 'channel_roi.employee_id', [['roi', 'channel_roi.roi']]);
  put(fresh, 'customer_registrations.owner_id', [['new_customers', 'customer_registrations.new_customers']]);
  return { values: out, members };
}

export async function comparePeers(sql: Sql, account: Account, request: PeerRequest, load: TeamLoader): Promise<PeerComparison> {
  const [employee] = await sql<{ team_id: number }[]>`SELECT team_id FROM siyu.employees WHERE id = ${request.employeeId}`;
  const allowed = employee && (
    account.role === 'staff' ? account.employeeId === request.employeeId
      : account.role === 'manager' ? account.teamId === employee.team_id
        : true);
  // Out of scope looks the same as not there.
  if (!employee || !allowed) throw new HttpError(404, 'No such employee in your scope.');
  const range: [string, string] | null = request.from && request.to ? [request.from, request.to] : null;
  // A preset's range (as of the data date) is stored rows of the owner period table, as on the staff page.
  const [day] = await sql<{ as_of: string }[]>`SELECT siyu.as_of()::text AS as_of`;
  const period = day ? presetPeriodKey(range, day.as_of) : null;
  const { values, members: teamIds } = await perEmployee(load, employee.team_id, range, period);
  const metrics: PeerComparison['metrics'] = [];
  for (const id of PEER_METRICS) {
    const valueOf = (e: number): string | null => (id === 'conversion_rate' ? conversion(values.get(e)) : (values.get(e) ?? {})[id] ?? (RATIOS.has(id) ? null : '0'));
    const team = teamIds.map((e) => ({ e, v: valueOf(e) }));
    // An employee with nothing in the range is not in the table: their value, but no rank.
    const own = teamIds.includes(request.employeeId) ? team.find((t) => t.e === request.employeeId)!.v : valueOf(request.employeeId);
    const present = team.filter((t): t is { e: number; v: string } => t.v !== null);
    // Decimal average in PostgreSQL: money is never averaged in floating point.
    const [avg] = present.length > 0
      ? await sql<{ a: string }[]>`SELECT avg(x)::text AS a FROM unnest(${present.map((t) => t.v)}::numeric[]) AS x`
      : [{ a: null as unknown as string }];
    const rank = own === null || !teamIds.includes(request.employeeId) ? null : 1 + present.filter((t) => Number(t.v) > Number(own)).length;
    metrics.push({ id, value: own, teamAverage: avg?.a ?? null, rank });
  }
  return { employeeId: request.employeeId, teamId: employee.team_id, teamSize: teamIds.length, from: request.from, to: request.to, metrics };
}

/** 转化率 of an employee: owned customers who bought in the range / owned customers (exact decimal). */
function conversion(v: Partial<Record<PeerMetric, string>> | undefined): string | null {
  const owned = v?.owned_customers;
  if (!owned || owned === '0') return null;
  const converted = v?.converted_customers ?? '0';
  // Counts are integers: exact to 6 places with integer arithmetic.
  const scaled = (BigInt(converted) * 1_000_000n) / BigInt(owned);
  const text = scaled.toString().padStart(7, '0');
  return `${text.slice(0, -6)}.${text.slice(-6)}`;
}
