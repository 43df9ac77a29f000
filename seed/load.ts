/**
 * Loads a generated data set: rows are written to one temporary file per
 * table first, then replace the old data in a single transaction (TRUNCATE +
 * COPY), so an interrupted or failed seed leaves the database as it was.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';
import { generate, TABLE_COLUMNS, TABLES, type Cell, type GenerateOptions, type RowSink, type TableName } from './generate.ts';

const FLUSH_BYTES = 1 << 20;

function escapeCopyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

export function copyLine(cells: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (i > 0) line += '\t';
    line += v === null || v === undefined ? '\\N' : typeof v === 'boolean' ? (v ? 't' : 'f') : escapeCopyText(String(v));
  }
  return line + '\n';
}

/** A sink that appends COPY text lines to a file, in 1 MiB writes. */
class FileSink implements RowSink {
  private buffer = '';
  private readonly fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  row(cells: readonly Cell[]): void {
    this.buffer += copyLine(cells);
    if (this.buffer.length >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export interface SeedProgress {
  phase: 'generate' | 'load' | 'analyze';
  done: number;
  total: number;
  label: string;
}

export interface SeedOptions extends Omit<GenerateOptions, 'onProgress'> {
  onProgress?: (p: SeedProgress) => void;
  /** Called after the old data is gone inside the transaction; tests use it to simulate a crash. */
  beforeCommit?: () => Promise<void>;
}

export async function seedDatabase(sql: Sql, options: SeedOptions): Promise<Record<TableName, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'siyu-seed-'));
  try {
    const sinks = new Map<TableName, FileSink>();
    const counts = generate(
      { ...options, onProgress: (done, total) => options.onProgress?.({ phase: 'generate', done, total, label: 'customers' }) },
      (table) => {
        const sink = new FileSink(path.join(dir, `${table}.tsv`));
        sinks.set(table, sink);
        return sink;
      },
    );
    for (const sink of sinks.values()) sink.close();

    const totalRows = Object.values(counts).reduce((a, b) => a + b, 0);
    let loaded = 0;
    await sql.begin(async (tx) => {
      await tx.unsafe(`TRUNCATE ${TABLES.map((t) => `siyu.${t}`).join(', ')} RESTART IDENTITY CASCADE`);
      await tx`SET CONSTRAINTS ALL DEFERRED`;
      for (const table of TABLES) {
        const columns = TABLE_COLUMNS[table].join(', ');
        const writable = await tx.unsafe(`COPY siyu.${table} (${columns}) FROM STDIN`).writable();
        await pipeline(createReadStream(sinks.get(table)!.file), writable);
        loaded += counts[table];
        options.onProgress?.({ phase: 'load', done: loaded, total: totalRows, label: table });
      }
      // Marks the data as the generator's: demo accounts are given only to such data.
      await tx`INSERT INTO siyu.settings (key, value) VALUES ('data_origin', 'demo_generator')
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;
      await options.beforeCommit?.();
    });
    options.onProgress?.({ phase: 'analyze', done: 0, total: 1, label: 'analyze' });
    await sql.unsafe(`ANALYZE ${TABLES.map((t) => `siyu.${t}`).join(', ')}`);
    options.onProgress?.({ phase: 'analyze', done: 1, total: 1, label: 'analyze' });
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the demo data is there: the settings row every seed writes. */
export async function isSeeded(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM siyu.settings WHERE key = 'as_of'`;
  return (row?.n ?? 0) > 0;
}
