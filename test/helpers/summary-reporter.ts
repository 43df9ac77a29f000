/**
 * Ends the run with the names of the failed tests (and of the files that did
 * not load), each with its error's first line and what PostgreSQL was doing
 * when it failed (failure-activity.ts), then one plain line,
 * `tests: N passed, N failed, N skipped`, for CI logs.
 */
import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** The error's first line and the sessions PostgreSQL was busy with, indented under the FAILED line. */
function details(test: TestCase): string[] {
  const error = test.result().errors?.[0];
  const first = error?.message?.split('\n')[0]?.slice(0, 160);
  const activity = test.meta().pgActivity ?? [];
  return [...(first ? [`  error: ${first}`] : []), ...activity.map((line) => `  pg: ${line}`)];
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const module of testModules) {
      const file = path.relative(process.cwd(), module.moduleId);
      const tests = [...module.children.allTests()];
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') {
          failed++;
          failures.push(`FAILED: ${file} > ${test.fullName}`, ...details(test));
        } else skipped++;
      }
      if (module.state() === 'failed' && !tests.some((t) => t.result().state === 'failed')) {
        failed++;
        failures.push(`FAILED: ${file} (${tests.length === 0 ? 'the file did not load' : 'a hook failed'})`);
      }
    }
    if (failures.length > 0) process.stdout.write(`\n${failures.join('\n')}\n`);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
