/**
 * Every query the staff page sends, by name (see lib/page-queries.ts): the
 * teams, a team's employees once a team is chosen, one employee's numbers
 * once an employee is. The employee's averages and rank come from the app
 * server (`/api/peer-comparison`, employee-detail/use-peer-comparison.ts).
 */
import type { DateRange } from '../../lib/date-range.ts';
import type { FilterKind } from '../../lib/filters.ts';
import { filterBarQueries } from '../../lib/page-queries.ts';
import {
  buildEmployeeActivityQuery, buildEmployeeNewCustomersQuery, buildEmployeeOwnedQuery, buildEmployeeRoiQuery, buildEmployeeSalesQuery,
} from './employee-detail/build-query.ts';
import { buildStaffActivityQuery, buildStaffOwnedQuery, buildStaffSalesQuery } from './team-leaderboard/build-query.ts';

export const STAFF_FILTERS: FilterKind[] = ['team'];

export function staffQueries(range: DateRange | null, team: string | null, employeeId: number | null) {
  const employee = employeeId !== null;
  return {
    ...filterBarQueries(STAFF_FILTERS),
    sales_by_team: buildStaffSalesQuery('team', range, null),
    activity_by_team: buildStaffActivityQuery('team', range, null),
    owned_by_team: buildStaffOwnedQuery('team', null),
    sales_by_employee: team !== null ? buildStaffSalesQuery('employee', range, team) : null,
    activity_by_employee: team !== null ? buildStaffActivityQuery('employee', range, team) : null,
    owned_by_employee: team !== null ? buildStaffOwnedQuery('employee', team) : null,
    employee_activity: employee ? buildEmployeeActivityQuery(employeeId, range) : null,
    employee_sales: employee ? buildEmployeeSalesQuery(employeeId, range) : null,
    employee_roi: employee ? buildEmployeeRoiQuery(employeeId, range) : null,
    employee_new_customers: employee ? buildEmployeeNewCustomersQuery(employeeId, range) : null,
    employee_owned: employee ? buildEmployeeOwnedQuery(employeeId) : null,
  };
}

export type StaffQueries = ReturnType<typeof staffQueries>;
