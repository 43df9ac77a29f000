/**
 * From a number to the customers behind it. Cube 0.33 gives measures reached
 * through a view no drill members, so each kind of number builds its own list
 * query on a view: the same slice members (date, team, channel, campaign,
 * employee) as the number, plus the clicked slice, one row per customer.
 *
 * - count (buyers, new customers, participants, a segment cell): the rows are
 *   the population, and `total` says how many;
 * - sum (GMV, attributed GMV, LTV): each row carries its part, parts add up;
 * - ratio (repurchase, churn, conversion): the rows are the numerator (the
 *   churned, the repeat buyers, the converted) or, switched, the whole
 *   denominator with a flag column marking the numerator;
 * - multi (ROI, CAC): the return side's customers; the spend comes from a
 *   separate query for the header.
 *
 * Everything here is pure: URL parameters in, Cube queries out.
 */
import type { Query } from './cube.ts';
import { isIsoDate, type DateRange } from './date-range.ts';
import { parseFilters, resolveDateRange } from './filters.ts';

export type DrillKind = 'count' | 'sum' | 'ratio' | 'multi';
export type DrillView = 'sales_drill' | 'customer_insights' | 'activity_drill' | 'staff_touch_drill' | 'journey_flows';

export const SEGMENT_DIMENSIONS = ['rfm_segment', 'lifecycle_stage', 'aipl_stage', 'five_a_stage', 'value_quadrant'] as const;
export type SegmentDimension = (typeof SEGMENT_DIMENSIONS)[number];

/** The classifications a journey follows from one day to another. */
export const JOURNEY_FAMILIES = ['lifecycle_stage', 'rfm_segment', 'aipl_stage', 'five_a_stage'] as const;
export type JourneyFamily = (typeof JOURNEY_FAMILIES)[number];

/** One move: customers in stage `from` on `fromDate` and in stage `to` on `toDate`. */
export interface JourneyMove {
  family: JourneyFamily;
  fromDate: string;
  toDate: string;
  from: string;
  to: string;
}

export function isJourneyFamily(value: string | null): value is JourneyFamily {
  return value !== null && (JOURNEY_FAMILIES as readonly string[]).includes(value);
}

/** The filters that pin a journey view query to its two days (the view refuses a query without them). */
export function journeyDayFilters(fromDate: string, toDate: string): Array<{ member: string; operator: 'equals'; values: string[] }> {
  return [
    { member: 'journey_flows.from_date', operator: 'equals', values: [fromDate] },
    { member: 'journey_flows.to_date', operator: 'equals', values: [toDate] },
  ];
}

/** Which view member each slice parameter filters, per number. */
interface SliceMembers {
  team?: string;
  channel?: string;
  campaign?: string;
  employee?: string;
  owner?: string;
  cityTier?: string;
}

interface MeasureFilter {
  measure: string;
  operator: 'set' | 'gt';
}

export interface DrillDef {
  kind: DrillKind;
  view: DrillView;
  /** Row measures, short names on the view. */
  measures: string[];
  /** Sum: the row's part. */
  part?: string;
  /** Ratio: a row is in the numerator when this measure is > 0 (a 0/1 ratio per customer, or a count). */
  numerator?: string;
  /** Who is in the population at all (HAVING). */
  population?: MeasureFilter;
  /** The date member the range applies to, or null for as-of numbers. */
  date: string | null;
  slice: SliceMembers;
  /** The number itself over the whole population, for the list's header. */
  summary: string[];
  /** Fixed filters of the number itself (attributed GMV: orders carrying a campaign). */
  fixed?: Array<{ member: string; operator: 'set' }>;
  /**
   * Fact views only: the distinct customers behind the number and its
   * additive measures, so the part a team role may not list by name is
   * shown as an anonymised remainder (see drill-scope.ts).
   */
  scope?: DrillScope;
  /** Ratio lists opened on the numerator: the same, for the numerator's customers. */
  numeratorScope?: DrillScope;
}

export interface DrillScope {
  /** A distinct count of the population's customers. */
  customers: string;
  /** Measures whose per-customer values add up to the number over all customers. */
  sums: string[];
}

