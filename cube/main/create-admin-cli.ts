/**
 * `npm run create-admin -- <username>`: an administrator on the brand's own
 * database (DATABASE_URL, the running embedded cluster, or the embedded
 * cluster started for this command), applying the migrations first. The
 * password comes from ADMIN_PASSWORD, else it is asked for twice on a
 * terminal, else one is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../config.ts';
import { withDatabase } from '../database/connect.ts';
import { migrate } from '../database/migrate.ts';
import { AdminAccountError, createAdmin, USERNAME_RULE } from '../gateway/admin-account.ts';

const USAGE = 'usage: npm run create-admin -- <username>   (password: ADMIN_PASSWORD, asked on a terminal, or generated)';

/** Reads a line without echoing it. */
function ask(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function main(): Promise<void> {
  const [username, ...rest] = process.argv.slice(2);
  if (!username || rest.length > 0 || !USERNAME_RULE.test(username)) {
    process.stderr.write(`create-admin: give one username (a-z, 0-9, _ . -, starting with a letter)\n${USAGE}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  let password = process.env.ADMIN_PASSWORD ?? '';
  let generated = false;
  if (!password && process.stdin.isTTY) {
    password = await ask(`password for ${username}: `);
    if ((await ask('again: ')) !== password) throw new AdminAccountError('the two passwords differ');
  } else if (!password) {
    password = randomBytes(12).toString('base64url');
    generated = true;
  }
  await withDatabase(config, async (sql) => {
    await migrate(sql);
    await createAdmin(sql, username, password);
  });
  process.stdout.write(`created the administrator ${username}${generated ? ` with the password ${password} (shown once: keep it safe)` : ''}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`create-admin: ${error instanceof AdminAccountError ? error.message : `failed: ${error.message}`}\n`);
  process.exit(1);
});
