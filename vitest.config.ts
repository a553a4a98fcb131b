import { defineConfig } from 'vitest/config';

// One project per test folder. `npm test` runs all but `browser`; `npm run test:browser` runs
// that one alone, a file at a time (each file drives its own Chromium).
const suites = ['unit', 'workflow', 'infra', 'local', 'e2e'] as const;
const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    // A child process per test file, as node:test ran them: the e2e files spawn the local
    // pipeline and some tests touch process-wide state (console, timers, env).
    pool: 'forks',
    isolate: true,
    // Two files at a time, as `node --test --test-concurrency=2` did on this two-core machine.
    maxWorkers: 2,
    // node:test had no timeouts. The slowest test (500,000 start requests through the start
    // buffer) takes 33-37 s and the slowest file 53 s on this machine; 120 s leaves room for a
    // loaded CI box and coverage without letting a hung test or hook stall CI for long.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    watch: false,
    reporters: ci ? [['default', { summary: false }]] : ['default'],
    // `npm test` passes --coverage: V8 coverage of the code the test processes run (the local
    // pipeline the e2e tests spawn is a child process and is not counted), summary only.
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts', 'simulator/**/*.ts'],
      reporter: ['text-summary'],
      reportOnFailure: true,
      // Only its scratch files land there (the summary is printed): out of git's and Biome's way.
      reportsDirectory: 'node_modules/.coverage',
    },
    projects: [
      ...suites.map((name) => ({ extends: true, test: { name, include: [`test/${name}/**/*.test.ts`] } })),
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'] } },
    ],
  },
});
