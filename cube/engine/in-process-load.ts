/**
 * A load handed to Cube's API gateway in this process, not over HTTP.
 *
 * The app server and Cube share one process (cube/main/stack.ts), yet every
 * query went out through fetch to Cube's Express server on 127.0.0.1 and
 * back: the query serialised and parsed, Cube's answer serialised by Express
 * and parsed again by the proxy, the token checked, two HTTP exchanges'
 * buffers and sockets. Among 50 people at 200,000 customers that was some
 * 8-10 % of the process's CPU (docs/performance.md, "Answers per
 * CPU-second"). Here the gateway's own `load` (what its `/v1/load` route
 * calls) gets the same request: the query (a copy: Cube's rewrite must never
 * touch the query the browser's answer echoes), the query type, and the
 * request context the route would build from the security context the
 * app server's token carried. Everything after that is Cube's as before:
 * scopes, `queryRewrite` (the role rules), the orchestrator, its errors.
 * Its `res` gets what the route would have sent as JSON, with the status.
 * The HTTP route stays for the tools and for /meta.
 */
import { randomUUID } from 'node:crypto';
import { isSecurityContext, type SecurityContext } from './security-context.ts';

export interface InProcessGateway {
  contextByReq(req: object, securityContext: unknown, requestId: string): Promise<unknown>;
  load(request: {
    query: unknown; queryType?: unknown; context: unknown;
    res: (body: unknown, options?: { status?: number }) => void;
  }): Promise<void>;
}

export type CubeLoad = (context: SecurityContext, query: unknown, queryType: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

/** How long an answer may take before the load is given up (as the proxy's fetch was: Cube answers "Continue wait" long before). */
export const IN_PROCESS_TIMEOUT_MS = 120_000;

export function inProcessLoad(gateway: InProcessGateway): CubeLoad {
  return async (securityContext, query, queryType) => {
    // What checkAuth refuses over HTTP.
    if (!isSecurityContext(securityContext)) return { status: 403, body: { error: 'No valid security context.' } };
    const context = await gateway.contextByReq({}, securityContext, `${randomUUID()}-span-1`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Cube did not answer in time')), IN_PROCESS_TIMEOUT_MS);
      const res = (body: unknown, options?: { status?: number }) => {
        clearTimeout(timer);
        resolve({ status: options?.status ?? 200, body: (body ?? {}) as Record<string, unknown> });
      };
      gateway.load({ query: structuredClone(query), ...(queryType === undefined ? {} : { queryType }), context, res }).catch((error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      });
    });
  };
}
