/**
 * /admin/import's server side: an admin uploads a brand's files (as JSON,
 * each file's bytes in base64), gets the check report, then confirms; the
 * import runs the very code `npm run import` runs (cube/import/run.ts). And
 * the history of imports. Admins only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { Account } from './accounts.ts';
import { HttpError } from './http-error.ts';
import { runImport } from '../import/run.ts';
import type { InputFile } from '../import/read.ts';

interface Deps {
  up(): { sql: Sql };
  requireAccount(request: FastifyRequest): Account;
}

/** What one upload may carry: the files' bytes, base64 in JSON (a third more). */
export const UPLOAD_LIMIT_BYTES = 64 * 1024 * 1024;
const MAX_FILES = 20;

function requireAdmin(account: Account): void {
  if (account.role !== 'admin') throw new HttpError(403, 'Only an administrator may import data.');
}

function parseUpload(body: unknown): { files: InputFile[]; check: boolean } {
  const b = body as { files?: unknown; check?: unknown } | null;
  if (!b || !Array.isArray(b.files) || typeof b.check !== 'boolean') throw new HttpError(400, 'Send {"files": [{"name", "content"}], "check": true|false}.');
  if (b.files.length === 0 || b.files.length > MAX_FILES) throw new HttpError(400, `Upload from 1 to ${MAX_FILES} files.`);
  const files = b.files.map((f: { name?: unknown; content?: unknown }) => {
    if (typeof f?.name !== 'string' || typeof f.content !== 'string' || f.name.length > 200 || /[/\\]/.test(f.name)) {
      throw new HttpError(400, 'Each file needs a plain name and its content in base64.');
    }
    return { name: f.name, bytes: Buffer.from(f.content, 'base64') };
  });
  return { files, check: b.check };
}

export function registerImportRoutes(app: FastifyInstance, deps: Deps): void {
  app.post('/api/admin/import', { bodyLimit: Math.ceil(UPLOAD_LIMIT_BYTES * 1.37) }, async (request) => {
    const account = deps.requireAccount(request);
    requireAdmin(account);
    const { files, check } = parseUpload(request.body);
    const { sql } = deps.up();
    const [{ zone } = { zone: 'Asia/Shanghai' }] = await sql<{ zone: string }[]>`SELECT siyu.business_tz() AS zone`;
    return runImport(sql, files, { check, timeZone: zone, username: account.username, source: 'web' });
  });

  app.get('/api/admin/imports', async (request) => {
    requireAdmin(deps.requireAccount(request));
    const rows = await deps.up().sql`
      SELECT id::int, started_at, username, source, check_only AS "checkOnly", files, entities, merges, problems, result
      FROM siyu.import_runs ORDER BY id DESC LIMIT 50`;
    return { runs: rows };
  });
}
