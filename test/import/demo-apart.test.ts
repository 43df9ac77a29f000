/** Demo and brand data apart: an import onto the demo data is refused unless it replaces it, demo accounts included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { isDemoData, provisionDemoAccounts } from '../../cube/gateway/accounts.ts';
import { seedDatabase } from '../../seed/load.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { count, fingerprint, importFolder, SAMPLE } from './helpers.ts';

describe('an import onto the demo data', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('import_demo');
    await migrate(db.sql);
    await seedDatabase(db.sql, { customers: 200, seed: 3, asOf: '2026-06-30', timeZone: 'Asia/Shanghai' });
    expect(await provisionDemoAccounts(db.sql, 'demo')).toBeGreaterThan(0);
  });
  afterAll(async () => db?.drop());

  it('is refused, naming the way out, and writes nothing', async () => {
    const before = await fingerprint(db.sql);
    const report = await importFolder(db.sql, SAMPLE);
    expect(report.result).toBe('refused');
    expect(report.problems.map((p) => p.reason.zh)).toEqual([expect.stringContaining('数据库里是演示数据')]);
    expect(report.problems[0]!.reason.en).toContain('--replace-demo');
    expect(await fingerprint(db.sql)).toEqual(before);
  });

  it('with --replace-demo replaces the demo data and removes every demo account', async () => {
    const report = await importFolder(db.sql, SAMPLE, { replaceDemo: true });
    expect(report.problems).toEqual([]);
    expect(report.result).toBe('imported');
    expect(await count(db.sql, 'customers')).toBe(10);
    expect(await count(db.sql, 'orders')).toBe(14);
    expect(await count(db.sql, 'accounts')).toBe(0);
    expect(await isDemoData(db.sql)).toBe(false);
    expect(await provisionDemoAccounts(db.sql, 'demo')).toBe(0);
  });
});
