import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { FilterBar } from '../../components/filter-bar.tsx';
import { parseFilters } from '../../lib/filters.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { rfmLabel } from '../../lib/rfm.ts';
import { useSession } from '../../lib/session.tsx';
import { SegmentChart } from './segment-counts/segment-chart.tsx';
import { JourneyFlows } from './journey-flows/journey-flows.tsx';
import { ValueQuadrant } from './value-quadrant/value-quadrant.tsx';
import { parseJourneyChoice } from './journey-flows/build-query.ts';
import { SEGMENTS_FILTERS, segmentsQueries } from './page-queries.ts';

/** RFM, lifecycle, AIPL, 5A and the activity × value matrix, as of the data date; every class opens its customers. */
export function SegmentsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [params] = useSearchParams();
  const filters = parseFilters(params);
  const slice = { team: filters.team, channel: filters.channel };
  const choice = parseJourneyChoice(params, me!.asOf);
  const queries = segmentsQueries(slice, choice);
  const rfm = useCallback((v: string) => rfmLabel(v, t), [t]);
  const lifecycle = useCallback((v: string) => t(`lifecycle.${v}` as MessageKey), [t]);
  const aipl = useCallback((v: string) => t(`aipl.${v}` as MessageKey), [t]);
  const fiveA = useCallback((v: string) => t(`fiveA.${v}` as MessageKey), [t]);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('segments.title')}</h1>
        <span className="muted">{t('segments.asOf', { date: me!.asOf })}</span>
      </div>
      <FilterBar show={SEGMENTS_FILTERS} showRange={false} />
      <div className="grid-2">
        <SegmentChart dimension="rfm_segment" query={queries.customers_by_rfm_segment} kind="bars" title={t('chart.rfm')} testId="chart-rfm" label={rfm} />
        <SegmentChart dimension="lifecycle_stage" query={queries.customers_by_lifecycle_stage} kind="bars" title={t('chart.lifecycle')} testId="chart-lifecycle" label={lifecycle} />
        <SegmentChart dimension="aipl_stage" query={queries.customers_by_aipl_stage} kind="funnel" title={t('chart.aipl')} testId="chart-aipl" label={aipl} />
        <SegmentChart dimension="five_a_stage" query={queries.customers_by_five_a_stage} kind="funnel" title={t('chart.fiveA')} testId="chart-five-a" label={fiveA} />
        <ValueQuadrant query={queries.customers_by_value_quadrant} />
      </div>
      <JourneyFlows choice={choice} query={queries.journey_flows} />
    </div>
  );
}