/** Journeys are cut like the segments they move between: the owner's team, the source channel. */
const JOURNEY_SLICE: SliceMembers = { team: 'owner_team', channel: 'source_channel', owner: 'owner_id' };
const SALES_SLICE: SliceMembers = { team: 'team', channel: 'channel', campaign: 'campaign', employee: 'employee', owner: 'owner_id' };
const CUSTOMER_SLICE: SliceMembers = { team: 'owner_team', channel: 'source_channel', owner: 'owner_id' };
/** Customer metrics cut by campaign count the campaign's participants (docs/metric-catalogue.md). */
const PARTICIPANT_SLICE: SliceMembers = { ...CUSTOMER_SLICE, campaign: 'participated_campaign' };
/** Staff work is sliced by the employee who did it (the employee page passes them as `owner`). */
const STAFF_SLICE: SliceMembers = { team: 'team', owner: 'employee_id' };
const ACTIVITY_SLICE: SliceMembers = { team: 'team', channel: 'channel', campaign: 'campaign', employee: 'employee', owner: 'owner_id', cityTier: 'city_tier' };

const salesSum = (kind: DrillKind): DrillDef => ({
  kind, view: 'sales_drill', measures: ['gmv', 'order_count'], part: 'gmv', summary: ['gmv', 'buyers'],
  population: { measure: 'order_count', operator: 'gt' }, date: 'order_date', slice: SALES_SLICE,
  scope: { customers: 'buyers', sums: ['gmv', 'order_count'] },
});
const attributed = (kind: DrillKind): DrillDef => ({ ...salesSum(kind), fixed: [{ member: 'campaign', operator: 'set' }] });
const activity = (kind: DrillKind, extra: Partial<DrillDef> = {}): DrillDef => ({
  kind, view: 'activity_drill', measures: ['participants', 'converted_count', 'fission_count'], summary: ['participants'], date: 'joined_date', slice: ACTIVITY_SLICE,
  scope: { customers: 'participants', sums: ['participants', 'converted_count', 'fission_count'] }, ...extra,
});
/** Distinct customers behind each staff touch count. */
const TOUCH_CUSTOMERS: Record<string, string> = { follow_ups: 'follow_up_customers', bookings: 'booking_customers', arrivals: 'arrival_customers' };

export /** A staff touch (follow-ups, bookings, arrivals): each customer with their part. */
const staffTouch = (measure: string): DrillDef => ({
  kind: 'sum', view: 'staff_touch_drill', measures: [measure], part: measure, summary: [measure],
  population: { measure, operator: 'gt' }, date: 'date', slice: STAFF_SLICE,
  scope: { customers: TOUCH_CUSTOMERS[measure]!, sums: [measure] },
});

