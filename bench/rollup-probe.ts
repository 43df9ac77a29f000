/**
 * Which pre-aggregation answers each query, as Cube itself reports it. The
 * product's Cube never says (it answers `usedPreAggregations` only to tokens
 * signed with a system secret, which the product does not have), so a Cube
 * of the same model is started here, in the benchmark's process, with such a
 * secret, on the same database: it finds the rollup tables the product built
 * and, for each query under a role's security context (the same row limits
 * through queryRewrite), names the ones it read. No timing is taken from it.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { startCubeServer, type RunningCube } from '../cube/engine/cube-server.ts';
import type { SecurityContext } from '../cube/engine/security-context.ts';
import type { CubeQuery } from './pages.ts';

export interface RollupProbe {
  /** The pre-aggregations (cube_name.pre_aggregation, partitions folded) that answered; [] for the raw tables; null when the query failed. */
  rollupsFor(context: SecurityContext, query: CubeQuery): Promise<string[] | null>;
  stop(): Promise<void>;
}

/** `schema.orders_by_day20261101` → `orders_by_day`: one name per pre-aggregation, whatever its partition. */
function preAggregationName(table: string): string {
  return table.replace(/^[^.]*\./, '').replace(/\d{8,10}$/, '');
}

export async function startRollupProbe(options: { databaseUrl: string; modelDir: string; timeZone: string }): Promise<RollupProbe> {
  const systemSecret = randomBytes(32).toString('hex');
  const cube: RunningCube = await startCubeServer({
    databaseUrl: options.databaseUrl, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: options.modelDir, systemSecret,
  });
  return {
    async rollupsFor(context, query) {
      const token = jwt.sign({ ...context }, systemSecret, { algorithm: 'HS256', expiresIn: 600 });
      for (let attempt = 0; attempt < 2000; attempt++) {
        const response = await fetch(`${cube.url}/cubejs-api/v1/load`, {
          method: 'POST',
          headers: { Authorization: token, 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: { ...query, timezone: options.timeZone } }),
        });
        const body = (await response.json()) as { error?: string; usedPreAggregations?: Record<string, unknown> };
        if (body.error === 'Continue wait') continue;
        if (response.status !== 200 || body.error) return null;
        return [...new Set(Object.keys(body.usedPreAggregations ?? {}).map(preAggregationName))].sort();
      }
      return null;
    },
    stop: () => cube.stop(),
  };
}
