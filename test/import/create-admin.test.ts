/** `npm run create-admin` as a person runs it: the password from the environment or generated, hashed; never on demo data. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../cube/config.ts';
import { authenticate } from '../../cube/gateway/accounts.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

describe('npm run create-admin', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('create_admin');
  });
  afterAll(async () => db?.drop());
  const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, ['--import', 'tsx', path.join('cube', 'main', 'create-admin-cli.ts'), ...args], {
    cwd: ROOT_DIR, env: { ...process.env, DATABASE_URL: db.url, ADMIN_PASSWORD: '', ...env }, encoding: 'utf8', timeout: 60_000, input: '',
  });

  it('creates the first admin on an empty database (migrations first) with the password from ADMIN_PASSWORD, hashed', async () => {
    const r = run(['boss'], { ADMIN_PASSWORD: 'a-long-secret-1' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('created the administrator boss\n');
    const [row] = await db.sql`SELECT role, employee_id, password_hash FROM siyu.accounts WHERE username = 'boss'`;
    expect(row!.role).toBe('admin');
    expect(row!.employee_id).toBeNull();
    expect(row!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect((await authenticate(db.sql, 'boss', 'a-long-secret-1'))?.role).toBe('admin');
    expect(await authenticate(db.sql, 'boss', 'demo')).toBeNull();
  });

  it('generates a password when none is given and there is no terminal; refuses a second account of that name, a short password, a bad name', async () => {
    const r = run(['second']);
    expect(r.status, r.stderr).toBe(0);
    const password = /with the password (\S+) /.exec(r.stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect((await authenticate(db.sql, 'second', password))?.username).toBe('second');
    const again = run(['boss'], { ADMIN_PASSWORD: 'another-secret-2' });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('the account boss already exists');
    expect(run(['third'], { ADMIN_PASSWORD: 'short' }).stderr).toContain('at least 10 characters');
    expect(run(['Bad Name']).status).toBe(2);
  });

  it('refuses on the demo data, which has its demo accounts', async () => {
    await db.sql`INSERT INTO siyu.settings (key, value) VALUES ('data_origin', 'demo_generator')`;
    const r = run(['boss2'], { ADMIN_PASSWORD: 'a-long-secret-3' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('demo data');
    await db.sql`DELETE FROM siyu.settings WHERE key = 'data_origin'`;
  });
});
