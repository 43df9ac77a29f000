import { MetricHelp } from '../../../components/metric-help.tsx';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { QueryState } from '../../../components/query-state.tsx';
import { linkWith } from '../../../lib/filters.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import type { Query } from '../../../lib/cube.ts';
import { toSegmentCounts } from '../segment-counts/transform.ts';

/** Activity × value as a 2 × 2 matrix: high activity on top, high value on the right; each cell opens its customers. */
const LAYOUT = [['koc', 'both'], ['neither', 'gmv']] as const;

/** The query is the page's (segments/page-queries.ts: customers_by_value_quadrant). */
export function ValueQuadrant({ query }: { query: Query }) {
  const { t, lang } = useI18n();
  const [params] = useSearchParams();
  const { rows, isLoading, error, refetch } = useCubeQuery(query);
  const counts = useMemo(() => new Map(toSegmentCounts('value_quadrant', rows).map((c) => [c.value, c.customers])), [rows]);
  return (
    <section className="panel" data-testid="chart-value-quadrant">
      <h2>{t('chart.valueQuadrant')}<MetricHelp id="value_quadrant" /></h2>
      <QueryState isLoading={isLoading} error={error} isEmpty={rows.length === 0} onRetry={refetch} minHeight={280}>
        <div className="quadrant">
          <span className="quadrant-axis y">{t('quadrant.activity')} ↑</span>
          <div className="quadrant-grid">
            {LAYOUT.flat().map((value) => (
              <Link key={value} className={`quadrant-cell q-${value}`} data-testid="segment-cell" data-segment="value_quadrant" data-value={value}
                data-count={counts.get(value) ?? 0}
                to={linkWith('/customers', params, { metric: 'segment', segment: 'value_quadrant', value, via: 'segments' })}>
                <span>{t(`quadrant.${value}` as MessageKey)}</span>
                <strong>{(counts.get(value) ?? 0).toLocaleString(lang)}</strong>
              </Link>
            ))}
          </div>
          <span className="quadrant-axis x">{t('quadrant.value')} →</span>
        </div>
      </QueryState>
    </section>
  );
}
