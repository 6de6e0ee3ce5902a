import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { CheckFailedError, type CheckResult, pass, type VerifyContext } from '../check.js';
import type { ExpectedMapping, ExpectedTopic } from '../expected.js';
import type { StagePorts, TopicDescription } from '../ports.js';

/** `name: deployed ≠ expected` for each setting that differs. */
function differences(pairs: ReadonlyArray<readonly [string, unknown, unknown]>): string[] {
  return pairs
    .filter(
      ([, deployed, expected]) =>
        expected !== undefined && JSON.stringify(deployed) !== JSON.stringify(expected),
    )
    .map(([name, deployed, expected]) => `${name} ${JSON.stringify(deployed)} ≠ ${JSON.stringify(expected)}`);
}

/** The mapping against the stage config: enabled, source and failure topic, batching, retries, age, metrics. */
export function mappingProblems(
  mapping: EventSourceMappingConfiguration,
  expected: ExpectedMapping,
  topics: { readonly source: string; readonly failure: string },
): string[] {
  const problems: string[] = [];
  if (mapping.State !== 'Enabled') problems.push(`the mapping is ${mapping.State}, not Enabled`);
  const pollers = mapping.ProvisionedPollerConfig;
  problems.push(
    ...differences([
      ['topics', mapping.Topics, [topics.source]],
      [
        'on-failure destination',
        mapping.DestinationConfig?.OnFailure?.Destination,
        `kafka://${topics.failure}`,
      ],
      ['BatchSize', mapping.BatchSize, expected.batchSize],
      [
        'MaximumBatchingWindowInSeconds',
        mapping.MaximumBatchingWindowInSeconds,
        expected.maxBatchingWindowSeconds,
      ],
      ['MaximumRetryAttempts', mapping.MaximumRetryAttempts, expected.retryAttempts],
      ['BisectBatchOnFunctionError', mapping.BisectBatchOnFunctionError, expected.bisectBatchOnError],
      ['MaximumRecordAgeInSeconds', mapping.MaximumRecordAgeInSeconds, expected.maxRecordAgeSeconds],
      [
        'ProvisionedPollerConfig',
        pollers && { minimum: pollers.MinimumPollers, maximum: pollers.MaximumPollers },
        expected.provisionedPollers,
      ],
      ['MetricsConfig', [...(mapping.MetricsConfig?.Metrics ?? [])].sort(), expected.metricGroups],
    ]),
  );
  return problems;
}

/**
 * A topic against the stage config. `retention.ms` and `min.insync.replicas` are read back from the cluster:
 * the proof that AWS::MSK::Topic understood the Configs encoding (README, "Kafka topics").
 */
export function topicProblems(described: TopicDescription | undefined, expected: ExpectedTopic): string[] {
  if (!described) return [`topic ${expected.name} does not exist`];
  return differences([
    ['partitions', described.partitions, expected.partitions],
    ['replication factor', described.replicationFactor, expected.replicationFactor],
    ['retention.ms', described.configs['retention.ms'], expected.retentionMs],
    ['min.insync.replicas', described.configs['min.insync.replicas'], expected.minInsyncReplicas],
  ]).map((problem) => `${expected.name}: ${problem}`);
}

/** The failure path is in place: the failure topic with its settings, the mapping Enabled and pointing at it. */
export async function checkFailurePath(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const { topics, mapping } = context.expected;
  const deployed = await ports.lambda.eventSourceMapping();
  const [source, failure] = await Promise.all([
    ports.topics.describe(topics.source.name),
    ports.topics.describe(topics.failure.name),
  ]);
  const problems = [
    ...mappingProblems(deployed, mapping, { source: topics.source.name, failure: topics.failure.name }),
    ...topicProblems(source, topics.source),
    ...topicProblems(failure, topics.failure),
  ];
  if (source && failure && source.partitions !== failure.partitions) {
    problems.push(
      `${failure.name} has ${failure.partitions} partitions, ${source.name} ${source.partitions}`,
    );
  }
  if (problems.length > 0) throw new CheckFailedError(problems.join('; '));
  return pass(
    `mapping ${deployed.UUID} Enabled → kafka://${topics.failure.name} (${failure?.partitions} partitions, ` +
      `retention ${Number(failure?.configs['retention.ms']) / 3_600_000} h); ` +
      `${deployed.MaximumRetryAttempts} retries, bisect ${deployed.BisectBatchOnFunctionError}, ` +
      `max age ${deployed.MaximumRecordAgeInSeconds} s`,
  );
}
