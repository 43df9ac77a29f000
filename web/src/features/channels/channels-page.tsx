import { MetricHelp } from '../../components/metric-help.tsx';
import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Breadcrumbs, type Crumb } from '../../components/breadcrumbs.tsx';
import { EChart } from '../../components/echart.tsx';
import { FilterBar } from '../../components/filter-bar.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { linkWith, parseFilters, resolveDateRange } from '../../lib/filters.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { transformChannelRoi } from './channel-roi-chart/transform.ts';
import type { Query } from '../../lib/cube.ts';
import { CHANNELS_FILTERS, channelsQueries } from './page-queries.ts';
import type { BreakdownBy } from './roi-breakdown/build-query.ts';
import { RoiBreakdownTable } from './roi-breakdown/roi-breakdown-table.tsx';
import { toBreakdownRows } from './roi-breakdown/transform.ts';

function useBreakdown(by: BreakdownBy, roiQuery: Query | null, conversionQuery: Query | null) {
  const roi = useCubeQuery(roiQuery);
  const conversion = useCubeQuery(conversionQuery);
  const rows = useMemo(() => toBreakdownRows(by, roi.rows, conversion.rows), [by, roi.rows, conversion.rows]);
  return { rows, isLoading: roi.isLoading || conversion.isLoading, error: roi.error ?? conversion.error, refetch: () => { roi.refetch(); conversion.refetch(); } };
}

/** Channels → a channel's campaigns → the employees credited → customers, every step in the URL. */
export function ChannelsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const filters = parseFilters(params);
  const range = resolveDateRange(filters, me!.asOf);
  const { channel, campaign } = filters;

  const queries = channelsQueries(range, filters, me!.asOf);
  const channels = useBreakdown('channel', queries.roi_by_channel, queries.conversion_by_channel);
  const campaigns = useBreakdown('campaign', queries.roi_by_campaign, queries.conversion_by_campaign);
  const employees = useBreakdown('employee', queries.roi_by_employee, null);
  const option = useMemo(() => transformChannelRoi(channels.rows, t('kpi.roi')), [channels.rows, t]);

  const here = (extra: Record<string, string | null>) => linkWith('/channels', params, extra);
  const customers = (extra: Record<string, string | null>, metric: string) => linkWith('/customers', params, { ...extra, metric, via: 'channels' });
  const crumbs: Crumb[] = [{ label: t('channels.title'), to: here({ channel: null, campaign: null }) }];
  if (channel) crumbs.push({ label: channel, to: here({ campaign: null }) });
  if (channel && campaign) crumbs.push({ label: campaign });

  return (
    <div className="page">
      <div className="page-head"><h1>{t('channels.title')}</h1></div>
      <Breadcrumbs crumbs={crumbs} />
      <FilterBar show={CHANNELS_FILTERS} />
      <div className="grid-2">
        <section className="panel" data-testid="chart-channel-roi">
          <h2>{t('chart.channelRoi')}<MetricHelp id="roi" /></h2>
          <QueryState isLoading={channels.isLoading} error={channels.error} isEmpty={channels.rows.length === 0} onRetry={channels.refetch} minHeight={320}>
            <EChart option={option} onItemClick={(item) => navigate(here({ channel: item.name, campaign: null }))} />
          </QueryState>
        </section>
        <RoiBreakdownTable by="channel" title={t('channels.table')} testId="table-channels" {...channels} onRetry={channels.refetch} active={channel}
          stepTo={(key) => here({ channel: key, campaign: null })}
          drillTo={(key, metric) => customers({ channel: key }, metric)} />
      </div>
      {channel && (
        <div className="grid-2">
          <RoiBreakdownTable by="campaign" title={t('channels.campaigns', { channel })} testId="table-campaigns" {...campaigns} onRetry={campaigns.refetch}
            active={campaign} stepTo={(key) => here({ campaign: key })}
            drillTo={(key, metric) => customers({ campaign: key }, metric)} />
          <RoiBreakdownTable by="employee" title={t('channels.employees', { campaign: campaign ?? channel })} testId="table-employees" {...employees}
            onRetry={employees.refetch}
            stepTo={(key) => customers({ employee: key }, 'attributed_gmv')}
            drillTo={(key, metric) => customers({ employee: key }, metric)} />
        </div>
      )}
    </div>
  );
}
