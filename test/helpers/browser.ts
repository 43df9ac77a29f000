/**
 * Chromium driven by playwright-core, with no download and no system package:
 * `CHROME_PATH` when set, otherwise the Chromium build that the npm package
 * `@sparticuz/chromium` carries (unpacked to /tmp on first use, about 2 s).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ROOT_DIR } from '../../cube/config.ts';

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
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    headless: true,
    args: [...packaged, '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  // Every page's actions and waits get 60 s, not Playwright's 30: a hover or a click that waits for a page still
  // rendering took over 30 s on a loaded 2-core machine. (`newPage` makes its context through `newContext`.)
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options?: BrowserContextOptions) => {
    const context = await newContext(options);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    return context;
  };
  return browser;
}

/** How long a page's action or wait may take before it fails, unless it says otherwise. */
export const ACTION_TIMEOUT_MS = 60_000;

/** Where the browser tests save the README's screenshots. */
export const SCREENSHOTS_DIR = path.join(ROOT_DIR, 'docs', 'screenshots');

/**
 * Registers beforeAll/afterAll for a browser test file: checks the web app is
 * built, launches Chromium, closes it after.
 */
export function useBrowser(): { readonly browser: Browser } {
  const context = {} as { browser: Browser };
  beforeAll(async () => {
    if (!existsSync(path.join(ROOT_DIR, 'web', 'dist', 'index.html'))) {
      throw new Error('The web app is not built: run `npm run build:web` (npm test does it first).');
    }
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    context.browser = await launchBrowser();
  });
  afterAll(async () => {
    await context.browser?.close();
  });
  return context;
}

/** A page logged in as `username`, recording every page error and console error after the login. */
export async function openLoggedIn(browser: Browser, baseUrl: string, username: string, options: BrowserContextOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, ...options });
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'demo');
  await page.click('button[type=submit]');
  // Logging in hashes the password (scrypt): slow on a busy 2-core machine.
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()} ${m.location().url ?? ''}`); });
  return { page, errors };
}
