/**
 * The second part of a streamed orders file (stream.ts), parsed and checked
 * on a thread of its own while the import's thread parses the first part
 * and streams both to PostgreSQL. The part starts at a record boundary the
 * import's parser would reach (read.ts, RowCursor.cut), with the file's
 * line there, so every row keeps its line. Each row is checked exactly as
 * on the import's thread (validate.ts: the same checker, its keys left to
 * the code map's primary key as there); its order id is taken in file order
 * from a base above every id of the first part. A block of rows goes back as
 * COPY text with its id range, its problems and the rows whose codes are in
 * no file (the import's thread looks them up in the database, in the one
 * transaction). Nothing is written here.
 */
import { parentPort } from 'node:worker_threads';
import { textCursor, type FilePart } from './csv.ts';
import type { FileProblem, Sheet } from './read.ts';
import { codeText, orderColumns, orderText } from './stream-rows.ts';
import { sheetChecker } from './validate.ts';
import { timeParser } from './values.ts';

export interface PartInput {
  part: FilePart;
  file: string;
  encoding: Sheet['encoding'];
  header: string[];
  timeZone: string;
  /** The first id of this part's rows: above every id the first part can take. */
  idBase: number;
  /** Each column's map of codes to ids (OrderColumns' order; null: not a code), as [codes, ids]. */
  maps: ([string[], number[]] | null)[];
  block: number;
}

/** A row whose code is in no map yet: its id kept for it. */
export interface HeldRow {
  line: number;
  v: (string | null)[];
  key: string;
  id: number;
}

export type PartMessage =
  | { kind: 'block'; rows: string; codes: string; count: number; held: HeldRow[]; from: number; to: number; problems: FileProblem[]; seconds: number }
  | { kind: 'end'; rowCount: number; unclosedAt: number | null; problems: FileProblem[]; seconds: number };

function run(input: PartInput, post: (m: PartMessage) => void): void {
  const { part } = input;
  const cursor = textCursor(part.text, part.separator, { at: 0, line: part.line });
  const sheet: Sheet = {
    file: input.file, entity: 'orders', encoding: input.encoding, header: input.header, seconds: 0,
    eachRow: () => null, cursor: () => cursor,
  };
  const problems: FileProblem[] = [];
  const checker = sheetChecker(sheet, timeParser(input.timeZone), problems)!;
  // The header's problems (unknown columns) were reported by the import's own checker.
  problems.length = 0;
  checker.keysElsewhere();
  const cols = orderColumns();
  const maps = input.maps.map((m) => (m ? new Map(m[0].map((code, k) => [code, m[1][k]!])) : null));
  const records = checker.rows.records;
  let id = input.idBase;
  let more = true;
  while (more) {
    const started = performance.now();
    const rows: string[] = [];
    const codes: string[] = [];
    const held: HeldRow[] = [];
    const from = id;
    let n = 0;
    more = cursor.next((line, cells) => {
      checker.row(line, cells);
      if (records.length > 0) {
        const r = records.pop()!;
        const text = orderText(r.v, cols, maps);
        if (typeof text === 'number') held.push({ line: r.line, v: r.v, key: r.key, id: id++ });
        else {
          rows.push(`${id}\t${text}`);
          codes.push(codeText(r.key, id++));
        }
      }
      return ++n >= input.block;
    });
    if (id > from || problems.length > 0) {
      post({
        kind: 'block', rows: rows.length > 0 ? `${rows.join('\n')}\n` : '', codes: codes.length > 0 ? `${codes.join('\n')}\n` : '',
        count: rows.length, held, from, to: id - 1, problems: problems.splice(0), seconds: (performance.now() - started) / 1000,
      });
    }
  }
  post({ kind: 'end', rowCount: checker.rows.rowCount, unclosedAt: cursor.unclosedAt, problems: problems.splice(0), seconds: 0 });
}

// The part comes once the import's thread has cut the file (the thread is started before, to load meanwhile).
parentPort?.once('message', (input: PartInput) => run(input, (m) => parentPort!.postMessage(m)));
