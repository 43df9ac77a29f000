/**
 * Opens the product's database for a command-line tool: the configured
 * `DATABASE_URL`, the embedded cluster if `npm start` is running it, or the
 * embedded cluster started just for this command.
 */
import postgres, { type Sql } from 'postgres';
import type { Config } from '../config.ts';
import { embeddedUrl, isPortOpen, startEmbeddedPostgres } from './embedded-postgres.ts';

export function openSql(url: string, max = 4): Sql {
  return postgres(url, { max, onnotice: () => {}, connection: { application_name: 'siyu-bi' } });
}

export async function withDatabase<T>(config: Config, work: (sql: Sql) => Promise<T>): Promise<T> {
  let stop: (() => Promise<void>) | null = null;
  let url = config.databaseUrl;
  if (!url) {
    if (await isPortOpen(config.embeddedPgPort)) {
      url = embeddedUrl(config.dataDir, config.embeddedPgPort);
    } else {
      const db = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
      url = db.url;
      stop = db.stop;
    }
  }
  const sql = openSql(url);
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
    if (stop) await stop();
  }
}