const DRILL_DEFS = {
  gmv: salesSum('sum'),
  buyers: { ...salesSum('count'), part: undefined, summary: ['buyers'] },
  spend_per_buyer: salesSum('sum'),
  attributed_gmv: attributed('sum'),
  roi: attributed('multi'),
  cac: { kind: 'multi', view: 'customer_insights', measures: ['customers'], summary: ['customers'], date: 'registered_date', slice: { channel: 'source_channel' } },
  customers: { kind: 'count', view: 'customer_insights', measures: ['customers'], summary: ['customers'], date: null, slice: CUSTOMER_SLICE },
  new_customers: { kind: 'count', view: 'customer_insights', measures: ['customers'], summary: ['customers'], date: 'registered_date', slice: PARTICIPANT_SLICE },
  segment: { kind: 'count', view: 'customer_insights', measures: ['customers'], summary: ['customers'], date: null, slice: CUSTOMER_SLICE },
  ltv: { kind: 'sum', view: 'customer_insights', measures: ['ltv'], part: 'ltv', summary: ['ltv'], population: { measure: 'ltv', operator: 'set' }, date: null, slice: PARTICIPANT_SLICE },
  churn_rate: {
    kind: 'ratio', view: 'customer_insights', measures: ['churn_rate'], numerator: 'churn_rate', summary: ['churn_rate'],
    population: { measure: 'churn_rate', operator: 'set' }, date: null, slice: PARTICIPANT_SLICE,
  },
  repurchase_rate: {
    kind: 'ratio', view: 'customer_insights', measures: ['repurchase_rate'], numerator: 'repurchase_rate', summary: ['repurchase_rate'],
    population: { measure: 'repurchase_rate', operator: 'set' }, date: 'order_date', slice: { team: 'owner_team', channel: 'channel', campaign: 'campaign', owner: 'owner_id' },
  },
  // The current book, as the staff pages count it (no range).
  owned_customers: { kind: 'count', view: 'customer_insights', measures: ['customers'], summary: ['customers'], date: null, slice: { team: 'owner_team', owner: 'owner_id' } },
  converted_customers: {
    kind: 'count', view: 'customer_insights', measures: ['repurchase_rate'], summary: [],
    population: { measure: 'repurchase_rate', operator: 'set' }, date: 'order_date', slice: { team: 'owner_team', owner: 'owner_id' },
  },
  follow_ups: staffTouch('follow_ups'),
  bookings: staffTouch('bookings'),
  arrivals: staffTouch('arrivals'),
  arrival_rate: {
    kind: 'ratio', view: 'staff_touch_drill', measures: ['bookings', 'arrivals'], numerator: 'arrivals',
    summary: ['arrival_rate', 'arrivals', 'bookings'], population: { measure: 'bookings', operator: 'gt' }, date: 'date', slice: STAFF_SLICE,
    scope: { customers: 'booking_customers', sums: ['bookings', 'arrivals'] }, numeratorScope: { customers: 'arrival_customers', sums: ['arrivals'] },
  },
  participants: activity('count'),
  converted_count: activity('count', {
    summary: ['converted_count'], population: { measure: 'converted_count', operator: 'gt' },
    scope: { customers: 'converted_count', sums: ['participants', 'converted_count'] },
  }),
  fission_count: activity('sum', {
    summary: ['fission_count'], part: 'fission_count', population: { measure: 'fission_count', operator: 'gt' },
    scope: { customers: 'invited_participants', sums: ['participants', 'fission_count'] },
  }),
  campaign_conversion_rate: activity('ratio', {
    numerator: 'converted_count', summary: ['campaign_conversion_rate', 'converted_count', 'participants'],
    numeratorScope: { customers: 'converted_count', sums: ['participants', 'converted_count'] },
  }),
  /** Customers who moved from one stage to another between two days. */
  journey: { kind: 'count', view: 'journey_flows', measures: ['customers'], summary: ['customers'], date: null, slice: JOURNEY_SLICE },
} satisfies Record<string, DrillDef>;

export type DrillMetric = keyof typeof DRILL_DEFS;
export const DRILL_METRICS = Object.keys(DRILL_DEFS) as DrillMetric[];

export function isDrillMetric(value: string | null): value is DrillMetric {
  return value !== null && Object.prototype.hasOwnProperty.call(DRILL_DEFS, value);
}

export function drillDef(metric: DrillMetric): DrillDef {
  return DRILL_DEFS[metric];
}

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

type Filter = NonNullable<Query['filters']>[number];

/** The slice's own filters on `view`, through the members the number uses. */
export function sliceFilters(view: string, members: SliceMembers, slice: Omit<DrillSlice, 'metric' | 'range' | 'segment' | 'journey'>): Filter[] {
  const out: Filter[] = [];
  const add = (member: string | undefined, value: string | number | null) => {
    if (member && value !== null) out.push({ member: `${view}.${member}`, operator: 'equals', values: [String(value)] });
  };
  add(members.team, slice.team);
  add(members.channel, slice.channel);
  add(members.campaign, slice.campaign);
  add(members.employee, slice.employee);
  add(members.owner, slice.owner);
  add(members.cityTier, slice.cityTier);
  return out;
}

/** Slice parameters the number cannot be cut by (for a note on the page). */
export function ignoredSliceParams(slice: DrillSlice): string[] {
  const members = drillDef(slice.metric).slice;
  const out: string[] = [];
  if (slice.team && !members.team) out.push('team');
  if (slice.channel && !members.channel) out.push('channel');
  if (slice.campaign && !members.campaign) out.push('campaign');
  if (slice.employee && !members.employee) out.push('employee');
  if (slice.cityTier && !members.cityTier) out.push('city_tier');
  return out;
}

export type FilterKindOrRange = 'range' | 'team' | 'channel' | 'campaign' | 'employee' | 'city_tier';

/**
 * Every active filter the number does not apply: the slice parameters it
 * cannot be cut by, and the date range when it is an as-of number. Tiles and
 * lists say so on screen (`filter-note`).
 */
