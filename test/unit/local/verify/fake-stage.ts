/** In-memory ports for the check logic's unit tests (the real adapters are exercised by the integration test). */
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { loadStageConfig } from '../../../../bin/config/index.js';
import type { VerifyContext } from '../../../../local/verify/check.js';
import { expectedAwsStage } from '../../../../local/verify/expected.js';
import type { AlarmState, StagePorts, TopicDescription } from '../../../../local/verify/ports.js';

export const EXPECTED = expectedAwsStage(loadStageConfig('dev', {}));

/** A context whose clock advances only when the checks sleep. */
export function fakeContext(overrides: Partial<VerifyContext> = {}): VerifyContext {
  let now = 1_000_000;
  return {
    runId: '0a1b2c3d',
    startedAt: new Date(now),
    expected: EXPECTED,
    waits: { storesMs: 30_000, dagMs: 60_000, pollMs: 5_000 },
    record: { userIds: [] },
    progress: () => {},
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    ...overrides,
  };
}

/** The mapping exactly as the dev stage config wants it. */
export function devMapping(): EventSourceMappingConfiguration {
  const m = EXPECTED.mapping;
  return {
    UUID: 'mapping-uuid',
    State: 'Enabled',
    Topics: [EXPECTED.topics.source.name],
    DestinationConfig: { OnFailure: { Destination: `kafka://${EXPECTED.topics.failure.name}` } },
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maxBatchingWindowSeconds,
    MaximumRetryAttempts: m.retryAttempts,
    BisectBatchOnFunctionError: m.bisectBatchOnError,
    MaximumRecordAgeInSeconds: m.maxRecordAgeSeconds,
    ProvisionedPollerConfig: {
      MinimumPollers: m.provisionedPollers?.minimum,
      MaximumPollers: m.provisionedPollers?.maximum,
    },
    MetricsConfig: { Metrics: ['EventCount', 'ErrorCount'] },
  };
}

/** A topic exactly as the dev stage config wants it. */
export function devTopic(which: 'source' | 'failure'): TopicDescription {
  const t = EXPECTED.topics[which];
  return {
    name: t.name,
    partitions: t.partitions ?? 0,
    replicationFactor: t.replicationFactor ?? 0,
    configs: { 'retention.ms': t.retentionMs ?? '', 'min.insync.replicas': t.minInsyncReplicas ?? '' },
  };
}

/** Ports of a healthy dev stage; tests replace the parts they break. */
export function fakePorts(overrides: Partial<StagePorts> = {}): StagePorts {
  const alarms = ['realtime-user-pipeline-dev-api-5xx', 'realtime-user-pipeline-dev-records-dropped'];
  return {
    api: {
      postUsers: async () => ({ status: 202, body: JSON.stringify({ accepted: 3 }) }),
      deleteUser: async () => ({ status: 202, body: JSON.stringify({ accepted: 1 }) }),
    },
    lambda: {
      invoke: async () => {
        throw new Error('not scripted');
      },
      eventSourceMapping: async () => devMapping(),
    },
    topics: {
      describe: async (name) =>
        name === EXPECTED.topics.source.name
          ? devTopic('source')
          : name === EXPECTED.topics.failure.name
            ? devTopic('failure')
            : undefined,
    },
    dags: { runDag: async (_dag, runId) => ({ runId, state: 'success', tasks: { measure: 'success' } }) },
    alarms: {
      definedAlarms: async () => alarms,
      states: async (names) => new Map(names.map((name): [string, AlarmState] => [name, 'OK'])),
    },
    deployment: {
      versions: async () => ({
        kafkaVersion: EXPECTED.kafkaVersion,
        brokerInstanceType: EXPECTED.broker?.instanceType,
        brokerCount: EXPECTED.broker?.count,
        airflowVersion: EXPECTED.airflowVersion,
        orchestrationStatus: 'AVAILABLE',
      }),
    },
    functions: { pull: 'pull-fn', verification: 'verification-fn' },
    ...overrides,
  };
}
