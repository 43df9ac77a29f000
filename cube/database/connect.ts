/**
 * Opens the product's database for a command-line tool: the configured
 * `DATABASE_URL`, the embedded cluster if `npm start` is running it, or the
 * embedded cluster started just for this command.
 */
import net from 'node:net';
import postgres, { type Sql } from 'postgres';
import type { Config } from '../config.ts';
import { embeddedUrl, isPortOpen, startEmbeddedPostgres } from './embedded-postgres.ts';

export function openSql(url: string, max = 4): Sql {
  const target = singleTcpHost(url);
  return postgres(url, {
    max, onnotice: () => {}, connection: { application_name: 'siyu-bi' },
    ...(target ? { socket: () => noDelaySocket(target) } : {}),
  });
}

/**
 * postgres.js (3.4) leaves Nagle's algorithm on. A COPY ends with a 5-byte
 * message written after its data, which then waits for the server's delayed
 * ACK: 40 ms per COPY, whatever its size (an import of twelve small files
 * spent half a second so). libpq sets TCP_NODELAY on every connection; this
 * does the same. A URL with several hosts or a Unix socket keeps the driver's
 * own connect.
 */
function singleTcpHost(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    if (!u.hostname || u.searchParams.has('host') || u.hostname.startsWith('%2F')) return null;
    return { host: decodeURIComponent(u.hostname).replace(/^\[|\]$/g, ''), port: Number(u.port || 5432) };
  } catch {
    return null;
  }
}

function noDelaySocket({ host, port }: { host: string; port: number }): net.Socket {
  // Connected here: given a socket, the driver writes to it at once (Node queues writes until it connects).
  const socket = net.connect({ host, port, noDelay: true });
  // TLS reads the server name from it (postgres.js sets it on sockets it connects itself).
  Object.assign(socket, { host });
  return socket;
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
