/** Every query the customer 360 sends, by name (see lib/page-queries.ts); none for an id that is not a customer id. */
import { buildIdentitiesQuery, buildProfileQuery } from './profile/build-query.ts';
import {
  buildAppointmentsQuery, buildCampaignsQuery, buildEventsQuery, buildFollowUpsQuery, buildOrdersQuery,
} from './timeline/build-query.ts';

export function customer360Queries(customerId: number | null) {
  const id = customerId;
  return {
    profile: id !== null ? buildProfileQuery(id) : null,
    identities: id !== null ? buildIdentitiesQuery(id) : null,
    orders: id !== null ? buildOrdersQuery(id) : null,
    campaigns: id !== null ? buildCampaignsQuery(id) : null,
    events: id !== null ? buildEventsQuery(id) : null,
    follow_ups: id !== null ? buildFollowUpsQuery(id) : null,
    appointments: id !== null ? buildAppointmentsQuery(id) : null,
  };
}
