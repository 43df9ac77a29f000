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
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
