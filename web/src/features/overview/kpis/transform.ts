/** Rows of the KPI queries in, values and their changes out. Pure. */
import { toNumber } from '../../../lib/format.ts';

export type Row = Record<string, unknown>;

export interface KpiValue {
  value: number | null;
  /** 环比 and 同比 as relative changes, null where a side is missing or zero. */
  mom: number | null;
  yoy: number | null;
}

export function relativeChange(current: number | null, before: number | null): number | null {
  if (current === null || before === null || before === 0) return null;
  return (current - before) / Math.abs(before);
}

/** One member of three one-row answers (this period, the one before, a year earlier). */
export function kpiValue(member: string, current: Row | undefined, previous: Row | undefined, yearAgo: Row | undefined): KpiValue {
  const value = toNumber(current?.[member]);
  return {
    value,
    mom: previous ? relativeChange(value, toNumber(previous[member])) : null,
    yoy: yearAgo ? relativeChange(value, toNumber(yearAgo[member])) : null,
  };
}
