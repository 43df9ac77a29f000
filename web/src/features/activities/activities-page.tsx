import { MetricHelp } from '../../components/metric-help.tsx';
import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Breadcrumbs, type Crumb } from '../../components/breadcrumbs.tsx';
import { EChart } from '../../components/echart.tsx';
import { FilterBar } from '../../components/filter-bar.tsx';
import { QueryState } from '../../components/query-state.tsx';
import type { Query } from '../../lib/cube.ts';
import { linkWith, parseFilters, resolveDateRange } from '../../lib/filters.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { ActivityTable } from './campaign-breakdown/activity-table.tsx';
import { CampaignCompletionPanel } from './campaign-completion/completion-panel.tsx';
import type { ActivityBy } from './campaign-breakdown/build-query.ts';
import { toActivityRows } from './campaign-breakdown/transform.ts';
import { transformCampaignGmv } from './campaign-gmv-chart/transform.ts';
import { ACTIVITIES_FILTERS, activitiesQueries } from './page-queries.ts';

/** Budgets are the whole brand's money: only roles that see the whole brand ask for them. */
const SEES_BUDGETS = new Set(['executive', 'operator', 'admin']);

function useActivityRows(by: ActivityBy, participationQuery: Query | null, moneyQuery: Query | null, budgetQuery: Query | null) {
  const participation = useCubeQuery(participationQuery);
  const money = useCubeQuery(moneyQuery);
  const budgetRows = useCubeQuery(budgetQuery);
  const rows = useMemo(() => toActivityRows(by, participation.rows, money.rows, budgetRows.rows), [by, participation.rows, money.rows, budgetRows.rows]);
  return {
    rows,
    isLoading: participation.isLoading || money.isLoading || budgetRows.isLoading,
    error: participation.error ?? money.error ?? budgetRows.error,
    refetch: () => { participation.refetch(); money.refetch(); budgetRows.refetch(); },
  };
}

/** Campaigns → one campaign's channels → the employees → customers. */
export function ActivitiesPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const filters = parseFilters(params);
  const range = resolveDateRange(filters, me!.asOf);
  const { campaign, channel } = filters;

  const budgets = SEES_BUDGETS.has(me!.role);
  const queries = activitiesQueries(range, filters, budgets, me!.asOf);
  const campaigns = useActivityRows('campaign', queries.participation_by_campaign, queries.gmv_by_campaign, queries.budget_by_campaign);
  const channels = useActivityRows('channel', queries.participation_by_channel, queries.gmv_by_channel, null);
  const employees = useActivityRows('employee', queries.participation_by_employee, queries.gmv_by_employee, null);
  const option = useMemo(() => transformCampaignGmv(campaigns.rows, lang, { gmv: t('kpi.gmv'), spend: t('kpi.spend') }), [campaigns.rows, lang, t]);

  const here = (extra: Record<string, string | null>) => linkWith('/activities', params, extra);
  const customers = (extra: Record<string, string | null>, metric: string) => linkWith('/customers', params, { ...extra, metric, via: 'activities' });
  const crumbs: Crumb[] = [{ label: t('activities.title'), to: here({ campaign: null, channel: null }) }];
  if (campaign) crumbs.push({ label: campaign, to: here({ channel: null }) });
  if (campaign && channel) crumbs.push({ label: channel });

  return (
    <div className="page">
      <div className="page-head"><h1>{t('activities.title')}</h1></div>
      <Breadcrumbs crumbs={crumbs} />
      <FilterBar show={ACTIVITIES_FILTERS} />
      <section className="panel" data-testid="chart-campaign-gmv">
        <h2>{t('chart.campaignGmv')}<MetricHelp id={['attributed_gmv', 'spend']} /></h2>
        <QueryState isLoading={campaigns.isLoading} error={campaigns.error} isEmpty={campaigns.rows.length === 0} onRetry={campaigns.refetch} minHeight={320}>
          <EChart option={option} onItemClick={(item) => navigate(here({ campaign: item.name, channel: null }))} />
        </QueryState>
      </section>
      <ActivityTable by="campaign" title={t('activities.table')} testId="table-campaigns" {...campaigns} onRetry={campaigns.refetch} showBudget={budgets}
        stepTo={(key) => here({ campaign: key, channel: null })} drillTo={(key, metric) => customers({ campaign: key }, metric)} />
      {campaign && <CampaignCompletionPanel campaign={campaign} />}
      {campaign && (
        <ActivityTable by="channel" title={t('activities.channels', { campaign })} testId="table-campaign-channels" {...channels} onRetry={channels.refetch}
          stepTo={(key) => here({ channel: key })} drillTo={(key, metric) => customers({ channel: key }, metric)} />
      )}
      {campaign && channel && (
        <ActivityTable by="employee" title={t('activities.employees', { campaign, channel })} testId="table-campaign-employees" {...employees}
          onRetry={employees.refetch} stepTo={() => null} drillTo={(key, metric) => customers({ employee: key }, metric)} />
      )}
    </div>
  );
}
