/**
 * The product's security headers (docs/security.md): set by @fastify/helmet
 * on every answer that reaches a hook; this module holds their configuration
 * and reads them back for the two answers written before Fastify has a
 * request (a URL it cannot decode, a request Node cannot parse).
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Everything from the app's own origin; no plugin, no foreign script. */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // ECharts and React set style attributes.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/**
 * Helmet's options: its defaults (nosniff, no DNS prefetch, no cross-domain
 * policies, a same-origin resource policy…) with the product's CSP and
 * referrer policy. `frameAncestor`: the one origin that may frame the answer
 * (the big-screen's BIG_SCREEN_EMBED_ORIGIN), or none.
 */
export function helmetOptions(frameAncestor: string | null): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES, frameAncestors: [frameAncestor ?? "'none'"] } },
    // X-Frame-Options cannot name an origin: a frameable answer relies on the CSP alone.
    frameguard: frameAncestor ? false : { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    // HSTS belongs to whatever terminates TLS in front: this server may be reached over plain HTTP on a LAN.
    strictTransportSecurity: false,
  };
}

/** Answers that may hold personal data or depend on who asks are never stored by a browser or proxy. */
export const PRIVATE_PATHS = /^\/(api|cubejs-api|healthz)(\/|\?|$)/;

/** Headers of an answer that are not security headers. */
const NOT_SECURITY = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'cache-control', 'set-cookie', 'retry-after']);

/**
 * The security headers helmet puts on an answer of `app` (a path no route
 * has), read once the app is ready, for the answers written without it.
 */
export async function readSecurityHeaders(app: FastifyInstance): Promise<Record<string, string>> {
  const answer = await app.inject({ method: 'GET', url: '/api/security-headers-probe' });
  return Object.fromEntries(Object.entries(answer.headers)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !NOT_SECURITY.has(entry[0])));
}
