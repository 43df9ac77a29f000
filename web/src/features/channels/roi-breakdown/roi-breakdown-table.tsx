import type { Column } from '../../../components/data-table.tsx';
import { TablePanel } from '../../../components/table-panel.tsx';
import { DrillLink } from '../../../components/drill-link.tsx';
import { formatCurrency, formatPercent } from '../../../lib/format.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';
import type { BreakdownBy } from './build-query.ts';
import type { BreakdownRow } from './transform.ts';

interface Props {
  by: BreakdownBy;
  title: string;
  rows: BreakdownRow[];
  isLoading: boolean;
  error: Error | null;
  onRetry(): void;
  /** Where a click on a row's key leads (the next drill step). */
  stepTo(key: string): string;
  /** The customers behind one number of a row. */
  drillTo(key: string, metric: 'attributed_gmv' | 'roi' | 'cac' | 'campaign_conversion_rate'): string;
  active?: string | null;
  testId: string;
}

export function RoiBreakdownTable({ by, title, rows, isLoading, error, onRetry, stepTo, drillTo, active, testId }: Props) {
  const { t, lang } = useI18n();
  const columns: Column<BreakdownRow>[] = [
    { id: 'key', title: t(`col.${by}` as MessageKey), help: by, render: (r) => <DrillLink to={stepTo(r.key)}>{r.key}</DrillLink> },
    { id: 'spend', title: t('kpi.spend'), help: 'spend', align: 'right', render: (r) => formatCurrency(r.spend, lang) },
    { id: 'gmv', title: t('kpi.attributed_gmv'), help: 'attributed_gmv', align: 'right', render: (r) => <DrillLink to={drillTo(r.key, 'attributed_gmv')}>{formatCurrency(r.attributedGmv, lang)}</DrillLink> },
    { id: 'roi', title: t('kpi.roi'), help: 'roi', align: 'right', render: (r) => <DrillLink to={drillTo(r.key, 'roi')}>{r.roi === null ? '—' : r.roi.toFixed(2)}</DrillLink> },
    ...(by === 'channel' ? [{ id: 'cac', title: t('kpi.cac'), help: 'cac' as const, align: 'right' as const, render: (r: BreakdownRow) => <DrillLink to={drillTo(r.key, 'cac')}>{formatCurrency(r.cac, lang)}</DrillLink> }] : []),
    ...(by !== 'employee' ? [{ id: 'conv', title: t('kpi.campaign_conversion_rate'), help: 'campaign_conversion_rate' as const, align: 'right' as const, render: (r: BreakdownRow) => <DrillLink to={drillTo(r.key, 'campaign_conversion_rate')}>{formatPercent(r.conversionRate, lang)}</DrillLink> }] : []),
  ];
  return (
    <TablePanel title={title} testId={testId} rowTestId={`${by}-row`} columns={columns} rows={rows}
      isLoading={isLoading} error={error} onRetry={onRetry} isActive={(r) => r.key === active} />
  );
}
