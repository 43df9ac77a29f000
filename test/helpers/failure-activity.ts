/**
 * When a test fails, what the run's PostgreSQL is doing at that moment goes
 * onto the test (its `pgActivity` meta), and the summary reporter prints it
 * under the test's FAILED line: a test that timed out says whether it waited
 * on a lock (and on which statement), sat idle in a transaction (this
 * process stuck between two statements) or ran a statement that long. CI
 * keeps only the end of its log, so the cause must be in those lines.
 */
import postgres from 'postgres';
import { afterEach, inject } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    pgActivity?: string[];
  }
}

/** At most this many sessions, the longest-running first. */
const SESSIONS = 3;

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return;
  const sql = postgres(inject('postgresUrl'), {
    max: 1, connect_timeout: 5, onnotice: () => {}, connection: { statement_timeout: 10_000 },
  });
  try {
    const rows = await sql<{ line: string }[]>`
      SELECT format('%s %s %ss%s: %s', a.datname, a.state, round(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))),
               CASE WHEN a.wait_event_type IS NULL OR a.wait_event_type = 'Client' THEN '' ELSE format(' waiting %s/%s', a.wait_event_type, a.wait_event) END
                 || CASE WHEN cardinality(pg_blocking_pids(a.pid)) = 0 THEN '' ELSE format(' behind %s', pg_blocking_pids(a.pid)) END,
               left(regexp_replace(a.query, '\\s+', ' ', 'g'), 100)) AS line
      FROM pg_stat_activity AS a
      WHERE a.pid <> pg_backend_pid() AND a.backend_type = 'client backend' AND a.state <> 'idle'
      ORDER BY coalesce(a.xact_start, a.query_start) LIMIT ${SESSIONS}`;
    task.meta.pgActivity = rows.length > 0 ? rows.map((r) => r.line) : ['no session busy'];
  } catch (error) {
    task.meta.pgActivity = [`pg_stat_activity not read: ${(error as Error).message}`];
  } finally {
    await sql.end({ timeout: 2 });
  }
});
