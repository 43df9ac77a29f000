import type { Column } from '../../../components/data-table.tsx';
import { TablePanel } from '../../../components/table-panel.tsx';
import { DrillLink } from '../../../components/drill-link.tsx';
import { formatCurrency, formatInteger, formatPercent } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import type { StaffRow } from '../team-leaderboard/transform.ts';

interface Props {
  by: 'team' | 'employee';
  title: string;
  rows: StaffRow[];
  isLoading: boolean;
  error: Error | null;
  onRetry(): void;
  stepTo(row: StaffRow): string;
  ownedTo(row: StaffRow): string | null;
  testId: string;
}

/** Teams (or one team's employees) ranked by GMV, each name the next drill step. */
export function StaffTable({ by, title, rows, isLoading, error, onRetry, stepTo, ownedTo, testId }: Props) {
  const { t, lang } = useI18n();
  const columns: Column<StaffRow>[] = [
    { id: 'rank', title: '#', render: (r) => rows.indexOf(r) + 1 },
    { id: 'key', title: t(by === 'team' ? 'col.team' : 'col.employee'), help: by, render: (r) => <DrillLink to={stepTo(r)}>{r.key}</DrillLink> },
    { id: 'gmv', title: t('kpi.gmv'), help: 'gmv', align: 'right', render: (r) => formatCurrency(r.gmv, lang) },
    { id: 'spb', title: t('kpi.spend_per_buyer'), help: 'spend_per_buyer', align: 'right', render: (r) => formatCurrency(r.spendPerBuyer, lang) },
    { id: 'owned', title: t('kpi.owned_customers'), help: 'owned_customers', align: 'right', render: (r) => { const to = ownedTo(r); return to ? <DrillLink to={to}>{formatInteger(r.owned, lang)}</DrillLink> : formatInteger(r.owned, lang); } },
    { id: 'converted', title: t('kpi.converted_customers'), help: 'converted_customers', align: 'right', render: (r) => formatInteger(r.converted, lang) },
    { id: 'conv', title: t('kpi.conversion_rate'), help: 'conversion_rate', align: 'right', render: (r) => formatPercent(r.conversionRate, lang) },
    { id: 'follow', title: t('kpi.follow_ups'), help: 'follow_ups', align: 'right', render: (r) => formatInteger(r.followUps, lang) },
    { id: 'arrival', title: t('kpi.arrival_rate'), help: 'arrival_rate', align: 'right', render: (r) => formatPercent(r.arrivalRate, lang) },
  ];
  return (
    <TablePanel title={title} testId={testId} rowTestId={`${by}-row`} columns={columns} rows={rows}
      isLoading={isLoading} error={error} onRetry={onRetry} />
  );
}
