/**
 * `npm run migrate`: applies the schema migrations that are missing, on
 * `DATABASE_URL`, the running embedded cluster, or the embedded cluster
 * started just for this command.
 */
import { loadConfig } from '../config.ts';
import { withDatabase } from '../database/connect.ts';
import { migrate } from '../database/migrate.ts';

async function main(): Promise<void> {
  const applied = await withDatabase(loadConfig(), (sql) => migrate(sql));
  process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
}

main().catch((error: Error) => {
  process.stderr.write(`migrate failed: ${error.message}\n`);
  process.exit(1);
});
