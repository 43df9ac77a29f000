/**
 * Chromium driven by playwright-core, with no download and no system package:
 * `CHROME_PATH` when set, otherwise the Chromium build that the npm package
 * `@sparticuz/chromium` carries (unpacked to /tmp on first use, about 2 s).
 */
import { existsSync } from 'node:fs';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

// Flags of @sparticuz/chromium's own list that would make the tests lie
// (no same-origin policy, mixed content allowed) or flaky (one process).
const DROPPED_FLAGS = new Set(['--disable-web-security', '--allow-running-insecure-content', '--single-process', '--no-zygote']);

export async function findChromium(): Promise<string> {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  return sparticuz.executablePath();
}

export async function launchBrowser(): Promise<Browser> {
  const fromEnv = Boolean(process.env.CHROME_PATH);
  const packaged = fromEnv ? [] : sparticuz.args.filter((flag) => !DROPPED_FLAGS.has(flag) && !flag.startsWith('--headless'));
  return chromium.launch({
    executablePath: await findChromium(),
    headless: true,
    args: [...packaged, '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