export function ignoredFilters(metric: DrillMetric, active: { range: boolean } & Pick<DrillSlice, 'team' | 'channel' | 'campaign'> & Partial<Pick<DrillSlice, 'employee' | 'cityTier'>>): FilterKindOrRange[] {
  const def = drillDef(metric);
  const out: FilterKindOrRange[] = [];
  if (active.range && def.date === null) out.push('range');
  if (active.team && !def.slice.team) out.push('team');
  if (active.channel && !def.slice.channel) out.push('channel');
  if (active.campaign && !def.slice.campaign) out.push('campaign');
  if (active.employee && !def.slice.employee) out.push('employee');
  if (active.cityTier && !def.slice.cityTier) out.push('city_tier');
  return out;
}

/** The columns every list shows, then the number's own. */
export const BASE_COLUMNS = [
  'customer_name', 'phone', 'owner', 'owner_team', 'source_channel', 'lifecycle_stage', 'rfm_segment', 'ltv', 'last_paid_date',
] as const;
export const MEASURE_COLUMNS = ['part', 'in_numerator', 'gmv', 'order_count', 'participants', 'converted_count', 'fission_count', 'bookings', 'arrivals'] as const;
export type DrillColumnId = (typeof BASE_COLUMNS)[number] | (typeof MEASURE_COLUMNS)[number];

function isColumnId(value: string | null): value is DrillColumnId {
  return value !== null && ([...BASE_COLUMNS, ...MEASURE_COLUMNS] as readonly string[]).includes(value);
}

/** The drill views name a customer's attributes alike (LTV is `customer_ltv`; `customer_insights` has its own `paid_amount`). */
const DRILL_VIEW_ATTRIBUTES = {
  customer: 'customer', customer_name: 'customer_name', phone: 'phone', owner: 'owner', owner_team: 'owner_team',
  source_channel: 'source_channel', lifecycle_stage: 'lifecycle_stage', rfm_segment: 'rfm_segment', ltv: 'customer_ltv', last_paid_date: 'last_paid_date',
};

/** Member (short name) of each base column on each view. */
const ATTRIBUTES: Record<DrillView, Record<(typeof BASE_COLUMNS)[number] | 'customer', string>> = {
  customer_insights: { ...DRILL_VIEW_ATTRIBUTES, ltv: 'paid_amount' },
  sales_drill: DRILL_VIEW_ATTRIBUTES,
  journey_flows: DRILL_VIEW_ATTRIBUTES,
  staff_touch_drill: DRILL_VIEW_ATTRIBUTES,
  activity_drill: DRILL_VIEW_ATTRIBUTES,
};

export interface DrillColumn {
  id: DrillColumnId;
  /** Full member name, for the CSV and sorting. */
  member: string;
  format: 'text' | 'currency' | 'integer' | 'date' | 'flag' | 'lifecycle';
}

/** The list's columns for a number: the base ones, then its part or flag, then its other measures. */
export function drillColumns(metric: DrillMetric): DrillColumn[] {
  const def = drillDef(metric);
  const attr = ATTRIBUTES[def.view];
  const m = (short: string) => `${def.view}.${short}`;
  const cols: DrillColumn[] = BASE_COLUMNS.map((id) => ({
    id, member: m(attr[id]),
    format: id === 'ltv' ? 'currency' : id === 'last_paid_date' ? 'date' : id === 'lifecycle_stage' ? 'lifecycle' : 'text',
  }));
  if (def.kind === 'ratio' && def.numerator) cols.push({ id: 'in_numerator', member: m(def.numerator), format: 'flag' });
  for (const measure of def.measures) {
    if (measure === 'customers' || measure === 'repurchase_rate' || measure === 'churn_rate') continue;
    // The numerator's own count stays as a column where a customer can add more than one (conversions, arrivals).
    if (measure === def.numerator && def.kind === 'ratio' && measure !== 'converted_count' && measure !== 'arrivals') continue;
    const id: DrillColumnId = measure === def.part ? 'part' : (measure as DrillColumnId);
    if (!isColumnId(id)) continue;
    cols.push({ id, member: m(measure), format: measure === 'gmv' || measure === 'ltv' ? 'currency' : 'integer' });
  }
  return cols;
}

function population(def: DrillDef, numeratorOnly = false): Filter[] {
  const out: Filter[] = [];
  if (numeratorOnly && def.numerator) out.push({ member: `${def.view}.${def.numerator}`, operator: 'gt', values: ['0'] });
  if (def.population) {
    out.push(def.population.operator === 'set'
      ? { member: `${def.view}.${def.population.measure}`, operator: 'set' }
      : { member: `${def.view}.${def.population.measure}`, operator: 'gt', values: ['0'] });
  }
  for (const f of def.fixed ?? []) out.push({ member: `${def.view}.${f.member}`, operator: f.operator });
  return out;
}

