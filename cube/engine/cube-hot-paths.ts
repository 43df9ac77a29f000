/**
 * Per-query costs in Cube 0.33.65 that buy nothing here (profile of the
 * 50 users at 200,000 customers, docs/performance.md "Answers per
 * CPU-second"):
 *
 * - `OrchestratorApi.executeQuery` wraps every query in promise-timeout's
 *   `timeout`, which builds its `TimeoutError` up front, and that error reads
 *   `Error().stack` in its constructor: a stack trace formatted (through the
 *   source-map hook) for every query, though it is thrown only when the query
 *   outlasts Cube's continue-wait timeout. 3-4 % of the process's CPU. The
 *   replacement makes the same error only when the timer fires; the race,
 *   the timer's clearing and what is resolved or thrown are as before.
 * - The API gateway reads a few settings through `getEnv` on every query
 *   (`dbQueryDefaultLimit` and `dbQueryLimit` in `normalizeQuery`,
 *   `defaultApiScope`, `devMode` in each result): each read parses the
 *   environment variable again through the env-var package, which resolves a
 *   module per call. 3-4 %. These four are read once: the product sets
 *   Cube's environment before Cube starts (cube-server.ts) and never after.
 *   Every other key, and any call with options, is read as before.
 */
import { createRequire } from 'node:module';

/** What rollupMatchResults reads of Cube's query (schema-compiler's PreAggregations). */
interface PreAggregationsLike {
  query: { collectCubeNames(): string[]; cubeEvaluator: { preAggregationsForCube(cube: string): Record<string, unknown> | undefined } };
  rollupMatchResults(): unknown[];
}

type Timeout = (promise: Promise<unknown>, ms: number) => Promise<unknown>;
interface PromiseTimeout { timeout: Timeout; TimeoutError: new () => Error }
interface Env { getEnv: (key: string, opts?: unknown) => unknown }

/** Settings the gateway reads per query that cannot change while the process runs. */
export const CONSTANT_ENV_KEYS: readonly string[] = ['dbQueryDefaultLimit', 'dbQueryLimit', 'defaultApiScope', 'devMode'];

const patched = Symbol.for('siyu.cubeHotPaths');

/** The promise-timeout Cube's server-core loads, with its error made only when the timer fires. */
export function lazyTimeoutError(module: PromiseTimeout): void {
  if ((module as unknown as Record<symbol, boolean>)[patched]) return;
  module.timeout = (promise, ms) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      promise,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new module.TimeoutError()), ms); }),
    ]).finally(() => clearTimeout(timer));
  };
  (module as unknown as Record<symbol, boolean>)[patched] = true;
}

/** The gateway's `getEnv`, reading CONSTANT_ENV_KEYS once each. */
export function constantEnv(env: Env): void {
  if ((env as unknown as Record<symbol, boolean>)[patched]) return;
  const original = env.getEnv;
  const kept = new Map<string, unknown>();
  env.getEnv = (key, opts) => {
    if (opts !== undefined || !CONSTANT_ENV_KEYS.includes(key)) return original(key, opts);
    if (!kept.has(key)) kept.set(key, original(key));
    return kept.get(key);
  };
  (env as unknown as Record<symbol, boolean>)[patched] = true;
}

/**
 * Rollup matching only for a query that reads a cube with pre-aggregations.
 * `rollupMatchResults` first puts the query in its comparable form
 * (`canUsePreAggregationFn`, `transformQueryToCanUseForm`: every member
 * sorted and resolved), then maps each of the query's cubes to its rollups;
 * with no rollup in any of those cubes the answer is the empty list, whatever
 * the form. The model kept one rollup (`customer_profiles.totals`; none since
 * the churn tiles' kept counts), so that form was computed for every new query for nothing: 7-9 % of the process's
 * CPU. The same cubes and the same rollup lists decide; any cube with a
 * pre-aggregation runs Cube's own code.
 */
export function matchOnlyCubesWithRollups(prototype: PreAggregationsLike): void {
  if ((prototype as unknown as Record<symbol, boolean>)[patched]) return;
  const original = prototype.rollupMatchResults;
  prototype.rollupMatchResults = function rollupMatchResults(this: PreAggregationsLike) {
    const { query } = this;
    const none = query.collectCubeNames().every((cube) => Object.keys(query.cubeEvaluator.preAggregationsForCube(cube) ?? {}).length === 0);
    return none ? [] : original.call(this);
  };
  (prototype as unknown as Record<symbol, boolean>)[patched] = true;
}

/** Applies them to the copies Cube's server-core and API gateway load (npm nests their own). */
export function patchCubeHotPaths(): void {
  const serverCore = createRequire(createRequire(import.meta.url).resolve('@cubejs-backend/server-core'));
  lazyTimeoutError(serverCore('promise-timeout') as PromiseTimeout);
  const gateway = createRequire(createRequire(import.meta.url).resolve('@cubejs-backend/api-gateway'));
  constantEnv(gateway('@cubejs-backend/shared/dist/src/env.js') as Env);
  const compiler = createRequire(serverCore.resolve('@cubejs-backend/schema-compiler'));
  matchOnlyCubesWithRollups((compiler('./adapter/PreAggregations.js') as { PreAggregations: { prototype: PreAggregationsLike } }).PreAggregations.prototype);
}
