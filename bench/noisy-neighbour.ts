/**
 * One person's heaviest queries against another person's fresh query (issue
 * 19: "one staff member's heaviest query, effect on others' fresh queries,
 * ≤ +1 s"). A figure for the report, not a timed test: the executive's query
 * is timed alone, then again while a staff member keeps several of the
 * heaviest queries their role may send in flight, each with its own limit
 * so Cube's cache and its queue's de-duplication do not merge them. The
 * heaviest the product admits (cube/gateway/query-cost.ts): as many measures
 * of the sales view as one query may name, hour by hour over a year. The
 * heavier shape the benchmark sent before (every measure, second by second
 * over a year) is sent once too, and its answer recorded: it is refused.
 */
import { addDays } from '../web/src/lib/date-range.ts';
import { DEFAULT_COST_LIMITS } from '../cube/gateway/query-cost.ts';
import { BrowserClient, RequestError } from './http-client.ts';
import type { CubeQuery } from '../web/src/page-loads.ts';
import { latency, type Latency } from './stats.ts';

export interface NoisyNeighbourResult {
  heavy_account: string;
  other_account: string;
  /** Heavy queries the staff member kept in flight at once (each followed by another until the timing ended). */
  heavy_queries: number;
  /** The other person's fresh query (Cube's cache defeated), alone and beside the heavy ones. */
  alone: Latency;
  beside_heavy: Latency;
  /** beside_heavy p50 − alone p50, and their ratio. */
  added_ms: number;
  ratio: number;
  /** How the heavy queries sent meanwhile were answered (HTTP status → count), and how long the slowest took. */
  heavy_answers: Record<string, number>;
  heavy_max_ms: number;
  /** The heavy query's shape: measures and granularity over a year. */
  heavy_shape?: string;
  /** How the refused shape (every measure, by second, a year) was answered: status and message. */
  refused?: { status: number | string; message: string };
}

export interface NoisyNeighbourOptions {
  heavy: BrowserClient;
  heavyAccount: string;
  other: BrowserClient;
  otherAccount: string;
  /** The other person's query; `fresh(i)` must defeat Cube's cache (a different limit each run). */
  fresh: (i: number) => CubeQuery;
  /** The measures of the sales view the heavy account may ask for. */
  heavyMeasures: string[];
  asOf: string;
  runs: number;
  heavyQueries: number;
}

export async function measureNoisyNeighbour(o: NoisyNeighbourOptions): Promise<NoisyNeighbourResult> {
  const year: [string, string] = [addDays(o.asOf, -364), o.asOf];
  const measures = o.heavyMeasures.slice(0, DEFAULT_COST_LIMITS.maxMeasures);
  const refused = await o.heavy.load({
    measures: o.heavyMeasures.slice(0, 50), limit: 50_000,
    timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'second', dateRange: year }],
  } as CubeQuery).then(() => ({ status: 200, message: 'answered' }), (error: Error) => ({
    status: error instanceof RequestError ? error.status : 'failed', message: error.message,
  }));
  const timeRuns = async (offset: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const t0 = performance.now();
      // An error (a refusal, a timeout) is timed until it: what the person waited for.
      out.push(await o.other.load(o.fresh(offset + i)).then((a) => a.ms, () => performance.now() - t0));
    }
    return out;
  };
  const alone = await timeRuns(0);

  const answers: Record<string, number> = {};
  let heavyMax = 0;
  let sent = 0;
  let done = false;
  // Each worker sends a new heavy query as soon as its last one is answered,
  // until the other person's runs are over: the heavy ones stay in flight.
  const worker = async (): Promise<void> => {
    while (!done) {
      const query: CubeQuery = {
        measures,
        timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'hour', dateRange: year }],
        limit: 50_000 - sent++,
      };
      const t0 = performance.now();
      try {
        await o.heavy.load(query);
        answers['200'] = (answers['200'] ?? 0) + 1;
      } catch (error) {
        const status = error instanceof RequestError ? String(error.status) : 'failed';
        answers[status] = (answers[status] ?? 0) + 1;
      } finally {
        heavyMax = Math.max(heavyMax, performance.now() - t0);
      }
    }
  };
  const heavy = Array.from({ length: o.heavyQueries }, worker);
  // Let the heavy queries reach the database first.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const beside = await timeRuns(1000);
  done = true;
  await Promise.all(heavy);

  const a = latency(alone);
  const b = latency(beside);
  return {
    heavy_account: o.heavyAccount,
    other_account: o.otherAccount,
    heavy_queries: o.heavyQueries,
    alone: a,
    beside_heavy: b,
    added_ms: Math.round((b.p50 - a.p50) * 10) / 10,
    ratio: Number((b.p50 / a.p50).toPrecision(3)),
    heavy_answers: answers,
    heavy_max_ms: Math.round(heavyMax),
    heavy_shape: `${measures.length} measures by hour over a year`,
    refused,
  };
}
