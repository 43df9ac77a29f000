/**
 * Saved views: a person keeps a page's URL state (filters, range, drill path)
 * under a name, renames or deletes it, and shares it with a link. Following
 * the link gives back the page and its state only: the follower's own session
 * runs every query, so the row rules (cube/engine/access-rules.ts) are the
 * follower's, never the sharer's. Stored per account (migration 014).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Account } from './accounts.ts';
import { HttpError } from './http-error.ts';
import { PAGES } from '../../web/src/lib/page-access.ts';
import type { SavedView } from '../../web/src/lib/api.ts';

/** Views one account may keep. */
export const MAX_VIEWS_PER_ACCOUNT = 50;
export const MAX_NAME_LENGTH = 60;
export const MAX_STATE_LENGTH = 2000;

interface Deps {
  up(): { sql: Sql };
  requireAccount(request: FastifyRequest): Account;
}

/** The wire format is the client's (web/src/lib/api.ts), defined once there. */
export type { SavedView };

/** The pages a view may open: the menu's. */
const VIEW_PAGES = new Set(PAGES.map((p) => p.to));

export function parseName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.normalize('NFC').trim().replace(/\s+/g, ' ') : '';
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new HttpError(400, `Give the view a name of 1 to ${MAX_NAME_LENGTH} characters.`);
  }
  return name;
}

export function parsePage(raw: unknown): string {
  if (typeof raw !== 'string' || !VIEW_PAGES.has(raw)) throw new HttpError(400, 'A view opens one of the menu\'s pages.');
  return raw;
}

/**
 * The URL state as a query string without `?`, normalised by URLSearchParams
 * (so what is stored is exactly what a link can carry). `lang` is the
 * sharer's language, not a filter: the follower keeps their own.
 */
export function parseState(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > MAX_STATE_LENGTH) throw new HttpError(400, `A view's filters are a query string of at most ${MAX_STATE_LENGTH} characters.`);
  const params = new URLSearchParams(raw.replace(/^\?/, ''));
  params.delete('lang');
  return params.toString();
}

const viewId = (request: FastifyRequest): number => {
  const id = Number((request.params as { id?: string }).id);
  if (!Number.isInteger(id) || id <= 0 || id > Number.MAX_SAFE_INTEGER) throw new HttpError(404, 'No such view among yours.');
  return id;
};

type Row = { id: string; name: string; page: string; state: string; share_token: string; created_at: Date; updated_at: Date };
const toView = (r: Row): SavedView => ({
  id: Number(r.id), name: r.name, page: r.page, state: r.state, token: r.share_token,
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  (error as { code?: string; constraint_name?: string }).code === '23505' && (error as { constraint_name?: string }).constraint_name === constraint;

const body = (request: FastifyRequest): Record<string, unknown> => {
  const b = request.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, 'Send {"name", "page", "state"} as JSON.');
  return b as Record<string, unknown>;
};

const NAME_TAKEN = 'You already have a view with this name; choose another.';

export function registerSavedViewRoutes(app: FastifyInstance, { up, requireAccount }: Deps): void {
  app.get('/api/views', async (request, reply) => {
    const account = requireAccount(request);
    const rows = await up().sql<Row[]>`
      SELECT id, name, page, state, share_token, created_at, updated_at FROM siyu.saved_views
      WHERE username = ${account.username} ORDER BY lower(name), id`;
    reply.header('Cache-Control', 'no-store');
    return { views: rows.map(toView) };
  });

  app.post('/api/views', async (request, reply) => {
    const account = requireAccount(request);
    const b = body(request);
    const [name, page, state] = [parseName(b.name), parsePage(b.page), parseState(b.state)];
    const { sql } = up();
    try {
      const rows = await sql.begin(async (tx) => {
        // One writer per account at a time, so the count below holds.
        await tx`SELECT pg_advisory_xact_lock(hashtext('saved_views'), hashtext(${account.username}))`;
        const [count] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.saved_views WHERE username = ${account.username}`;
        if ((count?.n ?? 0) >= MAX_VIEWS_PER_ACCOUNT) throw new HttpError(409, `You have ${MAX_VIEWS_PER_ACCOUNT} saved views, the most one person keeps; delete one first.`);
        return tx<Row[]>`
          INSERT INTO siyu.saved_views (username, name, page, state, share_token)
          VALUES (${account.username}, ${name}, ${page}, ${state}, ${randomBytes(16).toString('base64url')})
          RETURNING id, name, page, state, share_token, created_at, updated_at`;
      });
      return reply.status(201).send(toView(rows[0]!));
    } catch (error) {
      if (isUniqueViolation(error, 'saved_views_username_name_key')) throw new HttpError(409, NAME_TAKEN);
      throw error;
    }
  });

  app.patch('/api/views/:id', async (request) => {
    const account = requireAccount(request);
    const id = viewId(request);
    const name = parseName(body(request).name);
    try {
      const [row] = await up().sql<Row[]>`
        UPDATE siyu.saved_views SET name = ${name}, updated_at = now()
        WHERE id = ${id} AND username = ${account.username}
        RETURNING id, name, page, state, share_token, created_at, updated_at`;
      // Another person's view is as absent as one that never was.
      if (!row) throw new HttpError(404, 'No such view among yours.');
      return toView(row);
    } catch (error) {
      if (isUniqueViolation(error, 'saved_views_username_name_key')) throw new HttpError(409, NAME_TAKEN);
      throw error;
    }
  });

  app.delete('/api/views/:id', async (request, reply) => {
    const account = requireAccount(request);
    const id = viewId(request);
    const deleted = await up().sql`DELETE FROM siyu.saved_views WHERE id = ${id} AND username = ${account.username}`;
    if (deleted.count === 0) throw new HttpError(404, 'No such view among yours.');
    return reply.status(204).send();
  });

  /** A shared link: the page and its filters, and who shared it; the follower's own scope does the rest. */
  app.get('/api/views/shared/:token', async (request, reply) => {
    requireAccount(request);
    const token = (request.params as { token?: string }).token ?? '';
    if (!/^[A-Za-z0-9_-]{22}$/.test(token)) throw new HttpError(404, 'This shared view does not exist (any more).');
    const [row] = await up().sql<Array<{ name: string; page: string; state: string; shared_by: string }>>`
      SELECT v.name, v.page, v.state, a.display_name AS shared_by
      FROM siyu.saved_views v JOIN siyu.accounts a ON a.username = v.username WHERE v.share_token = ${token}`;
    if (!row) throw new HttpError(404, 'This shared view does not exist (any more).');
    reply.header('Cache-Control', 'no-store');
    return { name: row.name, page: row.page, state: row.state, sharedBy: row.shared_by };
  });
}
