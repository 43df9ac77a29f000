/**
 * The day-row views (cube/engine/day-grain.ts): every view read from a table
 * with one row per business day refuses what a day row cannot answer as its
 * facts would (an hour, a bound inside a day, a filter that compares with a
 * date's midnight from the wrong side) and answers whole days. Until this
 * check covered them all, customer_registrations and staff_touches answered
 * an hour with every registration and touch at midnight, and channel_roi and
 * sales_daily counted a day's row apart from its own facts under
 * `afterDate` / `beforeOrOnDate` with a date (or a range ending at midnight).
 */
import { describe, expect, it } from 'vitest';
import { AccessError } from '../../../cube/engine/access-rules.ts';
import { applyDayGrain, DAY_ROW_VIEWS } from '../../../cube/engine/day-grain.ts';

const DAY = '2026-11-20';
const MEASURE: Record<string, string> = {
  sales_daily: 'gmv', channel_roi: 'spend', customer_registrations: 'new_customers', staff_touches: 'follow_ups',
  // The monthly returns view's edge months are read from the returns day table (migration 048).
  returns_trend: 'spend',
  // The overview's GMV trend by day from the team day table (migration 051).
  sales_day_trend: 'gmv',
};
const refused = (query: Record<string, unknown>): boolean => {
  try {
    applyDayGrain(query);
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(AccessError);
    expect((error as AccessError).status).toBe(400);
    return true;
  }
};

describe('day-row views', () => {
  const cases = Object.entries(DAY_ROW_VIEWS).flatMap(([view, dates]) => [...dates].map((date) => [view, date] as const));

  it('cover every view read from a table of days', () => {
    expect(Object.keys(DAY_ROW_VIEWS).sort()).toEqual(Object.keys(MEASURE).sort());
  });

  it.each(cases)('%s.%s refuses an hour, a bound inside a day and a midnight compare from the wrong side', (view, date) => {
    const measures = [`${view}.${MEASURE[view]}`];
    const member = `${view}.${date}`;
    const time = (t: Record<string, unknown>) => ({ measures, timeDimensions: [{ dimension: member, ...t }] });
    const filter = (operator: string, values: string[]) => ({ measures, filters: [{ or: [{ member, operator, values }] }] });
    expect(refused(time({ granularity: 'hour', dateRange: [DAY, DAY] }))).toBe(true);
    expect(refused(time({ granularity: 'minute' }))).toBe(true);
    expect(refused(time({ dateRange: [`${DAY}T10:00:00`, `${DAY}T23:59:59`] }))).toBe(true);
    // An end at midnight would take that whole day's row for one instant of its facts.
    expect(refused(time({ dateRange: ['2026-11-01', `${DAY}T00:00:00.000`] }))).toBe(true);
    expect(refused(time({ dateRange: 'from 3 hours ago to now' }))).toBe(true);
    expect(refused(filter('afterDate', [DAY]))).toBe(true);
    expect(refused(filter('beforeOrOnDate', [DAY]))).toBe(true);
    expect(refused(filter('beforeDate', [`${DAY}T08:00`]))).toBe(true);
    expect(refused(filter('inDateRange', ['2026-11-01', `${DAY}T00:00:00`]))).toBe(true);
    expect(refused(filter('equals', [DAY]))).toBe(true);
  });

  it.each(cases)('%s.%s answers whole days', (view, date) => {
    const measures = [`${view}.${MEASURE[view]}`];
    const member = `${view}.${date}`;
    const time = (t: Record<string, unknown>) => ({ measures, timeDimensions: [{ dimension: member, ...t }] });
    const filter = (operator: string, values: string[]) => ({ measures, filters: [{ member, operator, values }] });
    for (const granularity of ['day', 'week', 'month', 'quarter', 'year']) expect(refused(time({ granularity, dateRange: ['2026-01-01', DAY] }))).toBe(false);
    expect(refused(time({ dateRange: [`${DAY}T00:00:00.000`, `${DAY}T23:59:59.999`] }))).toBe(false);
    expect(refused(time({ dateRange: 'last 7 days' }))).toBe(false);
    expect(refused(time({}))).toBe(false);
    expect(refused(filter('afterDate', [`${DAY}T23:59:59.999`]))).toBe(false);
    expect(refused(filter('beforeDate', [DAY]))).toBe(false);
    expect(refused(filter('afterOrOnDate', [DAY]))).toBe(false);
    expect(refused(filter('inDateRange', ['2026-11-01', DAY]))).toBe(false);
    expect(refused(filter('set', []))).toBe(false);
  });

  it('leaves every other view alone', () => {
    expect(refused({ measures: ['sales_overview.gmv'], timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'hour' }] })).toBe(false);
    expect(refused({ measures: ['customer_insights.new_customers'], filters: [{ member: 'customer_insights.registered_date', operator: 'afterDate', values: [DAY] }] })).toBe(false);
  });
});
