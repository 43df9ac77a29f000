import { MetricHelp } from '../../../components/metric-help.tsx';
import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { EChart } from '../../../components/echart.tsx';
import { QueryState } from '../../../components/query-state.tsx';
import type { SegmentDimension } from '../../../lib/drill.ts';
import { linkWith } from '../../../lib/filters.ts';
import { formatInteger, formatPercent } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import { transformSegmentBars } from '../segment-bars/transform.ts';
import { transformSegmentFunnel } from '../segment-funnel/transform.ts';
import type { Query } from '../../../lib/cube.ts';
import { toSegmentCounts } from './transform.ts';

interface Props {
  dimension: SegmentDimension;
  kind: 'bars' | 'funnel';
  title: string;
  testId: string;
  /** The page's query for this classification (segments/page-queries.ts). */
  query: Query;
  label(value: string): string;
}

/** One classification as a chart; a click on a bar or layer opens that class's customers. */
export function SegmentChart({ dimension, query, kind, title, testId, label }: Props) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { rows, isLoading, error, refetch } = useCubeQuery(query);
  const counts = useMemo(() => toSegmentCounts(dimension, rows), [dimension, rows]);
  const option = useMemo(
    () => (kind === 'bars'
      ? transformSegmentBars(counts, label, t('kpi.customers'))
      : transformSegmentFunnel(counts, label, t('kpi.customers'), {
        reached: (st) => [
          t('funnel.reached', { reached: formatInteger(st.reached, lang), current: formatInteger(st.current, lang) }),
          ...(st.conversion === null ? [] : [t('funnel.conversion', { rate: formatPercent(st.conversion, lang) })]),
        ].join(' · '),
      })),
    [kind, counts, label, t, lang],
  );
  const open = (index: number) => {
    const c = counts[index];
    if (c) navigate(linkWith('/customers', params, { metric: 'segment', segment: dimension, value: c.value, via: 'segments' }));
  };
  return (
    <section className="panel" data-testid={testId}>
      <h2>{title}<MetricHelp id={dimension} /></h2>
      <QueryState isLoading={isLoading} error={error} isEmpty={rows.length === 0} onRetry={refetch} minHeight={280}>
        <EChart option={option} height={280} onItemClick={(item) => open(item.dataIndex)} />
        {kind === 'funnel' && <p className="muted small" data-testid="funnel-note">{t('funnel.note')}</p>}
        <ul className="segment-legend">
          {counts.map((c, i) => (
            <li key={c.value}>
              <button type="button" className="link" data-testid="segment-cell" data-segment={dimension} data-value={c.value} data-count={c.customers} onClick={() => open(i)}>
                {label(c.value)} <span className="muted">{c.customers.toLocaleString()}</span>
              </button>
            </li>
          ))}
        </ul>
      </QueryState>
    </section>
  );
}
