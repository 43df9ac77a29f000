import { Link } from 'react-router';
import { DataTable, type Column } from '../../../components/data-table.tsx';
import { rfmLabel } from '../../../lib/rfm.ts';
import { isTermId } from '../../../lib/definitions/index.ts';
import type { DrillColumn, DrillRow } from '../../../lib/drill.ts';
import { formatCurrency, formatInteger } from '../../../lib/format.ts';
import { useI18n, type MessageKey } from '../../../lib/i18n.tsx';

interface Props {
  columns: DrillColumn[];
  rows: DrillRow[];
  sort: string | null;
  desc: boolean;
  onSort(id: string): void;
  /** Carried onto the customer 360 link, so its breadcrumbs lead back here. */
  back: string;
}

export function DrillTable({ columns, rows, sort, desc, onSort, back }: Props) {
  const { t, lang } = useI18n();
  const cell = (c: DrillColumn, row: DrillRow) => {
    const v = row.values[c.id];
    // The anonymised row has no customer to open and no attributes to show.
    if (row.anonymous) {
      if (c.id === 'customer_name') return <span className="muted" data-testid="anonymous-label">{String(v)}</span>;
      if (v === undefined) return '—';
    }
    switch (c.format) {
      case 'currency': return formatCurrency(v, lang);
      case 'integer': return formatInteger(v, lang);
      case 'date': return typeof v === 'string' ? v.slice(0, 10) : '—';
      case 'flag': return v ? <strong className="flag-yes">{t('common.yes')}</strong> : t('common.no');
      case 'lifecycle': return typeof v === 'string' ? t(`lifecycle.${v}` as MessageKey) : '—';
      default:
        if (c.id === 'rfm_segment' && typeof v === 'string' && v) return rfmLabel(v, t);
        if (c.id === 'customer_name') return <Link to={`/customers/${row.customer}?back=${encodeURIComponent(back)}`} data-testid="customer-link">{String(v ?? '—')}</Link>;
        return v === null || v === undefined || v === '' ? '—' : String(v);
    }
  };
  const tableColumns: Column<DrillRow>[] = columns.map((c) => ({
    id: c.id,
    title: t(`col.${c.id}` as MessageKey),
    align: c.format === 'currency' || c.format === 'integer' ? 'right' : 'left',
    sortable: c.id !== 'phone',
    help: c.id === 'owner_team' ? 'team' : isTermId(c.id) ? c.id : undefined,
    testId: c.id === 'owner' ? 'owner' : c.id === 'part' ? 'part' : c.id === 'in_numerator' ? 'in-numerator' : undefined,
    render: (row) => cell(c, row),
  }));
  return <DataTable columns={tableColumns} rows={rows} rowKey={(r) => r.customer} rowTestId={(r) => (r.anonymous ? 'drill-row-anonymous' : 'drill-row')} sort={sort} desc={desc} onSort={onSort} />;
}
