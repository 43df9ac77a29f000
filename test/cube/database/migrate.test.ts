import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EARLIER_CHECKSUMS, migrate, readMigrations, vacuumedBy } from '../../../cube/database/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

const DOMAIN_TABLES: Record<string, string[]> = {
  teams: ['id', 'name', 'region', 'manager_id'],
  employees: ['id', 'name', 'team_id', 'role', 'hired_at', 'active'],
  channels: ['id', 'code', 'name', 'kind', 'type'],
  customers: ['id', 'name', 'phone', 'gender', 'birthday', 'city_tier', 'source_channel_id', 'owner_employee_id',
    'registered_at', 'member_level', 'referred_by_customer_id'],
  customer_identities: ['customer_id', 'system', 'external_id'],
  campaigns: ['id', 'name', 'type', 'starts_at', 'ends_at', 'budget', 'target_gmv'],
  campaign_spend: ['id', 'campaign_id', 'channel_id', 'employee_id', 'spent_on', 'amount'],
  campaign_participations: ['id', 'campaign_id', 'customer_id', 'employee_id', 'channel_id', 'joined_at', 'invited_by_customer_id'],
  orders: ['id', 'customer_id', 'employee_id', 'channel_id', 'campaign_id', 'ordered_at', 'amount', 'items', 'category', 'status'],
  events: ['id', 'customer_id', 'type', 'channel_id', 'occurred_at'],
  follow_ups: ['id', 'customer_id', 'employee_id', 'kind', 'occurred_at'],
  appointments: ['id', 'customer_id', 'employee_id', 'booked_at', 'scheduled_for', 'arrived_at'],
  settings: ['key', 'value'],
};

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('migrate');
  });
  afterAll(async () => db.drop());

  it('create every table of the domain on an empty database, and record themselves', async () => {
    const applied = await migrate(db.sql);
    const files = await readMigrations();
    expect(applied.filter((a) => !a.startsWith('definitions/'))).toEqual(files.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`));
    const columns = await db.sql<{ table_name: string; column_name: string }[]>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'siyu'`;
    for (const [table, expected] of Object.entries(DOMAIN_TABLES)) {
      const actual = columns.filter((c) => c.table_name === table).map((c) => c.column_name);
      expect(actual, table).toEqual(expect.arrayContaining(expected));
    }
    const [recorded] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM siyu.schema_migrations`;
    expect(recorded!.n).toBe(files.length);
  });

  it('do nothing when run again', async () => {
    expect(await migrate(db.sql)).toEqual([]);
  });

  it('refuse a recorded migration whose file changed', async () => {
    const files = await readMigrations();
    const tampered = files.map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    await expect(migrate(db.sql, tampered)).rejects.toThrow(/changed after it was applied/);
  });

  it('accept a rewritten migration only with its current text or, for the few listed, its earlier one', async () => {
    const files = await readMigrations();
    const five = files.findIndex((m) => m.version === 5);
    await db.sql`UPDATE siyu.schema_migrations SET checksum = ${EARLIER_CHECKSUMS[5]!} WHERE version = 5`;
    expect(await migrate(db.sql)).toEqual([]);
    const other = files.findIndex((m) => m.version === 6);
    await db.sql`UPDATE siyu.schema_migrations SET checksum = ${EARLIER_CHECKSUMS[5]!} WHERE version = 6`;
    await expect(migrate(db.sql)).rejects.toThrow(/Migration 6 .* was changed after it was applied/);
    await db.sql`UPDATE siyu.schema_migrations SET checksum = ${files[other]!.checksum} WHERE version = 6`;
    await db.sql`UPDATE siyu.schema_migrations SET checksum = ${files[five]!.checksum} WHERE version = 5`;
  });

  it('store money as numeric and enforce the enumerations and money checks', async () => {
    const [amount] = await db.sql<{ data_type: string; numeric_scale: number }[]>`
      SELECT data_type, numeric_scale FROM information_schema.columns
      WHERE table_schema = 'siyu' AND table_name = 'orders' AND column_name = 'amount'`;
    expect(amount).toEqual({ data_type: 'numeric', numeric_scale: 2 });
    await db.sql`INSERT INTO siyu.channels (id, code, name, kind, type) VALUES (1, 'A', '渠道A', 'private', 'wecom')`;
    await expect(db.sql`INSERT INTO siyu.channels (id, code, name, kind, type) VALUES (2, 'B', '渠道B', 'secret', 'wecom')`)
      .rejects.toThrow(/check constraint/);
    await expect(db.sql`INSERT INTO siyu.campaigns (id, name, type, starts_at, ends_at, budget, target_gmv)
      VALUES (1, 'x', 'brand', now(), now() + interval '1 day', -1, 0)`).rejects.toThrow(/check constraint/);
    await expect(db.sql`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, registered_at, member_level)
      VALUES (1, 'x', '12345', 'female', 'tier1', 1, now(), 'normal')`).rejects.toThrow(/check constraint/);
    await expect(db.sql`INSERT INTO siyu.customers (id, name, phone, gender, city_tier, source_channel_id, registered_at, member_level)
      VALUES (1, 'x', '13812345678', 'female', 'tier1', 99, now(), 'normal')`).rejects.toThrow(/foreign key/);
  });
  it('vacuum the tables a migration names in its "-- vacuum:" lines once committed (a rewritten table\'s visibility map is empty)', async () => {
    const files = await readMigrations();
    const rewrite = 'CREATE TABLE siyu.vacuum_probe AS SELECT g AS id, g * 1.25 AS amount FROM generate_series(1, 20000) AS g;\n'
      + 'ALTER TABLE siyu.vacuum_probe ADD COLUMN cents bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED;\n'
      + '-- vacuum: siyu.vacuum_probe\n';
    const probe = { version: 999, name: 'vacuum_probe', sql: rewrite, checksum: 'probe' };
    expect(vacuumedBy(probe)).toEqual(['siyu.vacuum_probe']);
    expect(vacuumedBy(files.find((m) => m.version === 67)!)).toEqual(['siyu.sales_paid_days']);
    try {
      expect(await migrate(db.sql, [...files, probe])).toEqual(['999_vacuum_probe']);
      // Vacuumed (and analyzed) by the migrator: whether every page then becomes all-visible depends on the other
      // transactions of the test cluster at that moment, so the statistics' own counters are what is checked.
      const [probed] = await db.sql<{ vacuums: number; analyzes: number }[]>`
        SELECT vacuum_count::int AS vacuums, analyze_count::int AS analyzes FROM pg_stat_user_tables WHERE relid = 'siyu.vacuum_probe'::regclass`;
      expect(probed).toEqual({ vacuums: 1, analyzes: 1 });
    } finally {
      await db.sql`DROP TABLE IF EXISTS siyu.vacuum_probe`;
      await db.sql`DELETE FROM siyu.schema_migrations WHERE version = 999`;
    }
  });
});
