/**
 * The first administrator on a brand's own data (`npm run create-admin`):
 * no default password, and never on the demo data (which has its demo
 * accounts). The password is hashed as every account's (passwords.ts).
 */
import type { Sql } from 'postgres';
import { isDemoData } from './accounts.ts';
import { hashPassword } from './passwords.ts';

export class AdminAccountError extends Error {}

export const USERNAME_RULE = /^[a-z][a-z0-9_.-]{0,63}$/;
export const MIN_PASSWORD_LENGTH = 10;

export async function createAdmin(sql: Sql, username: string, password: string, displayName = '管理员'): Promise<void> {
  if (!USERNAME_RULE.test(username)) throw new AdminAccountError('the username must start with a lower-case letter and hold only a-z, 0-9, _ . - (at most 64)');
  if (password.length < MIN_PASSWORD_LENGTH) throw new AdminAccountError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (await isDemoData(sql)) throw new AdminAccountError('the database holds the demo data, which has its demo accounts; create the admin on a brand\'s own database');
  const hash = await hashPassword(password);
  const written = await sql`
    INSERT INTO siyu.accounts (username, role, employee_id, display_name, password_hash)
    VALUES (${username}, 'admin', NULL, ${displayName}, ${hash})
    ON CONFLICT (username) DO NOTHING`;
  if (written.count === 0) throw new AdminAccountError(`the account ${username} already exists`);
}
