/** The drill a URL asks for: its slice (population) and its page. */
import { isIsoDate, type DateRange } from '../date-range.ts';
import { parseFilters, resolveDateRange } from '../filters.ts';
import { drillDef, isDrillMetric, isJourneyFamily, SEGMENT_DIMENSIONS, type DrillMetric, type JourneyMove, type SegmentDimension } from './catalogue.ts';
import { isColumnId, type DrillColumnId } from './columns.ts';

/** Everything that decides a drill list's population. */
export interface DrillSlice {
  metric: DrillMetric;
  range: DateRange | null;
  team: string | null;
  channel: string | null;
  campaign: string | null;
  /** Credited employee (name). */
  employee: string | null;
  /** Owner employee (id). */
  owner: number | null;
  cityTier: string | null;
  segment: { dimension: SegmentDimension; value: string } | null;
  /** The journey drill's move (metric `journey`). */
  journey: JourneyMove | null;
  /** Ratio lists: the numerator's customers, or all of the denominator (absent: all). */
  show?: DrillShow;
}

export type DrillShow = 'numerator' | 'all';

/** Whether a list shows only a ratio's numerator. */
export function showsNumerator(slice: Pick<DrillSlice, 'metric' | 'show'>): boolean {
  const def = drillDef(slice.metric);
  return def.kind === 'ratio' && Boolean(def.numerator) && slice.show === 'numerator';
}

export interface DrillPage {
  offset: number;
  limit: number;
  sort: DrillColumnId | null;
  desc: boolean;
}

export const PAGE_SIZES = [20, 50, 100, 500] as const;
export const MAX_PAGE_SIZE = 1000;

function text(params: URLSearchParams, key: string): string | null {
  const v = params.get(key);
  return v && v.trim() !== '' ? v : null;
}

/**
 * The drill the URL asks for. `metric` names the number; without it the
 * parameters the big-screen's links use are understood too
 * (campaign [converted=1 | invited=1], registered_from/registered_to).
 */
export function parseDrill(params: URLSearchParams, asOf: string): DrillSlice {
  const filters = parseFilters(params);
  const metricParam = params.get('metric');
  const registeredFrom = params.get('registered_from');
  const registeredTo = params.get('registered_to');
  let metric: DrillMetric;
  let range = resolveDateRange(filters, asOf);
  if (isDrillMetric(metricParam)) metric = metricParam;
  else if (filters.campaign && params.get('converted') === '1') metric = 'converted_count';
  else if (filters.campaign && params.get('invited') === '1') metric = 'fission_count';
  else if (filters.campaign) metric = 'participants';
  else if (isIsoDate(registeredFrom) && isIsoDate(registeredTo)) metric = 'new_customers';
  else metric = 'customers';
  if (!isDrillMetric(metricParam) && isIsoDate(registeredFrom) && isIsoDate(registeredTo)) range = [registeredFrom, registeredTo];
  // Without an explicit range the campaign lists of the big-screen mean the whole campaign.
  if (!isDrillMetric(metricParam) && filters.campaign && !params.get('range') && !params.get('from')) range = null;
  const dimension = params.get('segment');
  const value = text(params, 'value');
  const owner = Number(params.get('owner'));
  const family = params.get('family');
  const fromDate = params.get('from_date');
  const toDate = params.get('to_date');
  const fromStage = text(params, 'from_stage');
  const toStage = text(params, 'to_stage');
  const journey = isJourneyFamily(family) && isIsoDate(fromDate) && isIsoDate(toDate) && fromStage && toStage
    ? { family, fromDate, toDate, from: fromStage, to: toStage }
    : null;
  // A journey drill without its move is the whole customer list, not an error.
  if (metric === 'journey' && !journey) metric = 'customers';
  return {
    metric: metric === 'customers' && dimension && value ? 'segment' : metric,
    range,
    team: filters.team,
    channel: filters.channel ?? text(params, 'source_channel'),
    campaign: filters.campaign,
    employee: text(params, 'employee'),
    owner: Number.isInteger(owner) && owner > 0 ? owner : null,
    cityTier: text(params, 'city_tier'),
    segment: dimension && (SEGMENT_DIMENSIONS as readonly string[]).includes(dimension) && value
      ? { dimension: dimension as SegmentDimension, value }
      : null,
    journey: metric === 'journey' ? journey : null,
    // A ratio's list opens on its numerator; `show=all` switches to the denominator.
    show: params.get('show') === 'all' ? 'all' : 'numerator',
  };
}

export function parsePage(params: URLSearchParams): DrillPage {
  const size = Number(params.get('size'));
  const limit = Number.isInteger(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : 50;
  const page = Number(params.get('page'));
  const sort = params.get('sort');
  return {
    limit,
    offset: Number.isInteger(page) && page > 1 ? (page - 1) * limit : 0,
    sort: isColumnId(sort) ? sort : null,
    desc: params.get('dir') !== 'asc',
  };
}
