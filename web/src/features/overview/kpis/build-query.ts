import type { Query } from '../../../lib/cube.ts';

export function buildSalesKpiQuery(dateRange: [string, string] | null): Query {
  return {
    measures: ['sales_overview.gmv', 'sales_overview.order_count'],
    timeDimensions: [{ dimension: 'sales_overview.order_date', ...(dateRange ? { dateRange } : {}) }],
  };
}

export function buildCustomerKpiQuery(): Query {
  return { measures: ['customer_insights.customers'] };
}
