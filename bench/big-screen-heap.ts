/**
 * The big-screen's memory over a long run: opens /big-screen with a short
 * refresh interval in Chromium and, every N refreshes, forces a garbage
 * collection and records the JS heap, DOM nodes and event listeners. A flat
 * line is the goal; the figures are recorded, not asserted.
 *
 *   npm start -- --live            # in another terminal (or any running stack)
 *   node --import tsx bench/big-screen-heap.ts [--url http://localhost:3000] [--refreshes 200] [--interval 1]
 *
 * Writes bench/big-screen-heap.json.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT_DIR } from '../cube/config.ts';
import { launchBrowser } from '../test/helpers/browser.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    refreshes: { type: 'string', default: '200' },
    interval: { type: 'string', default: '1' },
    every: { type: 'string', default: '20' },
    user: { type: 'string', default: 'exec' },
    password: { type: 'string', default: 'demo' },
  },
});
const refreshes = Number(values.refreshes);
const interval = Number(values.interval);
const every = Number(values.every);

interface Sample {
  refreshes: number;
  elapsedS: number;
  heapUsedMb: number;
  domNodes: number;
  listeners: number;
}

async function main(): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const target = `/big-screen?refresh=${interval}&kiosk=1`;
    await page.goto(`${values.url}/login?next=${encodeURIComponent(target)}`);
    await page.fill('input[name=username]', values.user!);
    await page.fill('input[name=password]', values.password!);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/big-screen/);
    await page.waitForFunction(() => /\d\d:\d\d:\d\d/.test(document.querySelector('[data-testid="updated-at"]')?.textContent ?? ''), undefined, { timeout: 60_000 });

    // A refresh is counted when the campaign GMV query answers again: the time of the data moves.
    await page.evaluate(() => {
      const w = window as unknown as { refreshCount: number };
      w.refreshCount = 0;
      let last = document.querySelector('[data-testid="updated-at"]')?.textContent;
      new MutationObserver(() => {
        const now = document.querySelector('[data-testid="updated-at"]')?.textContent;
        if (now !== last) { last = now; w.refreshCount++; }
      }).observe(document.querySelector('[data-testid="big-screen"]')!, { subtree: true, childList: true, characterData: true });
    });

    const started = Date.now();
    const samples: Sample[] = [];
    const sample = async (n: number): Promise<void> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
      const s = { refreshes: n, elapsedS: Math.round((Date.now() - started) / 1000), heapUsedMb: Math.round((heap.usedSize / 1_048_576) * 100) / 100,
        domNodes: metric('Nodes'), listeners: metric('JSEventListeners') };
      samples.push(s);
      process.stdout.write(`${String(s.refreshes).padStart(5)} refreshes  ${String(s.elapsedS).padStart(5)} s  heap ${s.heapUsedMb.toFixed(2).padStart(7)} MB  nodes ${String(s.domNodes).padStart(6)}  listeners ${s.listeners}\n`);
    };
    await sample(0);
    for (let next = every; next <= refreshes; next += every) {
      await page.waitForFunction((n) => (window as unknown as { refreshCount: number }).refreshCount >= n, next, { timeout: (every * interval + 120) * 1000, polling: 500 });
      await sample(next);
    }
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const result = {
      date: new Date().toISOString(), url: values.url, refreshIntervalS: interval, refreshes, samples,
      heapGrowthMb: Math.round((last.heapUsedMb - first.heapUsedMb) * 100) / 100,
      heapGrowthAfterWarmupMb: samples.length > 2 ? Math.round((last.heapUsedMb - samples[1]!.heapUsedMb) * 100) / 100 : null,
      domNodeGrowth: last.domNodes - first.domNodes,
      listenerGrowth: last.listeners - first.listeners,
    };
    writeFileSync(path.join(ROOT_DIR, 'bench', 'big-screen-heap.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`heap ${first.heapUsedMb} → ${last.heapUsedMb} MB over ${refreshes} refreshes; DOM nodes ${first.domNodes} → ${last.domNodes}; listeners ${first.listeners} → ${last.listeners}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`big-screen heap bench failed: ${error.message}\n`);
  process.exit(1);
});
