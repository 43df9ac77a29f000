/** Sales and activity per team or employee merged into one row each, ranked by GMV. Pure. */
import type { EChartsOption } from '../../../components/echart.tsx';
import { formatCurrency, toNumber } from '../../../lib/format.ts';
import type { Lang } from '../../../lib/i18n.tsx';

export type Row = Record<string, unknown>;

export interface StaffRow {
  key: string;
  employeeId: number | null;
  gmv: number | null;
  buyers: number | null;
  spendPerBuyer: number | null;
  owned: number | null;
  converted: number | null;
  conversionRate: number | null;
  followUps: number | null;
  bookings: number | null;
  arrivals: number | null;
  arrivalRate: number | null;
}

/** Rows of the sales, activity, owned- and converted-customers queries (build-query.ts) merged by team or employee. */
export function toStaffRows(
  by: 'team' | 'employee', sales: readonly Row[], activity: readonly Row[], owners: readonly Row[] = [], converts: readonly Row[] = [],
): StaffRow[] {
  const keyOf = (r: Row, view: string) => String(r[`${view}.${by}`] ?? '');
  // The period table's rows (sales_periods) and the paid-day table's (sales_range) carry the same members as sales_buyers'.
  const bySales = new Map(sales.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^(sales_periods|sales_range)\./, 'sales_buyers.'), v]))).map((r) => [keyOf(r, 'sales_buyers'), r]));
  const byActivity = new Map(activity.map((r) => [keyOf(r, 'staff_touches'), r]));
  const byOwned = new Map(owners.map((r) => [keyOf(r, 'staff_owned'), r]));
  // The owner period table's rows (converted_periods) carry the same members as staff_converted's.
  const byConverted = new Map(converts.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^converted_periods\./, 'staff_converted.'), v]))).map((r) => [keyOf(r, 'staff_converted'), r]));
  const keys = [...new Set([...bySales.keys(), ...byActivity.keys(), ...byOwned.keys(), ...byConverted.keys()])].filter((k) => k !== '');
  // A count or sum with no facts is 0, not unknown: the employee is a row of the table, and the team average counts them.
  const zero = (v: unknown) => toNumber(v) ?? 0;
  const rows = keys.map((key) => {
    const s = bySales.get(key);
    const a = byActivity.get(key);
    const o = byOwned.get(key);
    const c = byConverted.get(key);
    const owned = zero(o?.['staff_owned.owned_customers']);
    const converted = zero(c?.['staff_converted.converted_customers']);
    return {
      key,
      employeeId: toNumber(a?.['staff_touches.employee_id'] ?? o?.['staff_owned.employee_id'] ?? c?.['staff_converted.employee_id'] ?? s?.['sales_buyers.employee_id']),
      gmv: zero(s?.['sales_buyers.gmv']),
      buyers: zero(s?.['sales_buyers.buyers']),
      spendPerBuyer: toNumber(s?.['sales_buyers.spend_per_buyer']),
      owned,
      converted,
      conversionRate: owned ? converted / owned : null,
      followUps: zero(a?.['staff_touches.follow_ups']),
      bookings: zero(a?.['staff_touches.bookings']),
      arrivals: zero(a?.['staff_touches.arrivals']),
      arrivalRate: toNumber(a?.['staff_touches.arrival_rate']),
    };
  });
  return rows.sort((x, y) => (y.gmv ?? 0) - (x.gmv ?? 0) || x.key.localeCompare(y.key));
}

export function transformLeaderboard(rows: readonly StaffRow[], lang: Lang, label: string): EChartsOption {
  const top = rows.slice(0, 15).reverse();
  return {
    grid: { left: 110, right: 32, top: 16, bottom: 24 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatCurrency(v, lang) },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCurrency(v, lang, true) } },
    yAxis: { type: 'category', data: top.map((r) => r.key) },
    series: [{ name: label, type: 'bar', data: top.map((r) => r.gmv ?? 0), barMaxWidth: 22 }],
  };
}
