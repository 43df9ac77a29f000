/**
 * Which pre-aggregation answers each query, as Cube itself reports it. The
 * product's Cube never says (it answers `usedPreAggregations` only to tokens
 * signed with a system secret, which the product does not have), so a Cube
 * of the same model is started here, in the benchmark's (or the rollup
 * test's) process, with such a
 * secret, on the same database: it finds the rollup tables the product built
 * and, for each query under a role's security context (the same row limits
 * through queryRewrite), names the ones it read. No timing is taken from it.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Query } from '@cubejs-client/core';
import { stillRunning, untilAnswered } from '../engine/continue-wait.ts';
import { startCubeServer, type RunningCube } from '../engine/cube-server.ts';
import type { SecurityContext } from '../engine/security-context.ts';

/** A page's query as the benchmark and the tests send it (web/src/page-loads.ts). */
type CubeQuery = Query & Record<string, unknown>;

export interface ProbeAnswer {
  /** The pre-aggregations (cube_name.pre_aggregation, partitions folded) that answered; [] for the raw tables. */
  rollups: string[];
  data: Array<Record<string, unknown>>;
}

export interface RollupProbe {
  /** The pre-aggregations (cube_name.pre_aggregation, partitions folded) that answered; [] for the raw tables; null when the query failed. */
  rollupsFor(context: SecurityContext, query: CubeQuery): Promise<string[] | null>;
  /** The answer and who gave it; throws with Cube's message when the query fails. */
  answer(context: SecurityContext, query: CubeQuery): Promise<ProbeAnswer>;
  /** The SQL Cube sends PostgreSQL for the query under the context's row limits (`/v1/sql`), without running it. */
  sql(context: SecurityContext, query: CubeQuery): Promise<string>;
  /** The same SQL with its parameters, to run apart (bench/month-trend.ts). */
  statement(context: SecurityContext, query: CubeQuery): Promise<[string, unknown[]]>;
  stop(): Promise<void>;
}

/** `schema.orders_by_day20261101` → `orders_by_day`: one name per pre-aggregation, whatever its partition. */
function preAggregationName(table: string): string {
  return table.replace(/^[^.]*\./, '').replace(/\d{8,10}$/, '');
}

/** preAggregations: false gives the raw tables' answers (SIYU_PRE_AGGREGATIONS=off). */
export async function startRollupProbe(options: { databaseUrl: string; modelDir: string; timeZone: string; preAggregations?: boolean }): Promise<RollupProbe> {
  const systemSecret = randomBytes(32).toString('hex');
  const cube: RunningCube = await startCubeServer({
    databaseUrl: options.databaseUrl, port: 0, apiSecret: randomBytes(32).toString('hex'), modelDir: options.modelDir, systemSecret,
    preAggregations: options.preAggregations ?? true,
  });
  return attachRollupProbe({ cubeUrl: cube.url, systemSecret, timeZone: options.timeZone, stop: () => cube.stop() });
}

/**
 * A probe on a Cube that is already running with a system secret (a test's
 * own product stack): the same orchestrator that builds the rollups answers,
 * so no second one races it to build the same table.
 */
export function attachRollupProbe(options: { cubeUrl: string; systemSecret: string; timeZone: string; stop?: () => Promise<void> }): RollupProbe {
  const tokenFor = (context: SecurityContext): string => jwt.sign({ ...context }, options.systemSecret, { algorithm: 'HS256', expiresIn: 600 });
  const answer = async (context: SecurityContext, query: CubeQuery): Promise<ProbeAnswer> => {
    const token = tokenFor(context);
    const { status, body } = await untilAnswered(async () => {
      const response = await fetch(`${options.cubeUrl}/cubejs-api/v1/load`, {
        method: 'POST',
        headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: { ...query, timezone: options.timeZone } }),
      });
      const body = (await response.json()) as { error?: string; data?: Array<Record<string, unknown>>; usedPreAggregations?: Record<string, unknown> };
      return { status: response.status, body };
    }, (answer) => stillRunning(answer.body), { attempts: 2000 });
    if (status !== 200 || body.error || !body.data) throw new Error(`Cube answered ${status}: ${body.error ?? 'no data'}`);
    return { rollups: [...new Set(Object.keys(body.usedPreAggregations ?? {}).map(preAggregationName))].sort(), data: body.data };
  };
  const statement = async (context: SecurityContext, query: CubeQuery): Promise<[string, unknown[]]> => {
    const response = await fetch(`${options.cubeUrl}/cubejs-api/v1/sql`, {
      method: 'POST',
      headers: { Authorization: tokenFor(context), 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: { ...query, timezone: options.timeZone } }),
    });
    const body = (await response.json()) as { error?: string; sql?: { sql?: [string, unknown[]] } };
    if (response.status !== 200 || !body.sql?.sql) throw new Error(`Cube answered ${response.status}: ${body.error ?? 'no SQL'}`);
    return body.sql.sql;
  };
  return {
    answer,
    statement,
    async sql(context, query) {
      return (await statement(context, query))[0];
    },
    async rollupsFor(context, query) {
      try {
        return (await answer(context, query)).rollups;
      } catch {
        return null;
      }
    },
    stop: options.stop ?? (async () => undefined),
  };
}
