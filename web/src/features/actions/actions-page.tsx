import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { DataTable, type Column } from '../../components/data-table.tsx';
import { FilterBar } from '../../components/filter-bar.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { exportComment, exportFileName } from '../../lib/export-csv.ts';
import { exportFormat, type ColumnFormat } from '../../lib/export-columns.ts';
import { ExportCsvButton } from '../../components/export-csv-button.tsx';
import { formatInteger } from '../../lib/format.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import type { Query } from '../../lib/cube.ts';
import {
  ACTION_COLUMNS, ACTION_LISTS, listCount, PAGE_SIZE, parseActionFilter,
  toActionRows, toOwnerCounts, type ActionColumnId, type ActionList, type ActionRow, type OwnerCount,
} from './build-queries.ts';
import { ACTIONS_FILTERS, actionListsQueries } from './page-queries.ts';
import { TodayPanel } from './today-list.tsx';
import './actions.css';

function ListTab({ list, query, active, onSelect }: { list: ActionList; query: Query; active: boolean; onSelect(): void }) {
  const { t, lang } = useI18n();
  const count = useCubeQuery(query);
  const n = listCount(list, count.rows);
  return (
    <button type="button" role="tab" aria-selected={active} className={active ? 'active' : ''} onClick={onSelect} data-testid={`list-${list}`}>
      {t(`actions.list.${list}` as MessageKey)} <span className="muted small">{n === null ? '…' : formatInteger(n, lang)}</span>
    </button>
  );
}

/** How each column reads in the file, as the table shows it. */
const ACTION_COLUMN_FORMAT: Record<ActionColumnId, ColumnFormat> = {
  customer_name: 'text', phone: 'text', action_reason: 'text', owner: 'text', owner_team: 'text',
  lifecycle_stage: 'lifecycle', last_paid_date: 'date', last_contact_date: 'date',
};

/** Staff and managers work from today's list (their own customers, their team's); it is their default tab. */
const hasToday = (role: string | undefined): boolean => role === 'staff' || role === 'manager';

/** Today's list (staff, managers) or one of the four lists to act on today: who, why, whose. */
export function ActionsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const list = params.get('list');
  if (!hasToday(me?.role) || (list !== null && list !== 'today')) return <ActionListsPage />;
  return (
    <div className="page">
      <ActionsHead />
      <div className="segmented actions-tabs" role="tablist" aria-label={t('actions.title')}>
        <button type="button" role="tab" aria-selected className="active" data-testid="list-today">{t('today.tab')}</button>
        {ACTION_LISTS.map((l) => (
          <button key={l} type="button" role="tab" aria-selected={false} onClick={() => setParams({ list: l })} data-testid={`list-${l}`}>
            {t(`actions.list.${l}` as MessageKey)}
          </button>
        ))}
      </div>
      <TodayPanel />
    </div>
  );
}

/** The page's title and the day its lists are computed for, on both views. */
function ActionsHead() {
  const { t } = useI18n();
  const { me } = useSession();
  return (
    <div className="page-head">
      <h1>{t('actions.title')}</h1>
      <span className="muted">{t('actions.asOf', { date: me!.asOf })}</span>
    </div>
  );
}

