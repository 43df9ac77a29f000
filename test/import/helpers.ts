/** The sample folder, folders made from it, and a fingerprint of a whole database. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sql } from 'postgres';
import { ROOT_DIR } from '../../cube/config.ts';
import { readFolder } from '../../cube/import/read.ts';
import { runImport, type ImportOptions, type ImportReport } from '../../cube/import/run.ts';

export const SAMPLE = path.join(ROOT_DIR, 'docs', 'import-sample');

/** A scratch copy of the sample (or an empty folder), removed by the returned function's `remove`. */
export function scratchFolder(fromSample = true): { dir: string; remove(): void; write(name: string, text: string | Uint8Array): void; read(name: string): Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'siyu-import-'));
  if (fromSample) cpSync(SAMPLE, dir, { recursive: true });
  return {
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
    write: (name, text) => writeFileSync(path.join(dir, name), text),
    read: (name) => readFileSync(path.join(dir, name)),
  };
}

export async function importFolder(sql: Sql, dir: string, options: Partial<ImportOptions> = {}): Promise<ImportReport> {
  return runImport(sql, await readFolder(dir), { check: false, timeZone: 'Asia/Shanghai', username: 'test', source: 'cli', ...options });
}

/** Tables whose content is the import's own history, a build's timing or when the schema was applied, not data. */
const NOT_DATA = new Set(['import_runs', 'classification_builds', 'schema_migrations', 'schema_definitions']);

/**
 * Row count and an md5 of every row (in a fixed order) of every table of the
 * siyu schema, the change counters included; `all` adds the history tables.
 */
export async function fingerprint(sql: Sql, all = false): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'siyu' AND c.relkind IN ('r', 'm') AND c.relispopulated ORDER BY 1`;
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    if (!all && NOT_DATA.has(name)) continue;
    const [row] = await sql.unsafe<{ n: number; h: string | null }[]>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM siyu.${name} AS t`);
    out[name] = `${row!.n}:${row!.h ?? ''}`;
  }
  return out;
}

export async function count(sql: Sql, table: string): Promise<number> {
  return Number((await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM siyu.${table}`))[0]!.n);
}

let gbkTable: Map<string, number[]> | null = null;

/** Text to GBK bytes, by inverting Node's GB18030 decoder over the two-byte range (no encoder ships with Node). */
export function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = decoder.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = gbkTable.get(ch);
      if (!pair) throw new Error(`no GBK code for ${ch}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

export const decodeGbk = (bytes: Uint8Array): string => new TextDecoder('gb18030').decode(bytes);
