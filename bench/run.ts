/**
 * `npm run bench [-- --customers N]`: seed throughput, start-up time and query
 * latency (cold: a query Cube has not cached, made unique by its row limit;
 * warm: the same query again, from Cube's cache), on its own
 * embedded PostgreSQL. Prints a table and writes bench/results.json.
 * Figures, not assertions: compare runs on the same machine.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ROOT_DIR } from '../cube/config.ts';
import { startEmbeddedPostgres } from '../cube/database/embedded-postgres.ts';
import { startStack } from '../cube/stack.ts';
import { openSql } from '../cube/database/connect.ts';
import { seedDatabase } from '../seed/load.ts';
import { migrate } from '../cube/database/migrate.ts';
import { freePort } from '../cube/ports.ts';
import { Client } from '../cube/tools/api-client.ts';

const QUERIES: Record<string, Record<string, unknown>> = {
  overview_kpis: { measures: ['sales_overview.gmv', 'sales_overview.order_count'], timeDimensions: [{ dimension: 'sales_overview.order_date', dateRange: ['2025-12-01', '2026-11-20'] }] },
  gmv_by_month: { measures: ['sales_overview.gmv'], timeDimensions: [{ dimension: 'sales_overview.order_date', granularity: 'month' }] },
  roi_by_channel: { measures: ['channel_roi.spend', 'channel_roi.attributed_gmv', 'channel_roi.roi', 'channel_roi.cac'], dimensions: ['channel_roi.channel'] },
  activities_by_campaign: { measures: ['activity_performance.participants', 'activity_performance.converted_count', 'activity_performance.budget_used'], dimensions: ['activity_performance.campaign'] },
  customers_by_lifecycle: { measures: ['customer_insights.customers', 'customer_insights.ltv'], dimensions: ['customer_insights.lifecycle_stage'] },
  repurchase_by_team: { measures: ['customer_insights.repurchase_rate'], dimensions: ['customer_insights.team'] },
  staff_by_employee: { measures: ['staff_performance.owned_customers', 'staff_performance.follow_ups', 'staff_performance.arrival_rate'], dimensions: ['staff_performance.employee'] },
  action_list_slipping: { dimensions: ['customer_insights.customer_name', 'customer_insights.owner', 'customer_insights.action_reason'], segments: ['customer_insights.high_value_slipping'], limit: 500 },
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (n: number): string => `${n.toFixed(0)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { customers: { type: 'string', default: '20000' }, runs: { type: 'string', default: '7' } } });
  const customers = Number(values.customers);
  const runs = Number(values.runs);
  const dir = mkdtempSync(path.join(tmpdir(), 'siyu-bench-'));
  chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres(dir, await freePort());
  const results: Record<string, unknown> = { customers, runs, node: process.version, at: new Date().toISOString() };
  try {
    const sql = openSql(db.url);
    await migrate(sql);
    let t = performance.now();
    const counts = await seedDatabase(sql, { customers, seed: 42, asOf: '2026-11-20' });
    const seedMs = performance.now() - t;
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    await sql.end();
    results.seed = { rows, ms: Math.round(seedMs), rows_per_second: Math.round(rows / (seedMs / 1000)) };

    t = performance.now();
    const config = loadConfig({ databaseUrl: db.url, port: await freePort(), host: '127.0.0.1', cubePort: await freePort(), logLevel: 'silent' });
    const stack = await startStack(config);
    results.startup_ms = Math.round(performance.now() - t);
    const client = await Client.login(stack.url, 'exec', 'demo');
    const latency: Record<string, { cold_p50: number; cold_p95: number; warm_p50: number }> = {};
    for (const [name, query] of Object.entries(QUERIES)) {
      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < runs; i++) {
        const unique = { ...query, limit: 40_000 + i };
        let s = performance.now();
        await client.load(unique);
        cold.push(performance.now() - s);
        s = performance.now();
        await client.load(unique);
        warm.push(performance.now() - s);
      }
      latency[name] = { cold_p50: Math.round(percentile(cold, 50)), cold_p95: Math.round(percentile(cold, 95)), warm_p50: Math.round(percentile(warm, 50)) };
    }
    results.latency = latency;
    results.rss_mb = Math.round(process.memoryUsage().rss / 1024 / 1024);
    await stack.stop();

    const lines = [
      `customers ${customers.toLocaleString('en-US')}  rows ${rows.toLocaleString('en-US')}`,
      `seed            ${ms(seedMs)}  (${(results.seed as { rows_per_second: number }).rows_per_second.toLocaleString('en-US')} rows/s)`,
      `start-up        ${ms(results.startup_ms as number)}  (database already seeded)`,
      `rss             ${results.rss_mb} MB (app + Cube process)`,
      '',
      `${'query'.padEnd(24)} ${'cold p50'.padStart(9)} ${'cold p95'.padStart(9)} ${'warm p50'.padStart(9)}`,
      ...Object.entries(latency).map(([n, l]) => `${n.padEnd(24)} ${ms(l.cold_p50).padStart(9)} ${ms(l.cold_p95).padStart(9)} ${ms(l.warm_p50).padStart(9)}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeFileSync(path.join(ROOT_DIR, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
