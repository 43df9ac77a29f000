import type { Query } from '../../../lib/cube.ts';

export function buildGmvByMonthQuery(dateRange: [string, string] | null): Query {
  return {
    measures: ['sales_overview.gmv', 'sales_overview.order_count'],
    timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month', ...(dateRange ? { dateRange } : {}) }],
    order: { 'sales_overview.order_date': 'asc' },
  };
}
