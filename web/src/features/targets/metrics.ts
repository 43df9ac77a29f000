/** The metrics a target may be set on, as the server accepts them (cube/gateway/target-rules.ts, migration 015). */
export const TARGET_METRIC_IDS = ['gmv', 'order_count', 'buyers', 'spend_per_buyer', 'items_per_buyer',
  'owned_customers', 'converted_customers', 'follow_ups', 'participants', 'fission_count', 'converted_count'] as const;

/** Metrics counted in money: shown as currency. */
export const MONEY_METRICS: ReadonlySet<string> = new Set(['gmv', 'spend_per_buyer']);
