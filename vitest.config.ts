import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (no services) and integration tests against the real local
// Kafka, Cassandra and PostgreSQL that `npm run services -- up` starts.
export default defineConfig({
  test: {
    // Off unless asked for (`--coverage`): `npm test` asks for it on the unit project only, which keeps it cheap
    // and measures what the unit tests alone exercise of the Lambda code.
    coverage: {
      provider: 'v8',
      // Every code file under lambdas/ (the READMEs are not code).
      include: ['lambdas/**/*.{ts,js,cjs,mjs,json}'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: { lines: 90 },
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/support/integration-env.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Integration suites share the real services; running them one file at a time keeps
          // topic/table names and the 2-core machine's load predictable.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The local console in Debian's chromium (playwright-core); one pipeline process per file.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          setupFiles: ['test/support/integration-env.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          setupFiles: ['test/support/integration-env.ts'],
          testTimeout: 900_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
