/** A list's columns, and the member each one reads on each drill view. */
import { drillDef, type DrillMetric, type DrillView } from './catalogue.ts';

/** The columns every list shows, then the number's own. */
export const BASE_COLUMNS = [
  'customer_name', 'phone', 'owner', 'owner_team', 'source_channel', 'lifecycle_stage', 'rfm_segment', 'ltv', 'last_paid_date',
] as const;
export const MEASURE_COLUMNS = ['part', 'in_numerator', 'gmv', 'order_count', 'participants', 'converted_count', 'fission_count', 'bookings', 'arrivals'] as const;
export type DrillColumnId = (typeof BASE_COLUMNS)[number] | (typeof MEASURE_COLUMNS)[number];

export function isColumnId(value: string | null): value is DrillColumnId {
  return value !== null && ([...BASE_COLUMNS, ...MEASURE_COLUMNS] as readonly string[]).includes(value);
}

/** The drill views name a customer's attributes alike (LTV is `customer_ltv`; `customer_insights` has its own `paid_amount`). */
const DRILL_VIEW_ATTRIBUTES = {
  customer: 'customer', customer_name: 'customer_name', phone: 'phone', owner: 'owner', owner_team: 'owner_team',
  source_channel: 'source_channel', lifecycle_stage: 'lifecycle_stage', rfm_segment: 'rfm_segment', ltv: 'customer_ltv', last_paid_date: 'last_paid_date',
};

/** Member (short name) of each base column on each view. */
export const ATTRIBUTES: Record<DrillView, Record<(typeof BASE_COLUMNS)[number] | 'customer', string>> = {
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