export function baseFilters(slice: DrillSlice): Filter[] {
  const def = drillDef(slice.metric);
  const out = sliceFilters(def.view, def.slice, slice);
  if (slice.segment) out.push({ member: `${def.view}.${slice.segment.dimension}`, operator: 'equals', values: [slice.segment.value] });
  if (slice.journey) {
    const { family, fromDate, toDate, from, to } = slice.journey;
    out.push(
      ...journeyDayFilters(fromDate, toDate),
      { member: `${def.view}.from_${family}`, operator: 'equals', values: [from] },
      { member: `${def.view}.to_${family}`, operator: 'equals', values: [to] },
    );
  }
  return out;
}

export function timeDimensions(slice: DrillSlice): Query['timeDimensions'] {
  const def = drillDef(slice.metric);
  return def.date && slice.range ? [{ dimension: `${def.view}.${def.date}`, dateRange: slice.range }] : [];
}

/** The member naming the customer on a drill's view (a filter on it limits a team role to owned customers). */
export function customerMember(metric: DrillMetric): string {
  const def = drillDef(metric);
  return `${def.view}.${ATTRIBUTES[def.view].customer}`;
}

/** The member a list is sorted by: the chosen column, else the number's part (largest first), else the customer id. */
function sortOf(slice: DrillSlice, page: DrillPage): { sortMember: string; desc: boolean } {
  const def = drillDef(slice.metric);
  const sortColumn = drillColumns(slice.metric).find((c) => c.id === page.sort);
  const defaultSort = def.part ? `${def.view}.${def.part}` : `${def.view}.${ATTRIBUTES[def.view].customer}`;
  return { sortMember: sortColumn?.member ?? defaultSort, desc: sortColumn ? page.desc : Boolean(def.part) };
}

/**
 * The whole list row in one query: the customer, every attribute column and
 * the measures, sorted on the server, with the total. The CSV export reads
 * it page by page; the journey list shows it as is.
 */
export function buildDrillQuery(slice: DrillSlice, page: DrillPage): Query {
  const def = drillDef(slice.metric);
  const attr = ATTRIBUTES[def.view];
  const { sortMember, desc } = sortOf(slice, page);
  return {
    dimensions: [attr.customer, ...BASE_COLUMNS.map((id) => attr[id])].map((s) => `${def.view}.${s}`),
    measures: def.measures.map((s) => `${def.view}.${s}`),
    filters: [...baseFilters(slice), ...population(def, showsNumerator(slice))],
    timeDimensions: timeDimensions(slice),
    // A tie-breaker on the customer id keeps pages stable.
    order: sortMember === `${def.view}.${attr.customer}`
      ? [[sortMember, desc ? 'desc' : 'asc']]
      : [[sortMember, desc ? 'desc' : 'asc'], [`${def.view}.${attr.customer}`, 'asc']],
    limit: page.limit,
    offset: page.offset,
    total: true,
  };
}

/**
 * Lists that rank customers first and fetch the page's attributes after.
 * Grouping every fact row in range by ten attribute columns, and counting
 * that grouping again for the total, is what took a list 20 s at a million
 * customers; grouping by the customer alone does not. The journey list
 * classifies two days per query, so fetching its attributes again would
 * cost more than it saves.
 */
const RANKED_VIEWS: ReadonlySet<DrillView> = new Set(['sales_drill', 'activity_drill', 'staff_touch_drill', 'customer_insights']);

/**
 * One page of the list as the page asks for it: on a ranked view, only the
 * customer, the measures and the sort column (when it is an attribute), with
 * the total; otherwise the whole row. Same population, order and total as
 * `buildDrillQuery`.
 */
export function buildDrillPageQuery(slice: DrillSlice, page: DrillPage): Query {
  const def = drillDef(slice.metric);
  const whole = buildDrillQuery(slice, page);
  if (!RANKED_VIEWS.has(def.view)) return whole;
  const customer = `${def.view}.${ATTRIBUTES[def.view].customer}`;
  const { sortMember } = sortOf(slice, page);
  const sortsByAttribute = sortMember !== customer && whole.dimensions!.includes(sortMember);
  return { ...whole, dimensions: sortsByAttribute ? [customer, sortMember] : [customer] };
}

