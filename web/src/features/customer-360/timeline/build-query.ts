/** The customer's facts for the timeline, one query per source, newest first. Pure. */
import type { Query } from '../../../lib/cube.ts';

const LIMIT = 200;
const one = (member: string, id: number) => [{ member, operator: 'equals' as const, values: [String(id)] }];

export function buildOrdersQuery(customerId: number): Query {
  return {
    dimensions: ['sales_drill.order_date', 'sales_drill.channel', 'sales_drill.campaign', 'sales_drill.employee'],
    measures: ['sales_drill.gmv', 'sales_drill.order_count'],
    filters: [...one('sales_drill.customer', customerId), { member: 'sales_drill.order_count', operator: 'gt', values: ['0'] }],
    order: { 'sales_drill.order_date': 'desc' },
    limit: LIMIT,
  };
}

export function buildCampaignsQuery(customerId: number): Query {
  return {
    dimensions: ['activity_drill.joined_date', 'activity_drill.campaign', 'activity_drill.channel'],
    measures: ['activity_drill.converted_count'],
    filters: one('activity_drill.customer', customerId),
    order: { 'activity_drill.joined_date': 'desc' },
    limit: LIMIT,
  };
}

export function buildEventsQuery(customerId: number): Query {
  return {
    dimensions: ['customer_timeline_events.event_id', 'customer_timeline_events.occurred_at', 'customer_timeline_events.type', 'customer_timeline_events.channel'],
    filters: one('customer_timeline_events.customer', customerId),
    order: { 'customer_timeline_events.occurred_at': 'desc' },
    limit: LIMIT,
  };
}

export function buildFollowUpsQuery(customerId: number): Query {
  return {
    dimensions: ['customer_timeline_follow_ups.follow_up_id', 'customer_timeline_follow_ups.occurred_at', 'customer_timeline_follow_ups.kind', 'customer_timeline_follow_ups.employee'],
    filters: one('customer_timeline_follow_ups.customer', customerId),
    order: { 'customer_timeline_follow_ups.occurred_at': 'desc' },
    limit: LIMIT,
  };
}

export function buildAppointmentsQuery(customerId: number): Query {
  return {
    dimensions: ['customer_timeline_appointments.appointment_id', 'customer_timeline_appointments.booked_at', 'customer_timeline_appointments.scheduled_for',
      'customer_timeline_appointments.arrived_at', 'customer_timeline_appointments.employee'],
    filters: one('customer_timeline_appointments.customer', customerId),
    order: { 'customer_timeline_appointments.booked_at': 'desc' },
    limit: LIMIT,
  };
}
