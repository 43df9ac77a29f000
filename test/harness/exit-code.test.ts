/**
 * The harness itself: the project's Vitest configuration (with its global
 * setup, which starts the embedded PostgreSQL) must exit non-zero when a test
 * fails or a test file cannot load, and zero when all pass. A child Vitest
 * runs the files under fixtures/, which the normal run leaves out.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function runFixture(file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.ts', `test/harness/fixtures/${file}`], {
      cwd: root,
      env: { ...process.env, HARNESS_FIXTURES: '1', TEST_DATABASE_URL: '', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('the test command tells the truth', () => {
  test('a failing assertion makes the run exit non-zero and names the test', async () => {
    const { code, output } = await runFixture('failing.test.ts');
    expect(code).not.toBe(0);
    expect(output).toContain('tests: 0 passed, 1 failed, 0 skipped');
    expect(output).toContain('FAILED: test/harness/fixtures/failing.test.ts > a deliberately broken assertion');
  });

  test('a test file that cannot load makes the run exit non-zero', async () => {
    const { code, output } = await runFixture('broken-import.test.ts');
    expect(code).not.toBe(0);
    expect(output).toContain('FAILED: test/harness/fixtures/broken-import.test.ts (the file did not load)');
  });

  test('a test that times out on a lock says, under its FAILED line, what PostgreSQL was waiting on', async () => {
    const { code, output } = await runFixture('lock-wait.test.ts');
    expect(code).not.toBe(0);
    const failed = 'FAILED: test/harness/fixtures/lock-wait.test.ts > a statement that waits for a lock past the test timeout';
    const lines = output.slice(output.lastIndexOf(failed)).split('\n');
    expect(lines[1]).toBe('  error: Test timed out in 2000ms.');
    // The holder sits idle in its transaction (the longest-running, first); the waiter waits on its advisory lock.
    expect(lines[2]).toMatch(/^  pg: \S+ idle in transaction \d+s: SELECT pg_advisory_xact_lock\(4242\)$/);
    expect(lines[3]).toMatch(/^  pg: \S+ active \d+s waiting Lock\/advisory behind \{\d+\}: SELECT pg_advisory_xact_lock\(4242\)$/);
  });

  test('a passing file exits zero', async () => {
    const { code, output } = await runFixture('passing.test.ts');
    expect(output).toContain('tests: 1 passed, 0 failed, 0 skipped');
    expect(code).toBe(0);
  });
});
