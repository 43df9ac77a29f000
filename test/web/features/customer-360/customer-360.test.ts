import { describe, expect, it } from 'vitest';
import { buildIdentitiesQuery, buildProfileQuery } from '../../../../web/src/features/customer-360/profile/build-query.ts';
import { buildAppointmentsQuery, buildOrdersQuery } from '../../../../web/src/features/customer-360/timeline/build-query.ts';
import { toTimeline } from '../../../../web/src/features/customer-360/timeline/transform.ts';

describe('customer 360', () => {
  it('every query is about the one customer', () => {
    for (const q of [buildProfileQuery(42), buildIdentitiesQuery(42), buildOrdersQuery(42), buildAppointmentsQuery(42)]) {
      expect(q.filters![0]).toMatchObject({ operator: 'equals', values: ['42'] });
    }
    expect(buildOrdersQuery(42).filters).toContainEqual({ member: 'sales_drill.order_count', operator: 'gt', values: ['0'] });
  });

  it('one timeline, newest first, from five sources', () => {
    const items = toTimeline({
      orders: [{ 'sales_drill.order_date': '2026-05-01T10:00:00.000', 'sales_drill.gmv': '99.00', 'sales_drill.channel': '企业微信' }],
      campaigns: [{ 'activity_drill.joined_date': '2026-04-30T09:00:00.000', 'activity_drill.campaign': 'X' }],
      events: [{ 'customer_timeline_events.event_id': 1, 'customer_timeline_events.occurred_at': '2026-06-01T08:00:00.000', 'customer_timeline_events.type': 'view' }],
      followUps: [{ 'customer_timeline_follow_ups.follow_up_id': 3, 'customer_timeline_follow_ups.occurred_at': '2026-01-01T08:00:00.000', 'customer_timeline_follow_ups.kind': 'call' }],
      appointments: [{ 'customer_timeline_appointments.appointment_id': 4, 'customer_timeline_appointments.booked_at': '2026-03-01T08:00:00.000',
        'customer_timeline_appointments.scheduled_for': '2026-03-05T08:00:00.000', 'customer_timeline_appointments.arrived_at': null }],
    });
    expect(items.map((i) => i.kind)).toEqual(['event', 'order', 'campaign', 'appointment', 'follow_up']);
    expect(items[1]).toMatchObject({ at: '2026-05-01 10:00', params: { amount: '99.00', channel: '企业微信' } });
    expect(items[3]!.params).toMatchObject({ date: '2026-03-05', arrived: 'no' });
  });
});
