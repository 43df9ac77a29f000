/**
 * The overview's headline numbers, one query per view and period. Each number
 * is cut by the same members its drill list uses (lib/drill.ts), so a click
 * on it opens exactly the customers behind it.
 */
import type { Query } from '../../../lib/cube.ts';
import type { DateRange } from '../../../lib/date-range.ts';
import { drillDef, sliceFilters, type DrillMetric, type DrillSlice } from '../../../lib/drill.ts';

export type KpiSlice = Pick<DrillSlice, 'team' | 'channel' | 'campaign'>;

const NO_SLICE = { employee: null, owner: null, cityTier: null };

function filtersFor(view: string, metric: DrillMetric, slice: KpiSlice) {
  return sliceFilters(view, drillDef(metric).slice, { ...slice, ...NO_SLICE });
}

const within = (dimension: string, range: DateRange | null) => (range ? [{ dimension, dateRange: range }] : []);

/**
 * GMV, buyers and 客单价 on paid orders of the range: from the period table
 * when `period` names the range's stored rows (presetPeriodKey), else from
 * the sales paid-day table (sales_range), or, cut by a channel or campaign,
 * the customer-day table (sales_buyers: sales_overview's numbers and
 * members, without reading the orders for the distinct buyers).
 */
export function buildSalesKpiQuery(range: DateRange | null, slice: KpiSlice, period: string | null = null): Query {
  // A preset's range (or its 环比/同比) is one stored row of the period table (sales_periods, same members).
  if (period !== null) {
    return {
      measures: ['sales_periods.gmv', 'sales_periods.buyers', 'sales_periods.spend_per_buyer'],
      filters: [...filtersFor('sales_periods', 'gmv', slice), { member: 'sales_periods.period', operator: 'equals', values: [period] }],
    };
  }
  // Not cut by the order's channel or campaign: from the sales paid-day table (sales_range: the range's rows, their
  // buyers a plain count of first rows), the same numbers (docs/performance.md, "The sales paid-day table").
  if (slice.channel === null && slice.campaign === null) {
    return {
      measures: ['sales_range.gmv', 'sales_range.buyers', 'sales_range.spend_per_buyer'],
      filters: filtersFor('sales_range', 'gmv', slice),
      timeDimensions: within('sales_range.order_date', range),
    };
  }
  return {
    measures: ['sales_buyers.gmv', 'sales_buyers.buyers', 'sales_buyers.spend_per_buyer'],
    filters: filtersFor('sales_buyers', 'gmv', slice),
    timeDimensions: within('sales_buyers.order_date', range),
  };
}

/**
 * Customers registered in the range: from the registrations table (customer_registrations, migration 044; the same
 * members), unless cut by a campaign the customers took part in, which only the customers themselves carry.
 */
export function buildNewCustomersKpiQuery(range: DateRange | null, slice: KpiSlice): Query {
  if (slice.campaign === null) {
    return {
      measures: ['customer_registrations.new_customers'],
      filters: filtersFor('customer_registrations', 'new_customers', slice),
      timeDimensions: within('customer_registrations.registered_date', range),
    };
  }
  return {
    measures: ['customer_insights.new_customers'],
    filters: filtersFor('customer_insights', 'new_customers', slice),
    timeDimensions: within('customer_insights.registered_date', range),
  };
}

/**
 * Repurchase within the range's orders: from the owner period table when
 * `period` names the range's stored rows (presetPeriodKey; repurchase_periods,
 * same members), else from the customer-day table (buyer_repurchase:
 * customer_insights' members and owner limits for it).
 */
export function buildRepurchaseKpiQuery(range: DateRange | null, slice: KpiSlice, period: string | null = null): Query {
  if (period !== null) {
    return {
      measures: ['repurchase_periods.repurchase_rate'],
      filters: [...filtersFor('repurchase_periods', 'repurchase_rate', slice), { member: 'repurchase_periods.period', operator: 'equals', values: [period] }],
    };
  }
  // Not cut by the order's channel or campaign: from the customer paid-day table (repurchase_buyers: two plain
  // counts over the range's index rows), the same numbers as buyer_repurchase (docs/performance.md, "Custom ranges").
  if (slice.channel === null && slice.campaign === null) {
    return {
      measures: ['repurchase_buyers.repurchase_rate'],
      filters: filtersFor('repurchase_buyers', 'repurchase_rate', slice),
      timeDimensions: within('repurchase_buyers.order_date', range),
    };
  }
  return {
    measures: ['buyer_repurchase.repurchase_rate'],
    filters: filtersFor('buyer_repurchase', 'repurchase_rate', slice),
    timeDimensions: within('buyer_repurchase.order_date', range),
  };
}

/**
 * Churn and LTV are as of the data date: no range, so no 环比/同比. From the
 * stored classification counts by owner (segment_counts, migration 039: the
 * same sums), where customer_insights read every owned customer's
 * classification row (a team role) or the customer profiles' rollup, rebuilt
 * after every write (the brand); the churn and LTV lists' counts read the same
 * rows (web/src/lib/drill/classification.ts), so a list's total is its tile
 * even right after a write. Not cut by a campaign (the counts have no
 * participations): customer_insights. `limitedRole` no longer changes the
 * query (kept for the callers).
 */
export function buildAsOfKpiQuery(slice: KpiSlice, _limitedRole = false): Query {
  if (slice.campaign === null) {
    return { measures: ['segment_counts.churn_rate', 'segment_counts.ltv'], filters: filtersFor('segment_counts', 'churn_rate', slice) };
  }
  return {
    measures: ['customer_insights.churn_rate', 'customer_insights.ltv'],
    filters: filtersFor('customer_insights', 'churn_rate', slice),
  };
}

/** ROI (and the spend it divides by) over the range. */
export function buildRoiKpiQuery(range: DateRange | null, slice: KpiSlice): Query {
  return {
    measures: ['channel_roi.roi', 'channel_roi.spend', 'channel_roi.attributed_gmv'],
    filters: filtersFor('channel_roi', 'roi', slice),
    timeDimensions: within('channel_roi.date', range),
  };
}

/** A row of sales_periods or sales_range under sales_buyers' member names, which the tiles read. */
export function asSalesBuyersRow(row: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return row && Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/^(sales_periods|sales_range)\./, 'sales_buyers.'), v]));
}

/** A row of customer_registrations or segment_counts under customer_insights' member names, which the tiles read. */
export function asCustomerInsightsRow(row: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return row && Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/^(customer_registrations|segment_counts)\./, 'customer_insights.'), v]));
}

/** A row of repurchase_periods or repurchase_buyers under buyer_repurchase's member names, which the tile reads. */
export function asBuyerRepurchaseRow(row: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return row && Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/^(repurchase_periods|repurchase_buyers)\./, 'buyer_repurchase.'), v]));
}
