import { QueryState } from './query-state.tsx';

interface Props {
  metricId: string;
  label: string;
  value: string;
  isLoading: boolean;
  error: Error | null;
  onRetry?: () => void;
}

/** One headline number; `data-testid="kpi-<metric id>"` for automation. */
export function KpiTile({ metricId, label, value, isLoading, error, onRetry }: Props) {
  return (
    <section className="kpi" data-testid={`kpi-${metricId}`} aria-label={label}>
      <h3 className="kpi-label">{label}</h3>
      <QueryState isLoading={isLoading} error={error} isEmpty={false} onRetry={onRetry} minHeight={48}>
        <div className="kpi-value" data-testid="kpi-value">{value}</div>
      </QueryState>
    </section>
  );
}
