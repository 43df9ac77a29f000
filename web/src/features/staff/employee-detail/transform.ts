/** The employee page's metrics: from the peer comparison when the server has it, else from the own queries. Pure. */
import type { PeerComparison } from '../../../lib/api.ts';
import { toNumber } from '../../../lib/format.ts';

export const EMPLOYEE_METRICS = [
  'owned_customers', 'new_customers', 'converted_customers', 'gmv', 'spend_per_buyer', 'conversion_rate', 'roi',
  'follow_ups', 'bookings', 'arrivals', 'arrival_rate',
] as const;
export type EmployeeMetric = (typeof EMPLOYEE_METRICS)[number];

export interface EmployeeMetricValue {
  id: EmployeeMetric;
  value: number | null;
  teamAverage: number | null;
  rank: number | null;
}

export type Row = Record<string, unknown>;

export function ownValues(
  activity: Row | undefined, sales: Row | undefined, roi: Row | undefined, newCustomers: Row | undefined, owners?: Row, converts?: Row,
): Record<EmployeeMetric, number | null> {
  const owned = toNumber(owners?.['staff_owned.owned_customers']);
  // On a preset's range the count comes from the owner period table (converted_periods), same member.
  const converted = toNumber(converts?.['staff_converted.converted_customers'] ?? converts?.['converted_periods.converted_customers']);
  return {
    owned_customers: owned,
    new_customers: toNumber(newCustomers?.['customer_registrations.new_customers']),
    converted_customers: converted,
    gmv: toNumber(sales?.['sales_range.gmv']),
    spend_per_buyer: toNumber(sales?.['sales_range.spend_per_buyer']),
    conversion_rate: owned && converted !== null ? converted / owned : null,
    roi: toNumber(roi?.['channel_roi.roi']),
    follow_ups: toNumber(activity?.['staff_touches.follow_ups']),
    bookings: toNumber(activity?.['staff_touches.bookings']),
    arrivals: toNumber(activity?.['staff_touches.arrivals']),
    arrival_rate: toNumber(activity?.['staff_touches.arrival_rate']),
  };
}

export function employeeMetrics(own: Record<EmployeeMetric, number | null>, peers: PeerComparison | null): EmployeeMetricValue[] {
  const byId = new Map((peers?.metrics ?? []).map((m) => [m.id, m]));
  return EMPLOYEE_METRICS.map((id) => {
    const peer = byId.get(id);
    return {
      id,
      value: peer ? toNumber(peer.value) : own[id],
      teamAverage: peer ? toNumber(peer.teamAverage) : null,
      rank: peer?.rank ?? null,
    };
  });
}
