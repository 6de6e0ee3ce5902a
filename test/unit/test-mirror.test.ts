import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../tools/generated-files.js';
import { repoRoot } from '../../tools/repo-root.js';

/**
 * Tests mirror sources (CONTRIBUTING.md, "Where tests live"): the tests of `<path>.ts` are
 * `test/unit/<path>.test.ts`, `test/integration/<path>.test.ts` and/or `test/infra/<path>.test.ts`, optionally
 * with an aspect before `.test.ts` (`msk-records.header-decoding.test.ts` tests `msk-records.ts`). This test
 * fails on a source with no test at its mirror path (unless {@link UNTESTED_ON_PURPOSE} says why), on a test
 * whose mirror source does not exist (a stale path after a rename), and on an allow-list entry that is
 * no longer needed or names no source.
 */

/** Folders whose every source file needs a test at its mirror path (or an allow-list entry). */
const SOURCE_ROOTS = ['lambdas', 'lib', 'local', 'bin', 'tools', 'planning'] as const;
/**
 * Folders tests may mirror: the source roots, plus bench/ (the measurement harness, whose pure helpers have
 * unit tests at their mirror path but which is not required to have one per file).
 */
const MIRRORED_ROOTS: readonly string[] = [...SOURCE_ROOTS, 'bench'];
/** The test trees that mirror the sources. */
const TEST_TREES = ['test/unit', 'test/integration', 'test/infra'] as const;

/** Test files that mirror no single source, by folder or file, with why. */
const NOT_MIRRORED: ReadonlyMap<string, string> = new Map([
  [
    'test/integration/scenarios/',
    'scenarios spanning several sources (the pipeline end to end, erasure, schema upgrades, every bundle)',
  ],
  ['test/unit/cli.test.ts', 'repo-wide check: every npm script that takes flags'],
  ['test/unit/compose-file.test.ts', 'checks docker-compose.localstack.yml, not a TypeScript source'],
  ['test/unit/docs-drift.test.ts', 'repo-wide check: the docs name what exists'],
  ['test/unit/folder-imports.test.ts', 'repo-wide check: the import rules between the folders'],
  [
    'test/unit/malformed-requests.test.ts',
    'tests test/faults/malformed-requests.ts, support of the fault suite',
  ],
  ['test/unit/test-mirror.test.ts', 'repo-wide check: this file'],
]);

/**
 * Sources with no test at their mirror path, grouped by why. Each group is either a kind of file that has no
 * behaviour of its own to test, or names the tests that do cover the files (so a reader knows where to look).
 */
