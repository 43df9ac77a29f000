import { DataTable, type Column } from './data-table.tsx';
import { QueryState } from './query-state.tsx';

interface Props<Row extends { key: string }> {
  title: string;
  testId: string;
  /** `data-testid` of each row (`campaign-row`, `employee-row`, …). */
  rowTestId: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  isLoading: boolean;
  error: Error | null;
  onRetry(): void;
  isActive?(row: Row): boolean;
}

/** A titled panel holding one table of a query's rows, with its loading, error and empty states. */
export function TablePanel<Row extends { key: string }>({ title, testId, rowTestId, columns, rows, isLoading, error, onRetry, isActive }: Props<Row>) {
  return (
    <section className="panel" data-testid={testId}>
      <h2>{title}</h2>
      <QueryState isLoading={isLoading} error={error} isEmpty={rows.length === 0} onRetry={onRetry} skeleton="table">
        <DataTable columns={columns} rows={rows} rowKey={(r) => r.key} rowTestId={rowTestId} isActive={isActive} />
      </QueryState>
    </section>
  );
}
