/**
 * Ends the run with the names of the failed tests (and of the files that did
 * not load), then one plain line, `tests: N passed, N failed, N skipped`, for
 * CI logs.
 */
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

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
          failures.push(`${file} > ${test.fullName}`);
        } else skipped++;
      }
      if (module.state() === 'failed' && !tests.some((t) => t.result().state === 'failed')) {
        failed++;
        failures.push(`${file} (${tests.length === 0 ? 'the file did not load' : 'a hook failed'})`);
      }
    }
    if (failures.length > 0) process.stdout.write(`\n${failures.map((f) => `FAILED: ${f}`).join('\n')}\n`);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
