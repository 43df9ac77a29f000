/**
 * `@sparticuz/chromium` unpacks its browser and graphics libraries into the
 * system temp directory once and then reuses whatever it finds there, of any
 * version: after an upgrade or a downgrade of the package, a new binary meets
 * an old `libGLESv2.so` and Chromium dies on its first page. A stamp names the
 * version that unpacked the files; when it differs, they are removed so the
 * package unpacks its own (about 2 s). Runs once per test run, in the global
 * setup, before any worker launches a browser.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const UNPACKED = ['chromium', 'libEGL.so', 'libGLESv2.so', 'libvk_swiftshader.so', 'vk_swiftshader_icd.json', 'al2023'];

export function clearStaleChromium(): void {
  if (process.env.CHROME_PATH) return;
  // The package's exports do not include its package.json.
  const manifest = fileURLToPath(new URL('../../node_modules/@sparticuz/chromium/package.json', import.meta.url));
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const stamp = path.join(tmpdir(), '.sparticuz-chromium-version');
  const unpackedBy = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;
  if (unpackedBy === version) return;
  for (const name of UNPACKED) rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  writeFileSync(stamp, `${version}\n`);
}
