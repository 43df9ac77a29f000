import { useSearchParams } from 'react-router';
import { KpiTile } from '../../../components/kpi-tile.tsx';
import type { DateRange } from '../../../lib/date-range.ts';
import { linkWith } from '../../../lib/filters.ts';
import { formatCurrency, formatInteger, formatPercent } from '../../../lib/format.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import type { StaffQueries } from '../page-queries.ts';
import { employeeMetrics, ownValues, type EmployeeMetric } from './transform.ts';
import { usePeerComparison } from './use-peer-comparison.ts';

const CURRENCY = new Set<EmployeeMetric>(['gmv', 'spend_per_buyer']);
const PERCENT = new Set<EmployeeMetric>(['conversion_rate', 'arrival_rate']);

/** Which drill list each number opens. */
function drillMetric(id: EmployeeMetric): string | null {
  switch (id) {
    case 'owned_customers': case 'new_customers': case 'converted_customers': case 'gmv': case 'spend_per_buyer': case 'roi':
    case 'follow_ups': case 'bookings': case 'arrivals': case 'arrival_rate': return id;
    case 'conversion_rate': return 'converted_customers';
    default: return null;
  }
}

/** The numbers' queries are the page's (staff/page-queries.ts: employee_*). */
export function EmployeeDetail({ employeeId, range, asOf, queries, known }: {
  employeeId: number; range: DateRange | null; asOf: string; queries: Pick<StaffQueries, `employee_${string}` & keyof StaffQueries>;
  /** The name and team the team table shows, for an employee with no touch in the range (no activity row). */
  known?: { name: string | undefined; team: string | null };
}) {
  const { t, lang } = useI18n();
  const [params] = useSearchParams();
  // The same range as the team table (none: all time), so the card reads the table's numbers: its
  // values come from that answer, the same as its averages and rank. The employee's name and team
  // come from the activity query; the other numbers are asked of Cube only when the comparison is
  // unavailable (the page then shows the employee's own numbers without the team's).
  const peers = usePeerComparison(employeeId, range);
  const own = peers.status === 'unavailable';
  const activity = useCubeQuery(queries.employee_activity);
  const sales = useCubeQuery(own ? queries.employee_sales : null);
  const roi = useCubeQuery(own ? queries.employee_roi : null);
  const fresh = useCubeQuery(own ? queries.employee_new_customers : null);
  const owned = useCubeQuery(own ? queries.employee_owned : null);
  const converted = useCubeQuery(own ? queries.employee_converted : null);
  const name = String(activity.rows[0]?.['staff_touches.employee'] ?? known?.name ?? `#${employeeId}`);
  const team = activity.rows[0]?.['staff_touches.team'] ?? known?.team;
  const metrics = employeeMetrics(ownValues(activity.rows[0], sales.rows[0], roi.rows[0], fresh.rows[0], owned.rows[0], converted.rows[0]), peers.status === 'ok' ? peers.data : null);
  const loading = peers.status === 'loading' || activity.isLoading || sales.isLoading || roi.isLoading || fresh.isLoading || owned.isLoading || converted.isLoading;
  const error = activity.error ?? sales.error ?? roi.error ?? fresh.error ?? owned.error ?? converted.error;
  const format = (id: EmployeeMetric, v: number | null) =>
    CURRENCY.has(id) ? formatCurrency(v, lang) : PERCENT.has(id) ? formatPercent(v, lang) : id === 'roi' ? (v === null ? '—' : v.toFixed(2)) : formatInteger(v, lang);
  const drillTo = (id: EmployeeMetric) => {
    const metric = drillMetric(id);
    if (!metric) return null;
    const credited = id === 'gmv' || id === 'spend_per_buyer' || id === 'roi';
    return linkWith('/customers', params, {
      metric, via: 'staff', team: typeof team === 'string' ? team : null,
      ...(credited ? { employee: name } : { owner: employeeId }), owner_name: name,
    });
  };

  if (peers.status === 'not_found') {
    return (
      <section className="panel" data-testid="employee-detail">
        <p className="state state-empty" role="alert" data-testid="employee-not-found">{t('staff.employeeNotFound', { id: employeeId })}</p>
      </section>
    );
  }
  return (
    <section className="panel" data-testid="employee-detail">
      <h2 data-testid="employee-name">{t('staff.employeeTitle', { name })}</h2>
      {peers.status === 'unavailable' && <p className="note" role="note" data-testid="peer-unavailable">{t('staff.noComparison')}</p>}
      <div className="kpis">
        {metrics.map((m) => (
          <KpiTile key={m.id} metricId={m.id} label={t(`kpi.${m.id}` as MessageKey)} help={m.id} value={format(m.id, m.value)}
            isLoading={loading} error={error} onRetry={() => { activity.refetch(); sales.refetch(); roi.refetch(); fresh.refetch(); owned.refetch(); converted.refetch(); }}
            drillTo={drillTo(m.id)}
            note={peers.status === 'ok'
              ? `${t('staff.teamAverage')} ${format(m.id, m.teamAverage)} · ${t('staff.rank')} ${m.rank === null ? '—' : t('staff.rankOf', { rank: m.rank, size: peers.data.teamSize })}`
              : undefined} />
        ))}
      </div>
    </section>
  );
}
