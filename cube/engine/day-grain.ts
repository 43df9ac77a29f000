/**
 * The returns view (`channel_roi`, cube `campaign_returns`) reads the returns
 * day table (migration 043): one row per business day and key. Any day,
 * week, month, quarter or year is whole days of it; an hour, or a range that
 * starts or ends inside a day, is not, and would get a day's numbers. So a
 * query asking for a finer grain than a day on its dates is refused with a
 * plain 400, as cube/engine/range-level.ts refuses what its view cannot
 * count. The monthly returns view (`returns_trend`, migration 048) reads its
 * edge months' days there too, so the same range rule holds for it.
 */
import { AccessError, splitMember } from './access-rules.ts';

const VIEWS = new Set(['channel_roi', 'campaign_returns', 'returns_trend']);
const DATES = new Set(['date', 'spend_date', 'order_date']);
const FINER = new Set(['hour', 'minute', 'second']);

type CubeQuery = Record<string, unknown>;
type Filter = { member?: unknown; dimension?: unknown; values?: unknown; or?: unknown; and?: unknown };

function isDayDate(member: unknown): member is string {
  if (typeof member !== 'string') return false;
  const [view, name] = splitMember(member);
  return VIEWS.has(view) && DATES.has(name);
}

/** A bound a day answers: a date, or a date at its first or last instant; a relative range in days or longer. */
function dayBound(value: unknown): boolean {
  if (typeof value !== 'string') return true;
  const at = /^\d{4}-\d{2}-\d{2}(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/.exec(value.trim());
  if (at) return at[1] === undefined || /^00:00(:00(\.0+)?)?$/.test(at[1]) || /^23:59:59(\.9+)?$/.test(at[1]);
  return !/hour|minute|second|now|:/i.test(value);
}

function dateFilters(filters: unknown): Filter[] {
  if (!Array.isArray(filters)) return [];
  return (filters as Filter[]).flatMap((f) => [...(isDayDate(f.member ?? f.dimension) ? [f] : []), ...dateFilters(f.or), ...dateFilters(f.and)]);
}

/** Checks a query on the returns view; any other query is returned as it is. */
export function applyDayGrain(query: CubeQuery): CubeQuery {
  const times = Array.isArray(query.timeDimensions) ? (query.timeDimensions as Array<Record<string, unknown>>) : [];
  for (const t of times.filter((t) => isDayDate(t.dimension))) {
    const view = splitMember(String(t.dimension))[0];
    if (t.granularity !== undefined && FINER.has(String(t.granularity))) {
      throw new AccessError(400, `${view} counts by business day: group its dates by day, week, month, quarter or year, not by ${String(t.granularity)}.`);
    }
    const range = t.dateRange;
    if (range !== undefined && !(Array.isArray(range) ? range : [range]).every(dayBound)) {
      throw new AccessError(400, `${view} counts by business day: its date range starts and ends on whole days.`);
    }
  }
  for (const f of dateFilters(query.filters)) {
    if (Array.isArray(f.values) && !f.values.every(dayBound)) {
      throw new AccessError(400, `${splitMember(String(f.member ?? f.dimension))[0]} counts by business day: its date filters take whole days.`);
    }
  }
  return query;
}
