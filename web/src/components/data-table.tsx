import type { ReactNode } from 'react';
import type { TermId } from '../lib/definitions/index.ts';
import { MetricHelp } from './metric-help.tsx';

export interface Column<Row> {
  id: string;
  title: string;
  render(row: Row): ReactNode;
  align?: 'left' | 'right';
  sortable?: boolean;
  /** The catalogue term the column shows: its definition on the header's "?". */
  help?: TermId;
  /** `data-testid` of the cell, for the automation hooks (`owner`). */
  testId?: string;
}

interface Props<Row> {
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey(row: Row): string | number;
  rowTestId?: string | ((row: Row) => string);
  sort?: string | null;
  desc?: boolean;
  onSort?(id: string): void;
  /** Marks the row a drill step has selected. */
  isActive?(row: Row): boolean;
  caption?: string;
}

/** A plain table: sorting is the caller's (on the server), cells render themselves. */
export function DataTable<Row>({ columns, rows, rowKey, rowTestId, sort, desc, onSort, isActive, caption }: Props<Row>) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.id} className={c.align === 'right' ? 'num' : undefined}
                aria-sort={sort === c.id ? (desc ? 'descending' : 'ascending') : undefined}>
                {c.sortable && onSort
                  ? <button type="button" className="link sort" onClick={() => onSort(c.id)}>{c.title}{sort === c.id ? (desc ? ' ↓' : ' ↑') : ''}</button>
                  : c.title}
                {c.help && <MetricHelp id={c.help} />}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} data-testid={typeof rowTestId === 'function' ? rowTestId(row) : rowTestId} className={isActive?.(row) ? 'active' : undefined}>
              {columns.map((c) => (
                <td key={c.id} className={c.align === 'right' ? 'num' : undefined} data-testid={c.testId}>{c.render(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
