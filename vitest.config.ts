import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The harness's own fixtures fail on purpose; test/harness/exit-code.test.ts
    // runs them in a child Vitest with HARNESS_FIXTURES=1.
    exclude: process.env.HARNESS_FIXTURES ? [...configDefaults.exclude] : [...configDefaults.exclude, 'test/harness/fixtures/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // A failed test records what PostgreSQL was busy with (the summary reporter prints it).
    setupFiles: ['test/helpers/failure-activity.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Bounds for a hang, not for speed (the benchmark measures speed): on a loaded 2-core CI machine the
    // heaviest tests (a bulk import, a big-screen's first open) took over 120 s that take 12–40 s alone.
    testTimeout: 240_000,
    hookTimeout: 480_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
