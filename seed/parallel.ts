/**
 * The customer blocks of a data set as COPY text, in block order, made by
 * worker threads (one per core) or, for one block or `workers: 0`, in this
 * thread. Each block depends only on the options (seed/generate.ts), so the
 * bytes are the same however many threads make them.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { noCustomerIds, type CustomerTable } from './tables.ts';
import { blockCount, type BrandPlan, type GenerateOptions } from './brand-plan.ts';
import { generateBlock } from './generate.ts';
import { BlockText } from './copy-text.ts';

export interface GeneratedBlock {
  index: number;
  /** Customers in the block. */
  customers: number;
  rows: Record<CustomerTable, number>;
  /** COPY text per table, ids still to be numbered (numberRows). */
  text: Record<CustomerTable, Uint8Array>;
}

export interface BlockSource extends AsyncIterable<GeneratedBlock> {
  /** Customers in the blocks made so far (the workers run a few blocks ahead of the load). */
  made(): number;
  /** Stops the workers (also when the load fails halfway). */
  close(): Promise<void>;
}

/** What a block worker is asked and answers. */
export type WorkerRequest = { block: number };
export type WorkerReply = { block: number; customers: number; rows: Record<CustomerTable, number>; text: Record<CustomerTable, Uint8Array> } | { error: string };

export function makeBlock(plan: BrandPlan, index: number): GeneratedBlock {
  const out = new BlockText(plan.offset, plan.startDay, plan.lastDay);
  generateBlock(plan, index, (table, cells) => out.row(table as CustomerTable, cells), noCustomerIds(), { stamp: out.stamp });
  const { start, end } = plan.blocks[index]!;
  return { index, customers: end - start, rows: out.rows, text: out.bytes() };
}

export function defaultWorkers(blocks: number): number {
  return blocks > 1 ? Math.min(blocks, availableParallelism()) : 0;
}

/**
 * The blocks' source. The threads start at once, so that loading their
 * TypeScript, planning the brand and making the first blocks overlap with
 * what the caller does meanwhile (its own plan, the transaction's set-up);
 * `plan` is asked for only when the blocks are made in this thread.
 */
export function customerBlocks(options: GenerateOptions, plan: () => BrandPlan, workers = defaultWorkers(blockCount(options))): BlockSource {
  return workers > 0 ? workerBlocks(options, blockCount(options), workers) : inlineBlocks(plan);
}

function inlineBlocks(planOf: () => BrandPlan): BlockSource {
  let made = 0;
  return {
    made: () => made,
    async *[Symbol.asyncIterator]() {
      const plan = planOf();
      for (let b = 0; b < plan.blocks.length; b++) {
        const block = makeBlock(plan, b);
        made += block.customers;
        yield block;
        // Let the COPY of this block and progress reports run before the next one.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    close: async () => {},
  };
}

/**
 * Blocks from `count` workers, each asked for the next block as it finishes
 * one, at most a few blocks ahead of the one being loaded (memory).
 */
function workerBlocks(options: GenerateOptions, blocks: number, count: number): BlockSource {
  const ahead = count + 2;
  const done = new Map<number, GeneratedBlock>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let nextToAsk = 0;
  let nextToYield = 0;
  let made = 0;
  const idle: Worker[] = [];
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  const ask = (): void => {
    while (idle.length > 0 && nextToAsk < blocks && nextToAsk < nextToYield + ahead) {
      idle.pop()!.postMessage({ block: nextToAsk++ } satisfies WorkerRequest);
    }
  };
  const workers = Array.from({ length: count }, () => {
    const worker = startBlockWorker(options);
    worker.on('message', (reply: WorkerReply) => {
      if ('error' in reply) {
        failure ??= new Error(`generating customers failed: ${reply.error}`);
      } else {
        done.set(reply.block, { index: reply.block, customers: reply.customers, rows: reply.rows, text: reply.text });
        made += reply.customers;
        idle.push(worker);
        ask();
      }
      notify();
    });
    worker.on('error', (error) => {
      failure ??= error;
      notify();
    });
    worker.on('exit', (code) => {
      if (code !== 0) failure ??= new Error(`a generator thread stopped (exit code ${code})`);
      notify();
    });
    idle.push(worker);
    return worker;
  });
  ask();
  const close = async (): Promise<void> => {
    for (const worker of workers) worker.removeAllListeners('exit');
    await Promise.all(workers.map((w) => w.terminate()));
  };
  return {
    made: () => made,
    async *[Symbol.asyncIterator]() {
      while (nextToYield < blocks) {
        const block = done.get(nextToYield);
        if (block) {
          done.delete(nextToYield++);
          ask();
          yield block;
        } else if (failure) {
          throw failure;
        } else {
          await new Promise<void>((resolve) => { wake = resolve; });
        }
      }
    },
    close,
  };
}

/**
 * A worker running seed/block-worker.ts. Workers do not inherit this
 * process's TypeScript loader when it was set up by a test runner, so the
 * worker loads tsx itself.
 */
function startBlockWorker(options: GenerateOptions): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./block-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  const { onProgress: _drop, ...plain } = options;
  return new Worker(code, { eval: true, workerData: plain });
}