/** The four lists: who, why, whose; per owner how many wait; each list as CSV. */
function ActionListsPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const filter = parseActionFilter(params);
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 1 ? pageParam : 1;

  const queries = actionListsQueries(filter, page);
  const listQuery = queries.list;
  const list = useCubeQuery(listQuery);
  const owners = useCubeQuery(queries.owner_counts);
  const rows = useMemo(() => toActionRows(list.rows), [list.rows]);
  const ownerCounts = useMemo(() => toOwnerCounts(filter.list, owners.rows), [filter.list, owners.rows]);
  // The list's size is its tab's count (the same query object, so Cube's cache answers it once for both).
  const count = useCubeQuery(queries[`count_${filter.list}`]);
  // A sum over no stored rows (nobody on the list under these filters) answers null: that is 0 customers.
  const total = count.resultSet ? listCount(filter.list, count.rows) ?? 0 : null;
  const pages = total === null ? 1 : Math.max(1, Math.ceil(total / PAGE_SIZE));
  const ownerName = filter.owner === null ? null : ownerCounts.find((o) => o.ownerId === filter.owner)?.owner ?? params.get('owner_name') ?? String(filter.owner);

  const set = (changes: Record<string, string | null>) => setParams((prev) => {
    const next = new URLSearchParams(prev);
    for (const [k, v] of Object.entries(changes)) if (v === null) next.delete(k); else next.set(k, v);
    if (!('page' in changes)) next.delete('page');
    return next;
  });

  const columnTitle = (id: string) => t(`actions.col.${id}` as MessageKey);
  const columns: Column<ActionRow>[] = ACTION_COLUMNS.map((c) => ({
    id: c.id,
    title: columnTitle(c.id),
    testId: c.id === 'owner' ? 'owner' : undefined,
    render: (row: ActionRow) => {
      const v = row.values[c.id];
      if (c.id === 'customer_name') return <Link to={`/customers/${row.customer}`}>{v ?? row.customer}</Link>;
      if (c.id === 'lifecycle_stage') return v ? t(`lifecycle.${v}` as MessageKey) : '—';
      if (c.id === 'last_paid_date' || c.id === 'last_contact_date') return v ? v.slice(0, 10) : '—';
      if (c.id === 'owner' && !v) return <span className="muted">{t('actions.noOwner')}</span>;
      return v ?? '—';
    },
  }));
  const ownerColumns: Column<OwnerCount>[] = [
    {
      id: 'owner', title: columnTitle('owner'),
      render: (o) => (o.ownerId === null
        ? <span className="muted">{t('actions.noOwner')}</span>
        : <button type="button" className="link" data-testid="owner-count" onClick={() => set({ owner: String(o.ownerId), owner_name: o.owner })}>{o.owner}</button>),
    },
    { id: 'owner_team', title: columnTitle('owner_team'), render: (o) => o.ownerTeam ?? '—' },
    { id: 'customers', title: t('actions.waiting'), align: 'right', render: (o) => formatInteger(o.customers, lang) },
  ];

  const exportPayload = {
    query: listQuery,
    columns: ACTION_COLUMNS.map((c) => ({ member: c.member, title: columnTitle(c.id), ...exportFormat(ACTION_COLUMN_FORMAT[c.id], t) })),
    filename: exportFileName(filter.list, [filter.team, ownerName], null, me?.asOf),
    comment: exportComment([
      [t('export.list'), t(`actions.list.${filter.list}` as MessageKey)], [t('filter.team'), filter.team], [t('export.owner'), ownerName],
      [t('export.dataDate'), me?.asOf],
    ]),
  };

  return (
    <div className="page">
      <ActionsHead />
      <div className="segmented actions-tabs" role="tablist" aria-label={t('actions.title')}>
        {hasToday(me?.role) && (
          <button type="button" role="tab" aria-selected={false} onClick={() => setParams({ list: 'today' })} data-testid="list-today">{t('today.tab')}</button>
        )}
        {ACTION_LISTS.map((l) => (
          <ListTab key={l} list={l} query={queries[`count_${l}`]} active={l === filter.list} onSelect={() => set({ list: l })} />
        ))}
      </div>
      <div className="actions-filters">
        <FilterBar show={ACTIONS_FILTERS} showRange={false} />
        {filter.owner !== null && (
          <span className="actions-owner" data-testid="owner-filter">
            {t('actions.ownerFilter', { owner: ownerName ?? '' })}
            <button type="button" className="link" onClick={() => set({ owner: null, owner_name: null })} aria-label={t('actions.clearOwner')}>×</button>
          </span>
        )}
      </div>
      <p className="muted small">{t(`actions.rule.${filter.list}` as MessageKey)}</p>
      <div className="actions-grid">
        <section className="panel">
          <div className="list-head">
            <h2>{t(`actions.list.${filter.list}` as MessageKey)}{ownerName && <span className="muted"> · {ownerName}</span>}{filter.team && <span className="muted"> · {filter.team}</span>}</h2>
            <div className="list-summary">
              <span data-testid="drill-total" data-total={total ?? ''}>{total === null ? '…' : t('actions.total', { count: formatInteger(total, lang) })}</span>
              <ExportCsvButton payload={exportPayload} title={t('actions.exportHint')} label={t('actions.export')} />
            </div>
          </div>
          <QueryState isLoading={list.isLoading} error={list.error} isEmpty={rows.length === 0} onRetry={list.refetch} skeleton="table" minHeight={320}
            emptyReason={t('actions.empty')}>
            <DataTable columns={columns} rows={rows} rowKey={(r) => r.customer} rowTestId="drill-row" />
          </QueryState>
          <div className="pager">
            <button type="button" disabled={page <= 1} onClick={() => set({ page: String(page - 1) })}>{t('common.prev')}</button>
            <span data-testid="page-of">{t('common.pageOf', { page, pages })}</span>
            <button type="button" disabled={page >= pages} onClick={() => set({ page: String(page + 1) })}>{t('common.next')}</button>
          </div>
        </section>
        <section className="panel actions-owners" data-testid="owner-counts">
          <h2>{t('actions.byOwner')}</h2>
          <QueryState isLoading={owners.isLoading} error={owners.error} isEmpty={ownerCounts.length === 0} onRetry={owners.refetch} skeleton="table" minHeight={200}
            emptyReason={t('actions.empty')}>
            <DataTable columns={ownerColumns} rows={ownerCounts} rowKey={(o) => o.ownerId ?? 'none'} isActive={(o) => filter.owner !== null && o.ownerId === filter.owner} />
          </QueryState>
        </section>
      </div>
    </div>
  );
}
