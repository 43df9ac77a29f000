import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';

const within = (dimension: string, range: DateRange | null) => (range ? [{ dimension, dateRange: range }] : []);

/**
 * GMV, buyers and 客单价 credited per team (or per employee of one team):
 * from the period table when `period` names the range's stored rows
 * (presetPeriodKey; sales_periods, one row per team or employee), else from
 * the sales paid-day table (sales_range, migration 038). The rows are read under
 * sales_buyers' names (asSalesBuyersRows).
 */
export function buildStaffSalesQuery(by: 'team' | 'employee', range: DateRange | null, team: string | null, period: string | null = null): Query {
  if (period !== null) {
    return {
      dimensions: by === 'team' ? ['sales_periods.team'] : ['sales_periods.employee', 'sales_periods.employee_id'],
      measures: ['sales_periods.gmv', 'sales_periods.buyers', 'sales_periods.spend_per_buyer'],
      filters: [
        ...(team ? [{ member: 'sales_periods.team', operator: 'equals' as const, values: [team] }] : []),
        { member: 'sales_periods.period', operator: 'equals', values: [period] },
      ],
      order: { 'sales_periods.gmv': 'desc' },
    };
  }
  return {
    dimensions: by === 'team' ? ['sales_range.team'] : ['sales_range.employee', 'sales_range.employee_id'],
    measures: ['sales_range.gmv', 'sales_range.buyers', 'sales_range.spend_per_buyer'],
    filters: team ? [{ member: 'sales_range.team', operator: 'equals', values: [team] }] : [],
    timeDimensions: within('sales_range.order_date', range),
    order: { 'sales_range.gmv': 'desc' },
  };
}

/**
 * 名下客户 per team (or employee): the customers they own now, whatever the
 * range. With a range the measure would count only those registered in it,
 * which is 新增客户数 again, and 转化率 (converted in the range / owned)
 * could pass 100 %. Counted on the customers (staff_owned), not on
 * staff_performance's stacked facts (docs/performance.md).
 */
export function buildStaffOwnedQuery(by: 'team' | 'employee', team: string | null): Query {
  return {
    dimensions: by === 'team' ? ['staff_owned.team'] : ['staff_owned.employee', 'staff_owned.employee_id'],
    measures: ['staff_owned.owned_customers'],
    filters: team ? [{ member: 'staff_owned.team', operator: 'equals', values: [team] }] : [],
  };
}

/**
 * 转化用户 per team (or employee): the customers they own now with a paid
 * order in the range: from the owner period table when `period` names the
 * range's stored rows (presetPeriodKey; converted_periods, one row per team
 * or employee, staff_converted's members), else from the customer-day table
 * (staff_converted), one row per customer before the count
 * (docs/performance.md). The rows are read under staff_converted's names
 * (toStaffRows).
 */
export function buildStaffConvertedQuery(by: 'team' | 'employee', range: DateRange | null, team: string | null, period: string | null = null): Query {
  if (period !== null) {
    return {
      dimensions: by === 'team' ? ['converted_periods.team'] : ['converted_periods.employee', 'converted_periods.employee_id'],
      measures: ['converted_periods.converted_customers'],
      filters: [
        ...(team ? [{ member: 'converted_periods.team', operator: 'equals' as const, values: [team] }] : []),
        { member: 'converted_periods.period', operator: 'equals', values: [period] },
      ],
    };
  }
  return {
    dimensions: by === 'team' ? ['staff_converted.team'] : ['staff_converted.employee', 'staff_converted.employee_id'],
    measures: ['staff_converted.converted_customers'],
    filters: team ? [{ member: 'staff_converted.team', operator: 'equals', values: [team] }] : [],
    timeDimensions: within('staff_converted.order_date', range),
  };
}

/** Follow-ups, bookings and arrivals in the range, per team (or employee): counts, from the touches table (staff_touches, migration 045). */
export function buildStaffActivityQuery(by: 'team' | 'employee', range: DateRange | null, team: string | null): Query {
  return {
    dimensions: by === 'team' ? ['staff_touches.team'] : ['staff_touches.employee', 'staff_touches.employee_id'],
    measures: ['staff_touches.follow_ups', 'staff_touches.bookings', 'staff_touches.arrivals', 'staff_touches.arrival_rate'],
    filters: team ? [{ member: 'staff_touches.team', operator: 'equals', values: [team] }] : [],
    timeDimensions: within('staff_touches.date', range),
  };
}
