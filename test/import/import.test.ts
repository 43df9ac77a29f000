/**
 * The importer on its own database: the sample folder imports cleanly with
 * the values the files say (worked out by hand below), GBK and UTF-8-BOM
 * give identical databases, a re-import changes nothing, a check writes
 * nothing, bad rows are each reported and nothing is written, an
 * incremental import updates exactly what changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { count, decodeGbk, encodeGbk, fingerprint, importFolder, SAMPLE, scratchFolder } from './helpers.ts';

const TABLE_ROWS = {
  teams: 2, employees: 6, channels: 4, customers: 10, customer_identities: 7, campaigns: 2, campaign_spend: 6,
  campaign_participations: 8, orders: 14, events: 11, follow_ups: 7, appointments: 3,
};

describe('importing a folder', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  beforeAll(async () => {
    [db, other] = await Promise.all([createTestDatabase('import_a'), createTestDatabase('import_b')]);
  });
  afterAll(async () => {
    await db?.drop();
    await other?.drop();
  });
  const id = async (entity: string, code: string): Promise<number> =>
    Number((await db.sql<{ id: number }[]>`SELECT id::int FROM siyu.import_codes WHERE entity = ${entity} AND code = ${code}`)[0]!.id);

  it('imports the sample on an empty database (migrations first), every row as the files say', async () => {
    const report = await importFolder(db.sql, SAMPLE);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.result).toBe('imported');
    expect(report.asOf).toBe('2026-11-20');
    for (const [table, n] of Object.entries(TABLE_ROWS)) expect(await count(db.sql, table), table).toBe(n);
    const encodings = Object.fromEntries(report.files.map((f) => [f.file, f.encoding]));
    expect(encodings).toMatchObject({ '订单.csv': 'GB18030', '团队.csv': 'GB18030', 'employees.csv': 'UTF-8 BOM', 'channels.csv': 'UTF-8', '活动.xlsx': 'xlsx' });

    const [order] = await db.sql`SELECT amount::text, ordered_at, items, category, status, customer_id, employee_id, campaign_id FROM siyu.orders WHERE id = ${await id('orders', 'O202609001')}`;
    expect(order).toEqual({
      amount: '1299.00', ordered_at: new Date('2026-09-04T03:20:00Z'), items: 1, category: 'core', status: 'paid',
      customer_id: await id('customers', 'C0001'), employee_id: await id('employees', 'E002'), campaign_id: await id('campaigns', 'A2026-09'),
    });
    const [refund] = await db.sql`SELECT amount::text, status, ordered_at FROM siyu.orders WHERE id = ${await id('orders', 'O202611005')}`;
    expect(refund).toEqual({ amount: '5280.00', status: 'refunded', ordered_at: new Date('2026-11-11T15:59:30Z') });
    const [c1] = await db.sql`SELECT name, phone, gender, birthday::text, city_tier, member_level, registered_at FROM siyu.customers WHERE id = ${await id('customers', 'C0001')}`;
    expect(c1).toEqual({ name: '周晓雯', phone: '13800138001', gender: 'female', birthday: '1990-04-12', city_tier: 'tier1', member_level: 'gold', registered_at: new Date('2026-03-02T02:15:00Z') });
    const [c2] = await db.sql`SELECT phone, owner_employee_id FROM siyu.customers WHERE id = ${await id('customers', 'C0002')}`;
    expect(c2).toEqual({ phone: '13900138002', owner_employee_id: await id('employees', 'E002') });
    const [c4] = await db.sql`SELECT referred_by_customer_id FROM siyu.customers WHERE id = ${await id('customers', 'C0004')}`;
    expect(c4!.referred_by_customer_id).toBe(await id('customers', 'C0001'));
    const [campaign] = await db.sql`SELECT name, type, starts_at, ends_at, budget::text, target_gmv::text FROM siyu.campaigns WHERE id = ${await id('campaigns', 'A2026-11')}`;
    expect(campaign).toEqual({ name: '2026 双11大促', type: 'promotion', starts_at: new Date('2026-10-19T16:00:00Z'), ends_at: new Date('2026-11-11T16:00:00Z'), budget: '50000.00', target_gmv: '300000.00' });
    const [spend] = await db.sql`SELECT amount::text, spent_on::text FROM siyu.campaign_spend WHERE id = ${await id('spend', 'S002')}`;
    expect(spend).toEqual({ amount: '1500.50', spent_on: '2026-10-25' });
    const [team] = await db.sql`SELECT name, region, manager_id FROM siyu.teams WHERE id = ${await id('teams', 'T01')}`;
    expect(team).toEqual({ name: '华东一组', region: '华东', manager_id: await id('employees', 'E001') });
    const [gone] = await db.sql`SELECT active, role FROM siyu.employees WHERE id = ${await id('employees', 'E006')}`;
    expect(gone).toEqual({ active: false, role: 'community' });
    const settings = Object.fromEntries((await db.sql<{ key: string; value: string }[]>`SELECT key, value FROM siyu.settings`).map((r) => [r.key, r.value]));
    expect(settings).toEqual({ as_of: '2026-11-20', time_zone: 'Asia/Shanghai', data_origin: 'import' });
    // The classification is built (migration 009) for the imported customers.
    expect(await count(db.sql, 'classification_now')).toBe(10);
  });

  it('importing the same folder again changes nothing: every table, its change counter and the code map', async () => {
    const before = await fingerprint(db.sql);
    const report = await importFolder(db.sql, SAMPLE);
    expect(report.result).toBe('imported');
    for (const c of Object.values(report.entities)) expect(c).toMatchObject({ inserted: 0, updated: 0 });
    expect(await fingerprint(db.sql)).toEqual(before);
    const runs = await db.sql`SELECT username, source, result, check_only FROM siyu.import_runs ORDER BY id`;
    expect(runs.map((r) => r.result)).toEqual(['imported', 'imported']);
  });

  it('a check writes nothing; GBK and UTF-8-BOM files give an identical database', async () => {
    const folder = scratchFolder();
    try {
      // The GBK files as UTF-8 with a BOM (and the line ends Excel writes, CRLF), the UTF-8-BOM one as GBK.
      for (const name of ['订单.csv', '团队.csv']) folder.write(name, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(decodeGbk(folder.read(name)).replace(/\n/g, '\r\n'))]));
      folder.write('employees.csv', encodeGbk(folder.read('employees.csv').subarray(3).toString('utf8')));
      const checked = await importFolder(other.sql, folder.dir, { check: true });
      expect(checked.result).toBe('checked');
      expect(checked.entities.orders).toMatchObject({ inserted: 14 });
      expect(await count(other.sql, 'orders')).toBe(0);
      expect(await count(other.sql, 'import_codes')).toBe(0);
      const report = await importFolder(other.sql, folder.dir);
      expect(Object.fromEntries(report.files.map((f) => [f.file, f.encoding]))).toMatchObject({ '订单.csv': 'UTF-8 BOM', 'employees.csv': 'GB18030' });
      const a = await fingerprint(db.sql);
      const b = await fingerprint(other.sql);
      // The first database was imported twice: its builds differ only in time, not data.
      expect(b).toEqual(a);
    } finally {
      folder.remove();
    }
  });

  it('a folder with bad rows writes nothing and reports each one: file, line, column, value, reason', async () => {
    const before = await fingerprint(db.sql);
    const folder = scratchFolder();
    try {
      const orders = decodeGbk(folder.read('订单.csv')).trimEnd().split('\n');
      orders.push(
        'O202611901,C0001,E002,CH01,,2026-11-20 10:00,"-￥10.00",1,核心款,已支付', // line 16: negative money
        'O202611902,C9999,E002,CH01,,2026-11-20 10:00,￥10.00,1,核心款,已支付', //  line 17: unknown customer
        'O202609001,C0001,E002,CH01,,2026-11-20 10:00,￥10.00,1,核心款,已支付', //  line 18: duplicate key
        'O202611903,C0001,E002,CH01,,2026-13-01 10:00,￥10.00,1,核心款,已发货', //  line 19: bad time and bad status
      );
      folder.write('订单.csv', encodeGbk(`${orders.join('\n')}\n`));
      const customers = folder.read('客户.csv').toString('utf8').trimEnd().split('\n');
      customers.push('C0011,测试,12345,女,,一线,CH01,E999,2026-11-20 10:00,普通,'); // line 12: bad phone, unknown owner
      folder.write('客户.csv', `${customers.join('\n')}\n`);
      folder.write('channels.csv', 'channel_code,name,kind,type,备注\nCH01,企业微信1对1,private,wecom,x\nCH02,小程序商城,private,mini_program,\nCH03,抖音直播间,public,live_douyin,\nCH04,老带新,private,referral,\n');
      folder.write('notes.txt', 'not data');

      const report = await importFolder(db.sql, folder.dir);
      expect(report.result).toBe('refused');
      const seen = report.problems.map((p) => [p.file, p.line, p.column, p.value, p.reason.zh]);
      expect(seen).toEqual(expect.arrayContaining([
        ['订单.csv', 16, '金额', '-￥10.00', '金额不能为负数'],
        ['订单.csv', 18, '订单号', 'O202609001', '键重复：与第 2 行相同'],
        ['订单.csv', 19, '下单时间', '2026-13-01 10:00', expect.stringContaining('不是时间')],
        ['订单.csv', 19, '状态', '已发货', expect.stringContaining('不是可接受的值')],
        ['客户.csv', 12, '手机号', '12345', '不是11位大陆手机号'],
        ['订单.csv', 17, '客户编号', 'C9999', '客户编码不存在：文件里和数据库里都没有'],
      ]));
      // C0011's unknown owner E999 is not among them: a row with a bad cell is not checked further.
      expect(report.problems).toHaveLength(6);
      expect(report.problems.find((p) => p.line === 16)!.reason.en).toBe('a negative amount is refused');
      expect(report.warnings.map((w) => [w.file, w.column, w.reason.zh])).toEqual(expect.arrayContaining([
        ['channels.csv', '备注', '无法识别的列，已忽略'],
        ['notes.txt', null, expect.stringContaining('无法识别的文件名')],
      ]));
      expect(await fingerprint(db.sql)).toEqual(before);
      const [run] = await db.sql`SELECT result, problems FROM siyu.import_runs ORDER BY id DESC LIMIT 1`;
      expect(run).toEqual({ result: 'refused', problems: 6 });
    } finally {
      folder.remove();
    }
  });

  it('refuses a new code with the name another code has in the database, and a rename that frees a name is fine', async () => {
    const folder = scratchFolder(false);
    try {
      folder.write('teams.csv', 'team_code,name,region\nT03,华东一组,华东\n');
      const report = await importFolder(db.sql, folder.dir, { check: true });
      expect(report.problems.map((p) => [p.file, p.line, p.column, p.value, p.reason.zh])).toEqual([
        ['teams.csv', 2, 'name', '华东一组', '名称重复：与 T01 同名（名称须唯一）'],
      ]);
      folder.write('teams.csv', 'team_code,name,region\nT03,华东一组,华东\nT01,华东二组,华东\n');
      expect((await importFolder(db.sql, folder.dir, { check: true })).problems).toEqual([]);
    } finally {
      folder.remove();
    }
  });

  it('names a file in the wrong encoding and refuses it', async () => {
    const folder = scratchFolder(false);
    try {
      folder.write('orders.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('订单号,客户编号\nO1,C1\n', 'utf16le')]));
      folder.write('teams.csv', Buffer.from([0xb6, 0xa9, 0xb5, 0xa5, 0x2c, 0xff, 0xff, 0x0a]));
      const report = await importFolder(db.sql, folder.dir, { check: true });
      expect(report.result).toBe('refused');
      expect(report.problems.map((p) => [p.file, p.reason.zh])).toEqual([
        ['orders.csv', '文件是 UTF-16 编码，请另存为“CSV UTF-8”或 GBK'],
        ['teams.csv', '文件既不是 UTF-8 也不是 GBK/GB18030 编码'],
      ]);
    } finally {
      folder.remove();
    }
  });

  it('refuses a quote never closed, at the line its record starts (after a quoted line break)', async () => {
    const folder = scratchFolder(false);
    try {
      folder.write('channels.csv', 'channel_code,name,kind,type\nCHQ,"两行\n名称",private,wecom\nCHR,"未闭合,private,wecom\nCHS,三,private,wecom\n');
      const report = await importFolder(db.sql, folder.dir, { check: true });
      expect(report.result).toBe('refused');
      expect(report.problems.map((p) => [p.file, p.line, p.column, p.value, p.reason.zh])).toEqual([['channels.csv', 4, null, null, '引号没有闭合']]);
    } finally {
      folder.remove();
    }
  });

  it('an incremental import updates only what changed: a refund, an owner change, new orders and a new customer', async () => {
    const folder = scratchFolder(false);
    try {
      folder.write('orders.csv', [
        'order_code,customer_code,employee_code,channel_code,campaign_code,ordered_at,amount,items,category,status',
        'O202611007,C0001,E002,CH01,,2026-11-18 16:45,899.00,1,core,refunded',
        'O202611010,C0003,E003,CH02,,2026-11-21 10:00,500,1,core,paid',
        'O202611011,C0011,E003,CH01,,2026-11-21 11:30,"1,200.00",2,premium,paid',
      ].join('\n'));
      folder.write('customers.csv', [
        'customer_code,name,phone,gender,city_tier,source_channel_code,owner_employee_code,registered_at',
        'C0007,何帆,15800138007,男,四线及以下,CH02,E003,2026-09-09 16:20',
        'C0011,邓佳,13300138011,女,二线,CH01,E003,2026-11-21 11:00',
      ].join('\n'));
      const paidBefore = (await db.sql`SELECT sum(amount)::text AS s FROM siyu.orders WHERE status = 'paid'`)[0]!.s;
      const report = await importFolder(db.sql, folder.dir);
      expect(report.problems).toEqual([]);
      expect(report.entities.orders).toEqual({ rows: 3, inserted: 2, updated: 1, unchanged: 0 });
      // C0007's gender, level and the rest as before (男, the default 普通): only the owner changed.
      expect(report.entities.customers).toEqual({ rows: 2, inserted: 1, updated: 1, unchanged: 0 });
      expect(report.asOf).toBe('2026-11-21');
      const paidAfter = (await db.sql`SELECT sum(amount)::text AS s FROM siyu.orders WHERE status = 'paid'`)[0]!.s;
      expect(Number(paidAfter) - Number(paidBefore)).toBeCloseTo(-899 + 500 + 1200, 2);
      const [c7] = await db.sql`SELECT owner_employee_id FROM siyu.customers WHERE id = ${await id('customers', 'C0007')}`;
      expect(c7!.owner_employee_id).toBe(await id('employees', 'E003'));
      expect(await count(db.sql, 'orders')).toBe(16);
      expect(await count(db.sql, 'events')).toBe(11);
      // The data date set explicitly (--as-of), then back to the latest fact date.
      expect((await importFolder(db.sql, folder.dir, { asOf: '2026-11-30' })).asOf).toBe('2026-11-30');
      expect((await db.sql`SELECT siyu.as_of()::text AS d`)[0]!.d).toBe('2026-11-30');
      expect((await importFolder(db.sql, folder.dir)).asOf).toBe('2026-11-21');
    } finally {
      folder.remove();
    }
  });
});
