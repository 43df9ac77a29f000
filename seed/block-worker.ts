/** A generator thread (seed/parallel.ts): plans the brand once, then makes the blocks it is asked for. */
import { parentPort, workerData } from 'node:worker_threads';
import { planBrand, type GenerateOptions } from './brand-plan.ts';
import { makeBlock, type WorkerReply, type WorkerRequest } from './parallel.ts';

const port = parentPort!;
let plan: ReturnType<typeof planBrand> | null = null;

port.on('message', ({ block }: WorkerRequest) => {
  try {
    plan ??= planBrand(workerData as GenerateOptions);
    const made = makeBlock(plan, block);
    const reply: WorkerReply = { block, customers: made.customers, rows: made.rows, text: made.text };
    port.postMessage(reply, Object.values(made.text).map((bytes) => bytes.buffer as ArrayBuffer));
  } catch (error) {
    port.postMessage({ error: (error as Error).message ?? String(error) } satisfies WorkerReply);
  }
});
