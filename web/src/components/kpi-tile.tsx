import { Link } from 'react-router';
import type { TermId } from '../lib/definitions/index.ts';
import { useI18n } from '../lib/i18n.tsx';
import { MetricHelp } from './metric-help.tsx';
import { QueryState } from './query-state.tsx';

export interface KpiChange {
  label: string;
  /** Relative change as a fraction, or null when there is nothing to compare with. */
  value: number | null;
  /** Which comparison (`mom`/`yoy`) and the period compared with, shown on hover. */
  kind?: string;
  period?: string;
}

interface Props {
  metricId: string;
  label: string;
  /** The catalogue term whose definition the tile's "?" shows: every tile has one. */
  help: TermId;
  value: string;
  isLoading: boolean;
  error: Error | null;
  onRetry?: () => void;
  /** 环比 / 同比 under the number. */
  changes?: KpiChange[];
  /** A line under the number when there is no comparison (as-of numbers). */
  note?: string;
  /** Where a click on the number leads: the customers behind it. */
  drillTo?: string | null;
  /** Where the number is broken down (by channel, by team). */
  breakdownTo?: string;
  breakdownLabel?: string;
  /** Which active filters the number does not apply, and why (`filter-note`). */
  filterNote?: string;
}

function formatChange(value: number | null, lang: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const pct = (value * 100).toLocaleString(lang, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  return value > 0 ? `+${pct}%` : `${pct}%`;
}

/** One headline number; `data-testid="kpi-<metric id>"` for automation. */
export function KpiTile({ metricId, label, help, value, isLoading, error, onRetry, changes, note, drillTo, breakdownTo, breakdownLabel, filterNote }: Props) {
  const { t, lang } = useI18n();
  const number = <div className="kpi-value" data-testid="kpi-value">{value}</div>;
  return (
    <section className="kpi" data-testid={`kpi-${metricId}`} aria-label={label}>
      <h3 className="kpi-label">{label}<MetricHelp id={help} /></h3>
      <QueryState isLoading={isLoading} error={error} isEmpty={false} onRetry={onRetry} minHeight={48} skeleton="number">
        {drillTo ? <Link className="kpi-link" to={drillTo} title={t('kpi.drillHint')} data-testid="kpi-drill">{number}</Link> : number}
        {changes && changes.length > 0 && (
          <div className="kpi-changes">
            {changes.map((c) => (
              <span key={c.label} className={c.value === null ? 'muted' : c.value >= 0 ? 'up' : 'down'} title={c.period} data-testid="kpi-change" data-kind={c.kind}>
                {c.label} {formatChange(c.value, lang)}
              </span>
            ))}
          </div>
        )}
        {note && <div className="kpi-changes muted">{note}</div>}
        {breakdownTo && <Link className="kpi-breakdown small" to={breakdownTo} data-testid="kpi-breakdown">{breakdownLabel ?? t('kpi.byChannel')} →</Link>}
      </QueryState>
      {filterNote && <div className="kpi-changes muted small" data-testid="filter-note" role="note">{filterNote}</div>}
    </section>
  );
}