/** The attributes' members on customer_insights, where a customer is one row and needs no facts. */
const INSIGHTS_ATTRIBUTES = [ATTRIBUTES.customer_insights.customer, ...BASE_COLUMNS.map((id) => ATTRIBUTES.customer_insights[id])]
  .map((s) => `customer_insights.${s}`);

/**
 * The attribute columns of a page's customers, by id, from customer_insights
 * (one row per customer). Null when the page query carries them itself or
 * the page is empty. The role's limits on customer_insights (the owner and
 * their team) are those the ranked views put on any list naming customers,
 * so every ranked customer is found.
 */
export function buildDrillAttributesQuery(slice: DrillSlice, customers: readonly number[]): Query | null {
  if (!RANKED_VIEWS.has(drillDef(slice.metric).view) || customers.length === 0) return null;
  return {
    dimensions: INSIGHTS_ATTRIBUTES,
    filters: [{ member: `customer_insights.${ATTRIBUTES.customer_insights.customer}`, operator: 'equals', values: customers.map(String) }],
    order: [[INSIGHTS_ATTRIBUTES[0]!, 'asc']],
    limit: customers.length,
  };
}

/** The customer ids of a page query's rows, in order. */
export function drillCustomers(metric: DrillMetric, rows: ReadonlyArray<Record<string, unknown>>): number[] {
  const def = drillDef(metric);
  const member = `${def.view}.${ATTRIBUTES[def.view].customer}`;
  return rows.map((row) => Number(row[member]));
}

/** The number itself over the same population, for the header; null when the total count says it all. */
export function buildDrillSummaryQuery(slice: DrillSlice): Query | null {
  const def = drillDef(slice.metric);
  if (def.summary.length === 0) return null;
  return {
    measures: def.summary.map((s) => `${def.view}.${s}`),
    // Population filters are HAVING clauses: without dimensions they would test the total, not each customer.
    filters: [...baseFilters(slice), ...(def.fixed ?? []).map((f) => ({ member: `${def.view}.${f.member}`, operator: f.operator }))],
    timeDimensions: timeDimensions(slice),
  };
}

/** ROI and CAC: the spend over the same slice, from channel_roi, for the list's header. */
export function buildDrillSpendQuery(slice: DrillSlice): Query | null {
  if (drillDef(slice.metric).kind !== 'multi') return null;
  const members: SliceMembers = slice.metric === 'cac' ? { channel: 'channel' } : { team: 'team', channel: 'channel', campaign: 'campaign', employee: 'employee' };
  return {
    measures: ['channel_roi.spend'],
    filters: sliceFilters('channel_roi', members, slice),
    timeDimensions: slice.range ? [{ dimension: 'channel_roi.date', dateRange: slice.range }] : [],
  };
}

export interface DrillRow {
  customer: number;
  values: Partial<Record<DrillColumnId, unknown>>;
  /** The customers outside the person's ownership scope, as one row with no name, phone or attributes. */
  anonymous?: { customers: number };
}

/**
 * Rows of the list query in, one object per customer out, keyed by column.
 * `attributes` (rows of `buildDrillAttributesQuery`) fill the attribute
 * columns of a ranked page; the rows keep the page query's order.
 */
export function toDrillRows(
  metric: DrillMetric,
  rows: ReadonlyArray<Record<string, unknown>>,
  attributes?: ReadonlyArray<Record<string, unknown>>,
): DrillRow[] {
  const def = drillDef(metric);
  const columns = drillColumns(metric);
  const customerMember = `${def.view}.${ATTRIBUTES[def.view].customer}`;
  const byCustomer = new Map((attributes ?? []).map((a) => [Number(a[INSIGHTS_ATTRIBUTES[0]!]), a]));
  return rows.map((row) => {
    const customer = Number(row[customerMember]);
    const found = byCustomer.get(customer);
    const values: Partial<Record<DrillColumnId, unknown>> = {};
    for (const c of columns) {
      const attribute = (BASE_COLUMNS as readonly string[]).includes(c.id) ? `customer_insights.${ATTRIBUTES.customer_insights[c.id as (typeof BASE_COLUMNS)[number]]}` : null;
      const value = found && attribute ? found[attribute] : row[c.member];
      values[c.id] = c.format === 'flag' ? Number(value ?? 0) > 0 : value;
    }
    return { customer, values };
  });
}
