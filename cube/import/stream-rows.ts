/**
 * An order's row as the COPY text of the streamed orders (stream.ts), made
 * the same way on the import's thread and on the thread that parses the
 * second part of the file (stream-part.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ENTITY, type EntityName } from './contract.ts';
import type { PartInput, PartMessage } from './stream-part.ts';
import { columnIndex } from './validate.ts';
import { escapedCopy, TARGET } from './write.ts';

export interface OrderColumns {
  /** The record's index of each column after the id, in TARGET's order. */
  ats: number[];
  /** The entity a code column refers to, else null. */
  entities: (EntityName | null)[];
  /**
   * Only free text and codes can hold a tab, a line break or a backslash: times, amounts, numbers and enums are
   * written by the parser (values.ts) in forms that cannot, and go into the COPY text as they are.
   */
  plain: boolean[];
}

export function orderColumns(): OrderColumns {
  const spec = ENTITY.orders;
  const ats = TARGET.orders.columns.map(([, name]) => columnIndex('orders', name));
  const entities = ats.map((at) => {
    const type = spec.columns[at]!.type;
    return type.kind === 'ref' ? type.entity : null;
  });
  const plain = ats.map((at) => !['code', 'text', 'ref'].includes(spec.columns[at]!.type.kind));
  return { ats, entities, plain };
}

/**
 * The row's COPY text after its id (its columns joined by tabs), or the index
 * (in `cols`) of a code not in its map. A flat string per row, joined once
 * per block: a block's text grown by += was a tree of a quarter of a million
 * pieces that outlived the young generation.
 */
export function orderText(v: (string | null)[], cols: OrderColumns, maps: (Map<string, number> | null)[]): string | number {
  const { ats, plain } = cols;
  const cells: (string | number)[] = new Array(ats.length);
  for (let k = 0; k < ats.length; k++) {
    const code = v[ats[k]!];
    const map = maps[k];
    if (code === null || code === undefined) cells[k] = '\\N';
    else if (!map) cells[k] = plain[k] ? code : escapedCopy(code);
    else {
      // One look-up per code (a code's hash is made at its first).
      const id = map.get(code);
      if (id === undefined) return k;
      cells[k] = id;
    }
  }
  return cells.join('\t');
}

/** The code map's row of an order. */
export const codeText = (key: string, id: number): string => `orders\t${escapedCopy(key)}\t${id}\tfalse`;

/** The bootstrap of a thread running a TypeScript module: tsx's loader first (a worker does not inherit `--import tsx`). */
function tsWorker(module: URL, workerData: unknown): Worker {
  const tsx = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((t) => t.tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(module.href)}))`;
  return new Worker(boot, { eval: true, workerData });
}

/** The second part of the orders file parsed on a thread of its own (stream-part.ts): its blocks as they come. */
export class PartParser {
  private readonly worker: Worker;
  private readonly blocks: Extract<PartMessage, { kind: 'block' }>[] = [];
  private wake: (() => void) | null = null;
  end: Extract<PartMessage, { kind: 'end' }> | null = null;
  failed: unknown = null;

  /** Started early (the thread loads its modules, 0.4 s of CPU, while PostgreSQL writes the files before the orders). */
  constructor() {
    this.worker = tsWorker(new URL('./stream-part.ts', import.meta.url), null);
    this.worker.unref();
    const woken = (): void => {
      const wake = this.wake;
      this.wake = null;
      wake?.();
    };
    this.worker.on('message', (m: PartMessage) => {
      if (m.kind === 'block') this.blocks.push(m);
      else this.end = m;
      woken();
    });
    this.worker.on('error', (e) => {
      this.failed ??= e;
      woken();
    });
    this.worker.on('exit', (code) => {
      if (!this.end) this.failed ??= new Error(`the orders' second part stopped (exit code ${code})`);
      woken();
    });
  }

  /** The part to parse: its blocks come from now on. */
  start(input: PartInput): void {
    this.worker.postMessage(input);
  }

  /** The blocks arrived so far. */
  take(): Extract<PartMessage, { kind: 'block' }>[] {
    if (this.failed) throw this.failed;
    return this.blocks.splice(0);
  }

  /** The blocks arrived so far, waiting for one (or for the end: then none). */
  async next(): Promise<Extract<PartMessage, { kind: 'block' }>[]> {
    while (this.blocks.length === 0 && !this.end && !this.failed) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.take();
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
