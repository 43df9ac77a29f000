/**
 * What a query would cost the database, told from its shape before Cube
 * sees it (issue 19: one person's heaviest queries took most of the 2 cores).
 *
 * - **Refused**: shapes no page sends and that cost far more than any page's
 *   own: more time buckets than `maxBuckets` (by second or minute over
 *   months; by hour with no date range), more than `maxMeasures` measures in
 *   one query. Pages ask for at most 6 measures, and at most 62 days by day,
 *   a day by hour, or months (test/cube/gateway/query-cost.test.ts checks
 *   every page's queries under every role). The answer is a 422 in the
 *   product's words, zh-CN first, then English; no SQL, no member names
 *   beyond the person's own query.
 * - **Heavy**: admitted, but it reads the facts rather than a summary (a
 *   fine granularity over a long range, many measures, a list with its
 *   total or a deep page): it runs in the heavy lane of the fair queue, at
 *   most one per person and a few for everyone (fair-queue.ts), so that
 *   a person's heavy queries wait behind each other, not in front of the
 *   others' tiles.
 */
import { HttpError } from './http-error.ts';
import type { CubeQuery } from './query-schema.ts';

export interface CostLimits {
  /** Time buckets one time dimension may ask for (range ÷ granularity). */
  maxBuckets: number;
  /** Measures one query may ask for. */
  maxMeasures: number;
  /** Past these a query is heavy (its own lane). */
  heavyBuckets: number;
  heavyMeasures: number;
}

export const DEFAULT_COST_LIMITS: CostLimits = {
  // Day by day over 27 years, hour by hour over 416 days, minute by minute over a week: refused past that.
  maxBuckets: 10_000,
  // The pages ask for at most 6 at once.
  maxMeasures: 12,
  // More than 400 buckets: a fine granularity over a long range (hour by hour over more than 16 days).
  heavyBuckets: 400,
  heavyMeasures: 6,
};

const BUCKETS_PER_DAY: Record<string, number> = {
  second: 86_400, minute: 1_440, hour: 24, day: 1, week: 1 / 7, month: 1 / 28, quarter: 1 / 90, year: 1 / 365,
};

/** Days a preset covers, at most. */
const PRESET_DAYS: Record<string, number> = {
  today: 1, yesterday: 1, 'this week': 7, 'last week': 7, 'this month': 31, 'last month': 31, 'this quarter': 92,
  'last quarter': 92, 'this year': 366, 'last year': 366, 'last 7 days': 7, 'last 30 days': 30, 'last 90 days': 90, 'last 365 days': 365,
};

/** Without a range a query reads all the data: counted as this many days (more than the seed's and the import's years). */
const ALL_TIME_DAYS = 20 * 366;

function rangeDays(range: unknown): number {
  if (typeof range === 'string') return PRESET_DAYS[range.toLowerCase()] ?? ALL_TIME_DAYS;
  if (Array.isArray(range) && range.length === 2) {
    const day = (v: unknown): number => Date.parse(`${String(v).slice(0, 10)}T00:00:00Z`);
    const days = (day(range[1]) - day(range[0])) / 86_400_000 + 1;
    return Number.isFinite(days) ? Math.max(1, days) : ALL_TIME_DAYS;
  }
  return ALL_TIME_DAYS;
}

/** The most time buckets one of the query's time dimensions asks for (0 without a granularity). */
export function bucketsOf(query: CubeQuery): number {
  let most = 0;
  for (const td of (query.timeDimensions as Array<Record<string, unknown>> | undefined) ?? []) {
    if (typeof td.granularity !== 'string') continue;
    const ranges = Array.isArray(td.compareDateRange) ? td.compareDateRange as unknown[] : [td.dateRange];
    const perDay = BUCKETS_PER_DAY[td.granularity] ?? 1;
    for (const range of ranges) {
      // Without a range, a day or coarser only formats the dates of the rows the query reads anyway (the
      // campaign list's start and end days); by hour or finer it splits all the data.
      if (range === undefined && perDay <= 1) continue;
      most = Math.max(most, Math.ceil(rangeDays(range) * perDay));
    }
  }
  return most;
}

export interface QueryCost {
  heavy: boolean;
}

const refuse = (zh: string, en: string): never => {
  throw new HttpError(422, `${zh} ${en}`);
};

/** Refuses what no page sends and costs far more than the pages' own; says whether the rest is heavy. */
export function costOf(query: CubeQuery | CubeQuery[], limits: CostLimits = DEFAULT_COST_LIMITS): QueryCost {
  let heavy = false;
  for (const q of Array.isArray(query) ? query : [query]) {
    const measures = (q.measures as string[] | undefined)?.length ?? 0;
    if (measures > limits.maxMeasures) {
      refuse(`这个查询一次要求 ${measures} 个指标，最多 ${limits.maxMeasures} 个：请分几次查询。`,
        `This query asks for ${measures} measures at once; ask for at most ${limits.maxMeasures} and split the rest into other queries.`);
    }
    const buckets = bucketsOf(q);
    if (buckets > limits.maxBuckets) {
      refuse(`这个查询要按时间分成 ${buckets.toLocaleString('en-US')} 段，最多 ${limits.maxBuckets.toLocaleString('en-US')} 段：请缩短日期范围，或按小时、天、月查看。`,
        `This query splits time into ${buckets.toLocaleString('en-US')} buckets, more than the ${limits.maxBuckets.toLocaleString('en-US')} allowed: `
        + 'narrow the dates, or use a coarser granularity (hour, day, month).');
    }
    if (buckets > limits.heavyBuckets || measures > limits.heavyMeasures || q.total === true || Number(q.offset ?? 0) > 0) heavy = true;
  }
  return { heavy };
}