const UNTESTED_ON_PURPOSE: ReadonlyArray<{ readonly reason: string; readonly sources: readonly string[] }> = [
  {
    reason:
      'entry script of an npm script (flags, then wiring); test/unit/cli.test.ts runs its --help and bad flags',
    sources: [
      'local/day-table/cli.ts',
      'local/pictures/main.ts',
      'local/query.ts',
      'local/replay.ts',
      'local/services/cli.ts',
      'local/start.ts',
      'local/test-runner.ts',
      'planning/capacity/cli.ts',
      'planning/cost/estimate.ts',
      'tools/generate.ts',
      'tools/localstack/verify.ts',
    ],
  },
  {
    reason:
      'entry script run as a child process: bin/app.ts by `cdk synth` in test/infra/bin/pipeline-app.test.ts; ' +
      'the Airflow ones by the DAG suite (npm run test:dags); http-api-main and randomuser/main by the bench and ' +
      'schemathesis; lambda-container by the pool of test/unit/local/runtime/lambda-container-pool.test.ts',
    sources: [
      'bin/app.ts',
      'local/airflow/apply-schemas.ts',
      'local/airflow/process-topic.ts',
      'local/airflow/stage-variables.ts',
      'local/runtime/http-api-main.ts',
      'local/randomuser/main.ts',
      'local/runtime/lambda-container.ts',
    ],
  },
  {
    reason:
      'the one logger type and its no-op value: test/types/compatibility.test-d.ts checks that the Powertools logger and console fit it',
    sources: ['lambdas/shared/logger.ts'],
  },
  {
    reason: 'types or re-exports only (no behaviour of its own)',
    sources: [
      'lambdas/processor/dead-letter.ts',
      'lambdas/shared/kafka/index.ts',
      'lambdas/shared/schema/cassandra/index.ts',
      'lambdas/shared/schema/postgres/index.ts',
      'lib/constructs/observability/definition/props.ts',
    ],
  },
  {
    reason:
      'names, constants and per-stage data, read by the tests of their users (the stage files by ' +
      'test/infra/bin/config/stage-config.test.ts and test/infra/lib/stacks/pipeline-stack.test.ts)',
    sources: [
      'bin/config/dev.ts',
      'bin/config/index.ts',
      'bin/config/local.ts',
      'bin/config/prod.ts',
      'lambdas/ingest-http/metric-names.ts',
      'lambdas/ingest-pull/metric-names.ts',
      'lambdas/processor/metric-names.ts',
      'lambdas/processor/sinks/cassandra/name.ts',
      'lambdas/processor/sinks/postgres/name.ts',
      'lambdas/shared/metrics-namespace.ts',
      'lib/constructs/observability/definition/metrics/periods.ts',
      'lib/constructs/orchestration/airflow-variables.ts',
      'lib/constructs/orchestration/airflow-version.ts',
      'lib/constructs/shared/paths.ts',
      'local/randomuser/nationalities.ts',
      'tools/repo-root.ts',
    ],
  },
  {
    reason:
      'Lambda container wiring (handler, clients, settings, sink modules): every bundle runs in ' +
      'test/integration/scenarios/bundled-functions.test.ts; the processor and ingest wiring also in ' +
      'test/unit/lambdas/processor/clients.test.ts, test/unit/lambdas/processor/handler.test.ts and ' +
      'test/unit/lambdas/ingest-http/handler.test.ts (both ingest handlers); the custom resources in ' +
      'test/integration/scenarios/custom-resources.test.ts',
    sources: [
      'lambdas/ingest-http/clients.ts',
      'lambdas/ingest-pull/clients.ts',
      'lambdas/ingest-pull/handler.ts',
      'lambdas/migrations/handler.ts',
      'lambdas/processor/sinks/cassandra/index.ts',
      'lambdas/processor/sinks/index.ts',
      'lambdas/processor/sinks/postgres/index.ts',
      'lambdas/processor/sinks/sink-module.ts',
      'lambdas/replay-failed-batches/handler.ts',
      'lambdas/shared/clients/lazy-cassandra.ts',
      'lambdas/verification/clients.ts',
      'lambdas/verification/config.ts',
      'lambdas/verification/handler.ts',
    ],
  },
  {
    reason:
      'part of the push API, tested through test/unit/lambdas/ingest-http/handle-request.test.ts and ' +
      'test/unit/lambdas/ingest-http/openapi.test.ts',
    sources: [
      'lambdas/ingest-http/api.ts',
      'lambdas/ingest-http/delete-user-request.ts',
      'lambdas/ingest-http/routes.ts',
      'lambdas/ingest-http/users-body.ts',
      'lambdas/ingest-http/users-request-schema.ts',
    ],
  },
  {
    reason:
      'helper of a tested module, exercised through its tests: test/unit/lambdas/ingest-pull/randomuser-client.test.ts, ' +
      'test/unit/lambdas/processor/sinks/postgres/postgres-sink.test.ts, ' +
      'test/unit/lambdas/shared/kafka/failed-record.test.ts (replay parameters), ' +
      'test/unit/lambdas/topics/apply-topic.test.ts, test/unit/lambdas/verification/verification.test.ts',
    sources: [
      'lambdas/ingest-pull/errors.ts',
      'lambdas/ingest-pull/retry.ts',
      'lambdas/processor/sinks/postgres/postgres-erasure.ts',
      'lambdas/replay-failed-batches/params.ts',
      'lambdas/topics/topic-partitions.ts',
      'lambdas/topics/topic-properties.ts',
      'lambdas/verification/requests.ts',
      'lambdas/verification/store-readers.ts',
    ],
  },
  {
    reason:
      'shared settings, contract and Kafka errors, tested through their users: test/unit/lambdas/*/config.test.ts ' +
      'and test/unit/lambdas/shared/kafka/config.test.ts, the contract tests of test/unit/lambdas/shared/contract/, ' +
      'the Kafka tests of test/unit/lambdas/shared/kafka/',
    sources: [
      'lambdas/shared/config.ts',
      'lambdas/shared/contract/envelope.ts',
      'lambdas/shared/contract/errors.ts',
      'lambdas/shared/contract/event-order.ts',
      'lambdas/shared/contract/fields.ts',
      'lambdas/shared/contract/issues.ts',
      'lambdas/shared/contract/pipeline-event.ts',
      'lambdas/shared/kafka/errors.ts',
    ],
  },
  {
    reason:
      'store schema pieces, tested through test/unit/lambdas/shared/schema/cassandra/tables.test.ts, ' +
      'test/unit/lambdas/shared/schema/postgres/migrate.test.ts, test/unit/lambdas/shared/schema/postgres/migration-set.test.ts ' +
      'and on the real stores in test/integration/scenarios/schema.test.ts',
    sources: [
      'lambdas/shared/schema/cassandra/apply-cassandra-schema.ts',
      'lambdas/shared/schema/cassandra/day-table-layout.ts',
      'lambdas/shared/schema/cassandra/keyspace-tables.ts',
      'lambdas/shared/schema/cassandra/users-by-signup-day-key.ts',
      'lambdas/shared/schema/postgres/errors.ts',
      'lambdas/shared/schema/postgres/render-migrations-module.ts',
    ],
  },
  {
    reason:
      'CDK construct or construct helper, synthesized on every stage and asserted in ' +
      'test/infra/lib/stacks/pipeline-stack.test.ts (cdk-nag in test/infra/bin/pipeline-app.test.ts)',
    sources: [
      'lib/config/stage-settings.ts',
      'lib/constructs/ingestion/ingestion-api.ts',
      'lib/constructs/ingestion/ingestion-web-acl.ts',
      'lib/constructs/ingestion/ingestion.ts',
      'lib/constructs/ingestion/users-request-model.ts',
      'lib/constructs/keyspaces/keyspaces-store.ts',
      'lib/constructs/keyspaces/local-sink-access.ts',
      'lib/constructs/network/network.ts',
      'lib/constructs/orchestration/airflow-version-upgrade.ts',
      'lib/constructs/orchestration/dag-bucket.ts',
      'lib/constructs/orchestration/mwaa-environment.ts',
      'lib/constructs/orchestration/orchestration.ts',
      'lib/constructs/processing/failed-batches-replay.ts',
      'lib/constructs/relational-store/application-login.ts',
      'lib/constructs/relational-store/database-proxy.ts',
      'lib/constructs/relational-store/local-sink-access.ts',
      'lib/constructs/relational-store/migrations-hash.ts',
      'lib/constructs/relational-store/postgres-connection.ts',
      'lib/constructs/relational-store/postgres-migrations.ts',
      'lib/constructs/relational-store/relational-store.ts',
      'lib/constructs/shared/access.ts',
      'lib/constructs/shared/acknowledge.ts',
      'lib/constructs/shared/log-encryption.ts',
      'lib/constructs/streaming/kafka-arns.ts',
      'lib/constructs/streaming/topic-configs.ts',
      'lib/stacks/stack-outputs.ts',
    ],
  },
  {
    reason:
      'part of the dashboard definition, drawn and checked as a whole in ' +
      'test/infra/lib/constructs/observability/observability.test.ts (and locally by the console tests)',
    sources: [
      'lib/constructs/observability/definition/dashboard.ts',
      'lib/constructs/observability/definition/layout-svg.ts',
      'lib/constructs/observability/definition/metrics/api-gateway.ts',
      'lib/constructs/observability/definition/metrics/kafka.ts',
      'lib/constructs/observability/definition/metrics/keyspaces.ts',
      'lib/constructs/observability/definition/metrics/lambda.ts',
      'lib/constructs/observability/definition/metrics/metric.ts',
      'lib/constructs/observability/definition/metrics/mwaa.ts',
      'lib/constructs/observability/definition/metrics/pipeline.ts',
      'lib/constructs/observability/definition/metrics/rds.ts',
      'lib/constructs/observability/definition/metrics/sqs.ts',
      'lib/constructs/observability/definition/segments/build.ts',
      'lib/constructs/observability/definition/segments/failure-path.ts',
      'lib/constructs/observability/definition/segments/ingestion.ts',
      'lib/constructs/observability/definition/segments/orchestration.ts',
      'lib/constructs/observability/definition/segments/processor.ts',
      'lib/constructs/observability/definition/segments/stores.ts',
      'lib/constructs/observability/definition/segments/stream.ts',
      'lib/constructs/observability/definition/types.ts',
      'lib/constructs/observability/render/cdk-dashboard.ts',
      'lib/constructs/observability/render/cdk-metrics.ts',
      'local/pictures/prod-dashboard.ts',
    ],
  },
  {
    reason:
      'part of the local console, tested through test/unit/local/console/local-console.test.ts, ' +
      'test/unit/local/console/emf-capture.test.ts, test/unit/local/pictures/console-screenshot.test.ts ' +
      'and the browser suite (test/browser/)',
    sources: [
      'local/console/alarms.ts',
      'local/console/chromium.ts',
      'local/console/console-url.ts',
      'local/console/cpu-meter.ts',
      'local/console/dashboard-state.ts',
      'local/console/emf.ts',
      'local/console/local-definition.ts',
      'local/console/metric-store.ts',
      'local/console/pipeline-snapshot.ts',
      'local/console/runbook-html.ts',
      'local/console/service-metrics.ts',
      'local/console/start-console.ts',
      'local/pictures/console-definition.ts',
    ],
  },
  {
    reason:
      'part of the local mirror, run on the real services by test/integration/local/day-table/backfill.test.ts, ' +
      'test/integration/lambdas/ingest-pull/pull-users.test.ts, the scenarios of test/integration/scenarios/ ' +
      '(local-services, pipeline-e2e, processor-pipeline, erasure) and the fault suite (test/faults/)',
    sources: [
      'local/airflow/store-settings.ts',
      'local/day-table/checkpoint.ts',
      'local/day-table/read.ts',
      'local/randomuser/generate.ts',
      'local/runtime/http-api-event.ts',
      'local/runtime/kafka-log.ts',
      'local/runtime/kafka-offsets.ts',
      'local/runtime/kafka-topics.ts',
      'local/runtime/lambda-context.ts',
      'local/runtime/local-mapping.ts',
      'local/runtime/local-retention.ts',
      'local/runtime/msk-event.ts',
      'local/runtime/openapi-document.ts',
      'local/runtime/pipeline-process.ts',
      'local/runtime/prepare-pipeline.ts',
      'local/services/cassandra.ts',
      'local/services/local-service.ts',
      'local/services/maven-jars.ts',
      'local/services/postgres.ts',
      'local/services/process-supervisor.ts',
      'local/services/service-runner.ts',
    ],
  },
  {
    reason:
      'part of `npm run verify`, tested through test/unit/local/verify/checks/index.test.ts, ' +
      'test/unit/local/verify/runner.test.ts, test/unit/local/verify/aws/adapters.test.ts and, against a running ' +
      'local pipeline, test/integration/local/verify/cli.test.ts',
    sources: [
      'local/verify/airflow-rest.ts',
      'local/verify/aws/cloudwatch.ts',
      'local/verify/aws/msk.ts',
      'local/verify/aws/mwaa.ts',
      'local/verify/aws/push-api.ts',
      'local/verify/aws/sigv4.ts',
      'local/verify/aws/stack.ts',
      'local/verify/check.ts',
      'local/verify/checks/cleanup.ts',
      'local/verify/checks/deployment.ts',
      'local/verify/checks/failure-path.ts',
      'local/verify/checks/ingestion.ts',
      'local/verify/checks/observability.ts',
      'local/verify/checks/orchestration.ts',
      'local/verify/checks/stores.ts',
      'local/verify/expected.ts',
      'local/verify/lambda-port.ts',
      'local/verify/local-adapters.ts',
      'local/verify/local-airflow.ts',
      'local/verify/ports.ts',
      'local/verify/topic-configs.ts',
      'local/verify/verify-users.ts',
    ],
  },
  {
    reason:
      'helper of a tested tool or model: tools/cli/args.ts through test/unit/cli.test.ts, render-python-fields ' +
      'through test/unit/tools/generated-files.test.ts, the planning tables through ' +
      'test/infra/planning/capacity/model.test.ts and test/infra/planning/cost/model.test.ts',
    sources: [
      'planning/capacity/limits.ts',
      'planning/cost/unit-prices.ts',
      'tools/cli/args.ts',
      'tools/render-python-fields.ts',
    ],
  },
];

