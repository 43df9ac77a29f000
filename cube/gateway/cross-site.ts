/**
 * Requests that change state (log in, log out, export) must come from the
 * product's own pages. A browser says where a request comes from in
 * `Sec-Fetch-Site` and `Origin`; a form on another site can still post
 * `text/plain`, form fields or multipart without either check of CORS, so
 * every such request must also be JSON (which no cross-site form can send
 * without a preflight this server never grants), except the CSV export, a
 * form post that carries a token bound to the session instead.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The endpoints a page reaches with a form post (the browser streams the file to disk). */
export const FORM_ENDPOINTS = new Set(['/api/export.csv', '/api/export.xlsx']);

const CROSS_SITE = 'Requests from other sites are refused: use the product\'s own pages.';

/**
 * Throws for a state-changing request from another site or in a content
 * type a cross-site form can send. Clients without Origin or Sec-Fetch-Site
 * (scripts, tests) are not browsers a victim uses and pass on the cookie alone.
 */
export function refuseCrossSite(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, CROSS_SITE);
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host === null || host !== request.host) throw new HttpError(403, CROSS_SITE);
  }
  // Only a POST can come from a form; other methods from another site need a preflight this server never grants.
  if (request.method !== 'POST') return;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const path = request.url.split('?')[0]!;
  if (type === 'application/json') return;
  if (type === 'application/x-www-form-urlencoded' && FORM_ENDPOINTS.has(path)) return;
  throw new HttpError(415, 'Send JSON (Content-Type: application/json).');
}

/**
 * Tokens bound to a session id with a key of this process (sessions live in
 * its memory too): the page gets its token from /api/me and puts it in the
 * export form; another site cannot read it.
 */
export class CsrfTokens {
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  tokenFor(sessionId: string): string {
    return createHmac('sha256', this.key).update(sessionId).digest('base64url');
  }

  check(sessionId: string | undefined, token: unknown): void {
    const expected = sessionId ? Buffer.from(this.tokenFor(sessionId)) : null;
    const given = typeof token === 'string' ? Buffer.from(token) : null;
    if (!expected || !given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(403, 'The page is out of date: reload it and try again.');
    }
  }
}
