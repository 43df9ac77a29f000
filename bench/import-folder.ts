/**
 * A brand folder for measuring `npm run import` (issue 25, docs/import.md):
 * 2 teams, 40 employees, 3 channels, 1 campaign, `--customers` customers and
 * `--orders` orders (UTF-8 CSV with ¥ amounts and thousands separators, one
 * order in ten refunded), the same every time. Written to a folder outside
 * the repository; nothing of it belongs in git.
 *
 *   node --import tsx bench/import-folder.ts <folder> [--orders 500000] [--customers 50000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { orders: { type: 'string', default: '500000' }, customers: { type: 'string', default: '50000' } },
});
const dir = positionals[0];
if (!dir) throw new Error('usage: node --import tsx bench/import-folder.ts <folder> [--orders N] [--customers N]');
const orders = Number(values.orders);
const customers = Number(values.customers);
mkdirSync(dir, { recursive: true });
const write = (file: string, lines: string[]): void => writeFileSync(path.join(dir, file), `${lines.join('\n')}\n`);
const pad = (n: number): string => String(n).padStart(2, '0');

write('teams.csv', ['team_code,name,region', 'T1,一组,华东', 'T2,二组,华南']);
write('employees.csv', ['employee_code,name,team_code,role,hired_on',
  ...Array.from({ length: 40 }, (_, i) => `E${i},员工${i},T${1 + (i % 2)},${i < 2 ? 'lead' : 'advisor'},2024-01-01`)]);
write('channels.csv', ['channel_code,name,kind,type', 'CH1,企微,private,wecom', 'CH2,小程序,private,mini_program', 'CH3,抖音,public,live_douyin']);
write('campaigns.csv', ['campaign_code,name,type,starts_at,ends_at,budget,target_gmv', 'A1,双十一,promotion,2026-11-01,2026-11-12,"¥100,000",1000000']);
write('customers.csv', ['customer_code,name,phone,city_tier,source_channel_code,owner_employee_code,registered_at',
  ...Array.from({ length: customers }, (_, i) =>
    `C${i},客户${i},139${String(i).padStart(8, '0')},tier${1 + (i % 3)},CH${1 + (i % 3)},E${i % 40},2025-0${1 + (i % 9)}-1${i % 10} 10:00`)]);
const categories = ['traffic', 'core', 'premium'];
const lines = ['order_code,customer_code,employee_code,channel_code,campaign_code,ordered_at,amount,items,category,status'];
for (let i = 0; i < orders; i++) {
  lines.push(`SO${1_000_000 + i},C${(i * 7919) % customers},${i % 5 ? `E${i % 40}` : ''},CH${1 + (i % 3)},${i % 4 ? '' : 'A1'},`
    + `2026-${pad(1 + (i % 11))}-${pad(1 + (i % 28))} ${pad(i % 24)}:${pad(i % 60)},"¥${1 + (i % 3)},${String(i % 1000).padStart(3, '0')}.${pad(i % 100)}",`
    + `${1 + (i % 3)},${categories[i % 3]},${i % 10 ? 'paid' : 'refunded'}`);
}
write('orders.csv', lines);
process.stdout.write(`${dir}: ${customers} customers, ${orders} orders\n`);
