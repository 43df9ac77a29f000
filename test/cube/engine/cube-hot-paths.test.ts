/**
 * Cube's hot paths (cube/engine/cube-hot-paths.ts): promise-timeout's
 * `timeout` answers, rejects and times out as before but builds its error
 * only when the timer fires; the gateway's `getEnv` reads its four per-query
 * settings once and everything else as before; both applied to the copies
 * Cube's server-core and API gateway load.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CONSTANT_ENV_KEYS, constantEnv, lazyTimeoutError, matchOnlyCubesWithRollups, patchCubeHotPaths } from '../../../cube/engine/cube-hot-paths.ts';

function fakeTimeoutModule() {
  let built = 0;
  function TimeoutError(this: Error) {
    built++;
    this.message = 'Timeout';
  }
  TimeoutError.prototype = Object.create(Error.prototype);
  const module = {
    TimeoutError: TimeoutError as unknown as new () => Error,
    timeout: (_: Promise<unknown>, __: number): Promise<unknown> => { throw new Error('the original'); },
  };
  return { module, built: () => built };
}

describe('Cube hot paths', () => {
  it('times out as promise-timeout did, building the error only when the timer fires', async () => {
    const { module, built } = fakeTimeoutModule();
    lazyTimeoutError(module);
    await expect(module.timeout(Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(module.timeout(Promise.reject(new Error('own')), 1_000)).rejects.toThrow('own');
    expect(built()).toBe(0);
    const late = module.timeout(new Promise(() => {}), 20);
    await expect(late).rejects.toBeInstanceOf(module.TimeoutError);
    expect(built()).toBe(1);
  });

  it('reads the four per-query settings once, every other key and any call with options each time', () => {
    const reads: string[] = [];
    const env = { getEnv: (key: string, opts?: unknown) => { reads.push(key); return `${key}${opts ? '+' : ''}#${reads.length}`; } };
    constantEnv(env);
    for (const key of CONSTANT_ENV_KEYS) {
      expect(env.getEnv(key)).toBe(env.getEnv(key));
    }
    expect(reads.filter((k) => CONSTANT_ENV_KEYS.includes(k))).toHaveLength(CONSTANT_ENV_KEYS.length);
    expect(env.getEnv('playgroundAuthSecret')).not.toBe(env.getEnv('playgroundAuthSecret'));
    expect(env.getEnv('devMode', { dataSource: 'default' })).not.toBe(env.getEnv('devMode', { dataSource: 'default' }));
  });

  it('matches rollups only for a query reading a cube that has pre-aggregations', () => {
    let original = 0;
    const rollups: Record<string, Record<string, unknown>> = { customer_profiles: { totals: { type: 'rollup' } }, orders: {} };
    const prototype = { rollupMatchResults: () => { original++; return ['Cube\'s own answer']; } };
    matchOnlyCubesWithRollups(prototype as never);
    const on = (cubes: string[]) => Object.assign(Object.create(prototype), {
      query: { collectCubeNames: () => cubes, cubeEvaluator: { preAggregationsForCube: (cube: string) => rollups[cube] } },
    }) as { rollupMatchResults(): unknown[] };
    expect(on(['orders', 'employees']).rollupMatchResults()).toEqual([]);
    expect(original).toBe(0);
    expect(on(['orders', 'customer_profiles']).rollupMatchResults()).toEqual(['Cube\'s own answer']);
    expect(original).toBe(1);
  });

  it('patches the copies Cube\'s server-core and gateway load', async () => {
    patchCubeHotPaths();
    const here = createRequire(import.meta.url);
    const orchestratorApi = here.resolve('@cubejs-backend/server-core/dist/src/core/OrchestratorApi.js');
    const pt = createRequire(orchestratorApi)('promise-timeout') as { timeout: (p: Promise<unknown>, ms: number) => Promise<unknown>; TimeoutError: new () => Error };
    await expect(pt.timeout(new Promise(() => {}), 10)).rejects.toBeInstanceOf(pt.TimeoutError);
    expect(pt.timeout.toString()).not.toMatch(/new TimeoutError\(\),/);
    const query = here.resolve('@cubejs-backend/api-gateway/dist/src/query.js');
    const shared = createRequire(query)('@cubejs-backend/shared') as { getEnv: (key: string) => unknown };
    expect(shared.getEnv('dbQueryLimit')).toBe(shared.getEnv('dbQueryLimit'));
    expect(shared.getEnv.toString()).toMatch(/CONSTANT_ENV_KEYS/);
    const compiler = createRequire(createRequire(orchestratorApi).resolve('@cubejs-backend/schema-compiler'));
    const { PreAggregations } = compiler('./adapter/PreAggregations.js') as { PreAggregations: { prototype: { rollupMatchResults: () => unknown } } };
    expect(PreAggregations.prototype.rollupMatchResults.toString()).toMatch(/preAggregationsForCube\(cube\) \?\? \{\}/);
  });
});