function isTestFile(path: string): boolean {
  return path.endsWith('.test.ts');
}

function isSourceFile(path: string): boolean {
  return (
    path.endsWith('.ts') && !path.endsWith('.d.ts') && !isTestFile(path) && !path.includes('node_modules/')
  );
}

/** Repo-relative paths of the files under `directory` that `keep` accepts. */
function filesUnder(directory: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(join(repoRoot, directory))) return [];
  return readdirSync(join(repoRoot, directory), { recursive: true, encoding: 'utf8' })
    .map((path) => `${directory}/${path}`)
    .filter(keep)
    .sort();
}

/** Every source that needs a mirror test, generated files excluded (their generator is what is tested). */
function sourceFiles(): string[] {
  const generated = new Set(generatedFiles().map((file) => file.path));
  return SOURCE_ROOTS.flatMap((root) => filesUnder(root, isSourceFile)).filter(
    (path) => !generated.has(path),
  );
}

function testFiles(): string[] {
  return TEST_TREES.flatMap((tree) => filesUnder(tree, isTestFile));
}

/**
 * The source a test file mirrors: its path below the test tree without `.test.ts`, and without an aspect
 * suffix when the longer name is not a source itself. Undefined when it is outside the mirrored roots.
 */
function mirrorSourceOf(testFile: string): string | undefined {
  const tree = TEST_TREES.find((candidate) => testFile.startsWith(`${candidate}/`));
  if (tree === undefined) return undefined;
  const path = testFile.slice(tree.length + 1, -'.test.ts'.length);
  if (!MIRRORED_ROOTS.includes(path.split('/')[0] ?? '')) return undefined;
  if (existsSync(join(repoRoot, `${path}.ts`))) return `${path}.ts`;
  const withoutAspect = path.replace(/\.[^./]+$/, '');
  return withoutAspect === path ? `${path}.ts` : `${withoutAspect}.ts`;
}

