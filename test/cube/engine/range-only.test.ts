/**
 * The custom-range drill list's view (sales_drill_range, migration 046) is one
 * row per customer of a date range: a granularity would bucket each customer
 * under their first day with the whole range's GMV, so it is refused, as on
 * the range views with levels; a date range passes unchanged.
 */
import { describe, expect, it } from 'vitest';
import { AccessError } from '../../../cube/engine/access-rules.ts';
import { applyRangeLevel } from '../../../cube/engine/range-level.ts';

describe('sales_drill_range answers a date range only', () => {
  const list = { dimensions: ['sales_drill_range.customer', 'sales_drill_range.gmv'], limit: 50 };
  it('refuses a granularity', () => {
    const query = { ...list, timeDimensions: [{ dimension: 'sales_drill_range.order_date', granularity: 'month', dateRange: ['2026-01-01', '2026-03-31'] }] };
    expect(() => applyRangeLevel(query)).toThrow(AccessError);
  });
  it('refuses its date as a filter, or two ranges (FILTER_PARAMS would read each as a range and AND them)', () => {
    const range = { dimension: 'sales_drill_range.order_date', dateRange: ['2026-01-01', '2026-03-31'] };
    const date = 'sales_drill_range.order_date';
    for (const filters of [
      [{ member: date, operator: 'notInDateRange', values: ['2026-02-01', '2026-02-28'] }],
      [{ member: date, operator: 'beforeDate', values: ['2026-02-01'] }],
      [{ or: [{ member: date, operator: 'inDateRange', values: ['2026-02-01', '2026-02-28'] }] }],
    ]) {
      expect(() => applyRangeLevel({ ...list, timeDimensions: [range], filters }), JSON.stringify(filters)).toThrow(/one date range/);
    }
    expect(() => applyRangeLevel({ ...list, timeDimensions: [range, { ...range, dateRange: ['2026-02-01', '2026-02-28'] }] })).toThrow(/one date range/);
  });
  it('passes a date range unchanged', () => {
    const query = { ...list, timeDimensions: [{ dimension: 'sales_drill_range.order_date', dateRange: ['2026-01-01', '2026-03-31'] }] };
    expect(applyRangeLevel(query)).toBe(query);
  });
});

describe('sales_drill_range_totals (the same list\'s total and header) answers a date range only', () => {
  const totals = { measures: ['sales_drill_range_totals.buyers', 'sales_drill_range_totals.gmv'] };
  const range = { dimension: 'sales_drill_range_totals.order_date', dateRange: ['2026-01-01', '2026-03-31'] };
  it('refuses a granularity and its date as a filter; passes a date range unchanged', () => {
    expect(() => applyRangeLevel({ ...totals, timeDimensions: [{ ...range, granularity: 'month' }] })).toThrow(/not a granularity/);
    expect(() => applyRangeLevel({ ...totals, timeDimensions: [range], filters: [{ member: range.dimension, operator: 'beforeDate', values: ['2026-02-01'] }] }))
      .toThrow(/one date range/);
    const query = { ...totals, timeDimensions: [range] };
    expect(applyRangeLevel(query)).toBe(query);
  });
});

describe('the older range views take one date range too', () => {
  it('staff_converted and repurchase_buyers refuse a granularity and a date filter; sales_range a date filter', () => {
    for (const [view, measure] of [['staff_converted', 'converted_customers'], ['repurchase_buyers', 'repurchase_rate']] as const) {
      const measures = [`${view}.${measure}`];
      const range = { dimension: `${view}.order_date`, dateRange: ['2026-01-01', '2026-03-31'] };
      expect(() => applyRangeLevel({ measures, timeDimensions: [{ ...range, granularity: 'month' }] }), view).toThrow(/not a granularity/);
      expect(() => applyRangeLevel({ measures, timeDimensions: [range], filters: [{ member: `${view}.order_date`, operator: 'beforeDate', values: ['2026-02-01'] }] }), view)
        .toThrow(/one date range/);
      const query = { measures, timeDimensions: [range] };
      expect(applyRangeLevel(query)).toBe(query);
    }
    const sales = { measures: ['sales_range.gmv'], timeDimensions: [{ dimension: 'sales_range.order_date', dateRange: ['2026-01-01', '2026-03-31'] }] };
    expect(() => applyRangeLevel({ ...sales, filters: [{ member: 'sales_range.order_date', operator: 'notInDateRange', values: ['2026-02-01', '2026-02-28'] }] }))
      .toThrow(/one date range/);
    expect(applyRangeLevel(sales).filters).toEqual([{ member: 'sales_range.level', operator: 'equals', values: ['brand'] }]);
  });
});
