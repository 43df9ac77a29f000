/** One employee's own numbers, for when the peer comparison is not available. Pure. */
import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';

const within = (dimension: string, range: DateRange | null) => (range ? [{ dimension, dateRange: range }] : []);
const eq = (member: string, id: number) => [{ member, operator: 'equals' as const, values: [String(id)] }];

/** From the touches table (staff_touches, migration 045). */
export function buildEmployeeActivityQuery(employeeId: number, range: DateRange | null): Query {
  return {
    dimensions: ['staff_touches.employee', 'staff_touches.team'],
    measures: ['staff_touches.follow_ups', 'staff_touches.bookings', 'staff_touches.arrivals', 'staff_touches.arrival_rate'],
    filters: eq('staff_touches.employee_id', employeeId),
    timeDimensions: within('staff_touches.date', range),
  };
}

/** 名下客户: the customers the employee owns now, whatever the range (as the team table, from staff_owned). */
export function buildEmployeeOwnedQuery(employeeId: number): Query {
  return { measures: ['staff_owned.owned_customers'], filters: eq('staff_owned.employee_id', employeeId) };
}

/** 转化用户: owned customers with a paid order in the range (converted_periods on a preset's range, else staff_converted, as the team table). */
export function buildEmployeeConvertedQuery(employeeId: number, range: DateRange | null, period: string | null = null): Query {
  if (period !== null) {
    return {
      measures: ['converted_periods.converted_customers'],
      filters: [...eq('converted_periods.employee_id', employeeId), { member: 'converted_periods.period', operator: 'equals', values: [period] }],
    };
  }
  return {
    measures: ['staff_converted.converted_customers'],
    filters: eq('staff_converted.employee_id', employeeId),
    timeDimensions: within('staff_converted.order_date', range),
  };
}

/** From the sales paid-day table (sales_range), as the team table. */
export function buildEmployeeSalesQuery(employeeId: number, range: DateRange | null): Query {
  return {
    measures: ['sales_range.gmv', 'sales_range.spend_per_buyer'],
    filters: eq('sales_range.employee_id', employeeId),
    timeDimensions: within('sales_range.order_date', range),
  };
}

export function buildEmployeeRoiQuery(employeeId: number, range: DateRange | null): Query {
  return {
    measures: ['channel_roi.roi'],
    filters: eq('channel_roi.employee_id', employeeId),
    timeDimensions: within('channel_roi.date', range),
  };
}

/** From the registrations table (customer_registrations, migration 044). */
export function buildEmployeeNewCustomersQuery(employeeId: number, range: DateRange | null): Query {
  return {
    measures: ['customer_registrations.new_customers'],
    filters: eq('customer_registrations.owner_id', employeeId),
    timeDimensions: within('customer_registrations.registered_date', range),
  };
}
