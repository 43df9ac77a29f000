/**
 * The seed's tables as the generator writes them: their COPY columns in load
 * order, which hold moments, which the customer blocks write, and the cell
 * and sink types the generator emits rows through.
 */
export type Cell = string | number | boolean | null;

export interface RowSink {
  row(cells: readonly Cell[]): void;
}

/** Tables in load order (parents before children), with their COPY columns. */
export const TABLE_COLUMNS = {
  settings: ['key', 'value'],
  teams: ['id', 'name', 'region', 'manager_id'],
  employees: ['id', 'name', 'team_id', 'role', 'hired_at', 'active'],
  channels: ['id', 'code', 'name', 'kind', 'type'],
  campaigns: ['id', 'name', 'type', 'starts_at', 'ends_at', 'budget', 'target_gmv'],
  customers: ['id', 'name', 'phone', 'gender', 'birthday', 'city_tier', 'source_channel_id', 'owner_employee_id',
    'registered_at', 'member_level', 'referred_by_customer_id'],
  customer_identities: ['id', 'customer_id', 'system', 'external_id'],
  campaign_spend: ['id', 'campaign_id', 'channel_id', 'employee_id', 'spent_on', 'amount'],
  campaign_participations: ['id', 'campaign_id', 'customer_id', 'employee_id', 'channel_id', 'joined_at',
    'invited_by_customer_id'],
  orders: ['id', 'customer_id', 'employee_id', 'channel_id', 'campaign_id', 'ordered_at', 'amount', 'items',
    'category', 'status'],
  events: ['id', 'customer_id', 'type', 'channel_id', 'occurred_at'],
  follow_ups: ['id', 'customer_id', 'employee_id', 'kind', 'occurred_at'],
  appointments: ['id', 'customer_id', 'employee_id', 'booked_at', 'scheduled_for', 'arrived_at'],
} as const satisfies Record<string, readonly string[]>;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLES = Object.keys(TABLE_COLUMNS) as TableName[];

/** The columns that hold a moment (timestamptz). */
export const TIMESTAMP_COLUMNS: ReadonlySet<string> = new Set(['starts_at', 'ends_at', 'registered_at', 'joined_at', 'ordered_at',
  'occurred_at', 'booked_at', 'scheduled_for', 'arrived_at']);

/** The tables the customer blocks write; each row's first cell is its id, numbered per table across blocks. */
export const CUSTOMER_TABLES = ['customers', 'customer_identities', 'campaign_participations', 'orders', 'events',
  'follow_ups', 'appointments'] as const satisfies readonly TableName[];
export type CustomerTable = (typeof CUSTOMER_TABLES)[number];
/** The brand's own tables, written by the plan. */
export const BRAND_TABLES = TABLES.filter((t) => !(CUSTOMER_TABLES as readonly string[]).includes(t));

/** Cents to a numeric literal with two decimals, with integer arithmetic only. */
export function money(cents: number): string {
  const c = Math.round(cents);
  const whole = Math.floor(c / 100);
  const frac = c % 100;
  return `${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

export type Emit = (table: TableName, cells: readonly Cell[]) => void;

/** Row counters of the customer tables: the last id written to each. */
export type CustomerIds = Record<CustomerTable, number>;
export const noCustomerIds = (): CustomerIds => Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, 0])) as CustomerIds;
