/** Five sources in, one timeline out, newest first. Pure. */
export type Row = Record<string, unknown>;

export type TimelineKind = 'order' | 'campaign' | 'event' | 'follow_up' | 'appointment';

export interface TimelineItem {
  key: string;
  at: string;
  kind: TimelineKind;
  /** Values for the item's sentence. */
  params: Record<string, string>;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const minute = (v: unknown) => str(v).replace('T', ' ').slice(0, 16);

export interface TimelineSources {
  orders: readonly Row[];
  campaigns: readonly Row[];
  events: readonly Row[];
  followUps: readonly Row[];
  appointments: readonly Row[];
}

export function toTimeline(s: TimelineSources): TimelineItem[] {
  const items: TimelineItem[] = [
    ...s.orders.map((r, i) => ({
      key: `order-${i}`, at: minute(r['sales_drill.order_date']), kind: 'order' as const,
      params: { amount: str(r['sales_drill.gmv']), channel: str(r['sales_drill.channel']), campaign: str(r['sales_drill.campaign']), employee: str(r['sales_drill.employee']) },
    })),
    ...s.campaigns.map((r, i) => ({
      key: `campaign-${i}`, at: minute(r['activity_drill.joined_date']), kind: 'campaign' as const,
      params: { campaign: str(r['activity_drill.campaign']), channel: str(r['activity_drill.channel']) },
    })),
    ...s.events.map((r) => ({
      key: `event-${str(r['customer_timeline_events.event_id'])}`, at: minute(r['customer_timeline_events.occurred_at']), kind: 'event' as const,
      params: { type: str(r['customer_timeline_events.type']), channel: str(r['customer_timeline_events.channel']) },
    })),
    ...s.followUps.map((r) => ({
      key: `follow-${str(r['customer_timeline_follow_ups.follow_up_id'])}`, at: minute(r['customer_timeline_follow_ups.occurred_at']), kind: 'follow_up' as const,
      params: { kind: str(r['customer_timeline_follow_ups.kind']), employee: str(r['customer_timeline_follow_ups.employee']) },
    })),
    ...s.appointments.map((r) => ({
      key: `appointment-${str(r['customer_timeline_appointments.appointment_id'])}`, at: minute(r['customer_timeline_appointments.booked_at']), kind: 'appointment' as const,
      params: {
        date: minute(r['customer_timeline_appointments.scheduled_for']).slice(0, 10),
        employee: str(r['customer_timeline_appointments.employee']),
        arrived: r['customer_timeline_appointments.arrived_at'] ? 'yes' : 'no',
      },
    })),
  ];
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.key.localeCompare(b.key)));
}
