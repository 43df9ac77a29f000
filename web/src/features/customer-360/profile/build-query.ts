import type { Query } from '../../../lib/cube.ts';

const one = (member: string, id: number) => [{ member, operator: 'equals' as const, values: [String(id)] }];

export const PROFILE_FIELDS = [
  'customer_name', 'phone', 'gender', 'city_tier', 'member_level', 'registered_date', 'owner', 'owner_team', 'source_channel',
  'lifecycle_stage', 'rfm_segment', 'aipl_stage', 'five_a_stage', 'value_quadrant', 'activity_points', 'value_points',
  'paid_orders', 'paid_amount', 'last_paid_date',
] as const;

/** Everything the customer 360 shows about one customer, as of the data date. */
export function buildProfileQuery(customerId: number): Query {
  return {
    dimensions: ['customer_insights.customer', ...PROFILE_FIELDS.map((f) => `customer_insights.${f}`)],
    filters: one('customer_insights.customer', customerId),
    limit: 1,
  };
}

/** The identities OneID joined into this customer. */
export function buildIdentitiesQuery(customerId: number): Query {
  return {
    dimensions: ['customer_identities_list.system'],
    measures: ['customer_identities_list.count'],
    filters: one('customer_identities_list.customer', customerId),
    order: { 'customer_identities_list.system': 'asc' },
  };
}
