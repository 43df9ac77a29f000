/**
 * Every query the staff page sends, by name (see lib/page-queries.ts): the
 * teams, a team's employees once a team is chosen, one employee's numbers
 * once an employee is. The employee's numbers, averages and rank come from
 * the app server (`/api/peer-comparison`, employee-detail/use-peer-comparison.ts);
 * of the employee_* queries the page sends employee_activity (the name and
 * team) always, the others only when that comparison is unavailable.
 * Owned and converted customers have queries of their own (staff_owned,
 * staff_converted): distinct counts, kept out of the touches' query so that
 * one is answered by its rollup.
 */
import { presetPeriodKey, type DateRange } from '../../lib/date-range.ts';
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';
import {
  buildEmployeeActivityQuery, buildEmployeeConvertedQuery, buildEmployeeNewCustomersQuery, buildEmployeeOwnedQuery, buildEmployeeRoiQuery,
  buildEmployeeSalesQuery,
} from './employee-detail/build-query.ts';
import { buildStaffActivityQuery, buildStaffConvertedQuery, buildStaffOwnedQuery, buildStaffSalesQuery } from './team-leaderboard/build-query.ts';

export const STAFF_FILTERS: FilterKind[] = ['team'];

/**
 * `teamBoard`: whether the teams' leaderboard is shown (not to a manager, whose board would be one bar: see landing.ts).
 * With `asOf`, the sales and converted customers by team and by employee (and one employee's converted customers) of a
 * preset's range ask the period tables (presetPeriodKey).
 */
export function staffQueries(range: DateRange | null, team: string | null, employeeId: number | null, teamBoard = true, asOf: string | null = null) {
  const employee = employeeId !== null;
  const period = asOf === null ? null : presetPeriodKey(range, asOf);
  return {
    ...filterBarQueries(STAFF_FILTERS),
    sales_by_team: teamBoard ? buildStaffSalesQuery('team', range, null, period) : null,
    activity_by_team: teamBoard ? buildStaffActivityQuery('team', range, null) : null,
    owned_by_team: teamBoard ? buildStaffOwnedQuery('team', null) : null,
    converted_by_team: teamBoard ? buildStaffConvertedQuery('team', range, null, period) : null,
    sales_by_employee: team !== null ? buildStaffSalesQuery('employee', range, team, period) : null,
    activity_by_employee: team !== null ? buildStaffActivityQuery('employee', range, team) : null,
    owned_by_employee: team !== null ? buildStaffOwnedQuery('employee', team) : null,
    converted_by_employee: team !== null ? buildStaffConvertedQuery('employee', range, team, period) : null,
    employee_activity: employee ? buildEmployeeActivityQuery(employeeId, range) : null,
    employee_sales: employee ? buildEmployeeSalesQuery(employeeId, range) : null,
    employee_roi: employee ? buildEmployeeRoiQuery(employeeId, range) : null,
    employee_new_customers: employee ? buildEmployeeNewCustomersQuery(employeeId, range) : null,
    employee_owned: employee ? buildEmployeeOwnedQuery(employeeId) : null,
    employee_converted: employee ? buildEmployeeConvertedQuery(employeeId, range, period) : null,
  };
}

export type StaffQueries = ReturnType<typeof staffQueries>;
