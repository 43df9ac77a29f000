import type { Column } from '../../../components/data-table.tsx';
import { TablePanel } from '../../../components/table-panel.tsx';
import { DrillLink } from '../../../components/drill-link.tsx';
import { formatCurrency, formatInteger, formatPercent } from '../../../lib/format.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';
import type { ActivityBy } from './build-query.ts';
import type { ActivityRow } from './transform.ts';

type DrillMetric = 'participants' | 'fission_count' | 'converted_count' | 'campaign_conversion_rate' | 'attributed_gmv' | 'roi';

interface Props {
  by: ActivityBy;
  title: string;
  rows: ActivityRow[];
  isLoading: boolean;
  error: Error | null;
  onRetry(): void;
  stepTo(key: string): string | null;
  drillTo(key: string, metric: DrillMetric): string;
  testId: string;
  /** Budget use: only for roles that see the brand's budgets. */
  showBudget?: boolean;
}

export function ActivityTable({ by, title, rows, isLoading, error, onRetry, stepTo, drillTo, testId, showBudget = false }: Props) {
  const { t, lang } = useI18n();
  const link = (key: string, metric: DrillMetric, text: string) => <DrillLink to={drillTo(key, metric)}>{text}</DrillLink>;
  const columns: Column<ActivityRow>[] = [
    { id: 'key', title: t(`col.${by}` as MessageKey), help: by, render: (r) => { const to = stepTo(r.key); return to ? <DrillLink to={to}>{r.key}</DrillLink> : r.key; } },
    { id: 'participants', title: t('kpi.participants'), help: 'participants', align: 'right', render: (r) => link(r.key, 'participants', formatInteger(r.participants, lang)) },
    { id: 'fission', title: t('kpi.fission_count'), help: 'fission_count', align: 'right', render: (r) => link(r.key, 'fission_count', formatInteger(r.fission, lang)) },
    { id: 'converted', title: t('kpi.converted_count'), help: 'converted_count', align: 'right', render: (r) => link(r.key, 'converted_count', formatInteger(r.converted, lang)) },
    { id: 'conv', title: t('kpi.campaign_conversion_rate'), help: 'campaign_conversion_rate', align: 'right', render: (r) => link(r.key, 'campaign_conversion_rate', formatPercent(r.conversionRate, lang)) },
    { id: 'gmv', title: t('kpi.attributed_gmv'), help: 'attributed_gmv', align: 'right', render: (r) => link(r.key, 'attributed_gmv', formatCurrency(r.gmv, lang)) },
    { id: 'spend', title: t('kpi.spend'), help: 'spend', align: 'right', render: (r) => formatCurrency(r.spend, lang) },
    { id: 'roi', title: t('kpi.roi'), help: 'roi', align: 'right', render: (r) => link(r.key, 'roi', r.roi === null ? '—' : r.roi.toFixed(2)) },
    ...(by === 'campaign' && showBudget ? [{ id: 'budget', title: t('kpi.budget_used'), help: 'budget_used' as const, align: 'right' as const, render: (r: ActivityRow) => formatPercent(r.budgetUsed, lang) }] : []),
  ];
  return (
    <TablePanel title={title} testId={testId} rowTestId={`${by}-row`} columns={columns} rows={rows}
      isLoading={isLoading} error={error} onRetry={onRetry} />
  );
}
