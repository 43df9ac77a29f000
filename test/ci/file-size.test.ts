// Issue 22's "rooms small enough to hold in one's head": no source file over
// 400 lines. Source is what git keeps (or would keep) of code, SQL, model
// YAML and CSS; prose, data and lock files are not source, and none is
// generated among these kinds.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 400;
const SOURCE = /\.(ts|tsx|js|mjs|cjs|sql|ya?ml|css)$/;

it(`keeps every source file at ${MAX_LINES} lines or fewer`, () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter((f) => SOURCE.test(f));
  expect(files.length).toBeGreaterThan(100);
  const long = files
    .map((f) => {
      try {
        return { file: f, lines: readFileSync(path.join(ROOT, f), 'utf8').split('\n').filter((_, i, all) => i < all.length - 1 || all[i] !== '').length };
      } catch {
        return { file: f, lines: 0 }; // deleted in the working tree, not yet in git
      }
    })
    .filter((f) => f.lines > MAX_LINES);
  expect(long).toEqual([]);
});