function notMirroredReason(testFile: string): string | undefined {
  for (const [prefix, reason] of NOT_MIRRORED) {
    if (prefix.endsWith('/') ? testFile.startsWith(prefix) : testFile === prefix) return reason;
  }
  return undefined;
}

describe('tests mirror sources', () => {
  const tests = testFiles();
  const mirrored = new Set(tests.map(mirrorSourceOf).filter((source) => source !== undefined));
  const allowed = new Map(
    UNTESTED_ON_PURPOSE.flatMap(({ reason, sources }) => sources.map((s) => [s, reason])),
  );

  it('every source has a test at its mirror path, or a reason on the allow-list', () => {
    const untested = sourceFiles().filter((source) => !mirrored.has(source) && !allowed.has(source));
    expect(untested, 'add test/unit/<path>.test.ts (or integration/infra), or an allow-list entry').toEqual(
      [],
    );
  });

  it('every test under the mirrored trees has its mirror source, or is a listed scenario or check', () => {
    const stale = tests.filter((test) => {
      const source = mirrorSourceOf(test);
      if (source === undefined) return notMirroredReason(test) === undefined;
      return !existsSync(join(repoRoot, source));
    });
    expect(stale, 'move the test beside its source (git mv), or list it in NOT_MIRRORED with why').toEqual(
      [],
    );
  });

  it('the allow-list names only existing sources that still lack a mirror test', () => {
    const sources = new Set(sourceFiles());
    const needless = [...allowed.keys()].filter((source) => !sources.has(source) || mirrored.has(source));
    expect(needless, 'drop these entries: the file is gone, generated, or now has its mirror test').toEqual(
      [],
    );
  });

  it('the tests and folders the reasons name exist', () => {
    const named = UNTESTED_ON_PURPOSE.flatMap(({ reason }) => reason.match(/test\/[\w./*-]+/g) ?? []);
    const missing = named.filter((path) => !path.includes('*') && !existsSync(join(repoRoot, path)));
    expect(missing).toEqual([]);
  });

  it('the listed scenarios and checks exist', () => {
    const missing = [...NOT_MIRRORED.keys()].filter((path) => !existsSync(join(repoRoot, path)));
    expect(missing).toEqual([]);
  });
});
