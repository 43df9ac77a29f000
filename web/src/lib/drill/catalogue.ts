/** The catalogue of drills: per number, its view, members, population and slice. */
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
export function journeyDayFilters(fromDate: string, toDate: string, view = 'journey_flows'): Array<{ member: string; operator: 'equals'; values: string[] }> {
  return [
    { member: `${view}.from_date`, operator: 'equals', values: [fromDate] },
    { member: `${view}.to_date`, operator: 'equals', values: [toDate] },
  ];
}

/** Which view member each slice parameter filters, per number. */
export interface SliceMembers {
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
  /**
   * Lists of one row per customer whose population a count measure of the
   * view counts: the whole population's (`denominator`) and, for a ratio,
   * the numerator's customers (the number's own two parts). The list's total
   * and a ratio's header counts read them instead of Cube's total over every
   * customer grouped again (docs/performance.md, "The users' hot spots at
   * 1M"). Each equals that list's total: a customer is in the population
   * when their value is set, in a ratio's numerator when it is above 0.
   */
  counts?: { numerator?: string; denominator: string };
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
  ltv: {
    kind: 'sum', view: 'customer_insights', measures: ['ltv'], part: 'ltv', summary: ['ltv'], population: { measure: 'ltv', operator: 'set' }, date: null, slice: PARTICIPANT_SLICE,
    counts: { denominator: 'buyers_to_date' },
  },
  churn_rate: {
    kind: 'ratio', view: 'customer_insights', measures: ['churn_rate'], numerator: 'churn_rate', summary: ['churn_rate'],
    population: { measure: 'churn_rate', operator: 'set' }, date: null, slice: PARTICIPANT_SLICE,
    counts: { numerator: 'churned_buyers', denominator: 'buyers_to_date' },
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
