// The settings types live in lib/ (which never imports bin/); bin/ holds the values, reads and validates them.
export * from '../../lib/config/stage-settings.js';

import { LEGACY_TABLE_PHASES, MAX_SIGNUP_DAY_BUCKETS } from '../../lambdas/shared/schema/cassandra/index.js';
import type {
  AccountQuotaSettings,
  ApiSettings,
  DatabaseSettings,
  LocalServiceEndpoints,
  NetworkSettings,
  ObservabilitySettings,
  OrchestrationSettings,
  ProcessorSettings,
  PullScheduleSettings,
  ResolvedStageConfig,
  RetentionSettings,
  SignupDayTableSettings,
  StageConfig,
  StageName,
  StreamingSettings,
  TopicSettings,
} from '../../lib/config/stage-settings.js';

/** Stage used when `-c stage=...` is not given. */
export const DEFAULT_STAGE_NAME: StageName = 'dev';

/**
 * Kafka on MSK provisioned: 4.1 in KRaft mode, the line the local mirror runs (Kafka 4.1.2, KRaft), so the
 * broker protocol and metadata mode the tests see are the ones AWS runs. MSK added 4.1.x on 2025-10-15
 * (MSK Developer Guide, document history); `.kraft` selects KRaft metadata (the spelling of aws-msk-alpha's
 * KafkaVersion.V4_1_X_KRAFT). 3.9.x, the previous pin, is the last ZooKeeper line.
 */
export const MSK_KAFKA_VERSION = '4.1.x.kraft';

/** Kafka topic the ingestion Lambdas produce to and the processor consumes from. */
export const DEFAULT_TOPIC_NAME = 'users_created';

/** The cheapest sensible AWS settings; stages override what they need. */
export const DEFAULT_SETTINGS = {
  network: { maxAzs: 2, natGateways: 1 },
  streaming: {
    kind: 'provisioned',
    kafkaVersion: MSK_KAFKA_VERSION,
    brokerInstanceType: 'kafka.t3.small',
    brokerCount: 2,
    volumeSizeGiB: 20,
  },
  topic: { partitions: 6, replicationFactor: 2, minInsyncReplicas: 1, retentionHours: 72 },
  database: {
    instanceType: 't4g.micro',
    multiAz: false,
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 50,
    backupRetentionDays: 1,
    deletionProtection: false,
    performanceInsights: false,
    enhancedMonitoringIntervalSeconds: 0,
  },
  api: {
    auth: 'apiKey',
    throttleRateLimit: 50,
    throttleBurstLimit: 100,
    waf: false,
    wafRequestsPerIpPer5Minutes: 2_000,
  },
  pullSchedule: { enabled: true, rateMinutes: 15, count: 100 },
  processor: {
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    reservedConcurrency: 6,
    memorySizeMiB: 512,
    // One poller is the cheapest way to a bounded retry budget and a Kafka failure topic (see README).
    provisionedPollers: { minimum: 1, maximum: 2 },
    retryAttempts: 10,
    bisectBatchOnError: true,
    maxRecordAgeSeconds: 86_400,
    failureDestination: { topicName: 'users_created_failed', retentionHours: 24 * 30 },
    keyspacesConnectionsPerHost: 1,
  },
  // Four partitions per (day, country): 4,000 writes/s for one market, far above the API throttle.
  signupDayTable: { buckets: 4, legacyTable: 'none' },
  // The AWS defaults of a new account (API Gateway and Lambda quotas pages).
  accountQuotas: { apiGatewayRequestsPerSecond: 10_000, lambdaConcurrentExecutions: 1_000 },
  orchestration: {
    environmentClass: 'mw1.micro',
    minWorkers: 1,
    maxWorkers: 1,
    schedulers: 1,
    airflowVersionVia: 'cloudformation',
  },
  observability: { logRetentionDays: 14, offsetLagThreshold: 10_000, endToEndLatencyP99ThresholdMs: 10_000 },
  // Development data is disposable: rows nobody erased expire after 90 days, so Keyspaces storage levels off.
  retention: { userRowsTtlDays: 90, deadLetterRawBytesDays: 30 },
} as const satisfies {
  network: NetworkSettings;
  streaming: StreamingSettings;
  topic: TopicSettings;
  database: DatabaseSettings;
  api: ApiSettings;
  pullSchedule: PullScheduleSettings;
  processor: ProcessorSettings;
  signupDayTable: SignupDayTableSettings;
  accountQuotas: AccountQuotaSettings;
  orchestration: OrchestrationSettings;
  observability: ObservabilitySettings;
  retention: RetentionSettings;
};

/** The compose services of `docker-compose.localstack.yml`, as Lambda containers on its network see them. */
export const DEFAULT_LOCAL_ENDPOINTS: LocalServiceEndpoints = {
  kafkaBrokers: 'kafka:29092',
  cassandraContactPoints: 'cassandra',
  cassandraPort: 9042,
  cassandraLocalDataCenter: 'datacenter1',
  postgresHost: 'postgres',
  postgresPort: 5432,
  postgresDatabase: 'pipeline',
  postgresUser: 'postgres',
  postgresPassword: 'postgres',
  randomUserBaseUrl: 'https://randomuser.me',
};

/** Thrown when a stage's settings contradict each other. */
export class InvalidStageConfigError extends Error {
  override readonly name = 'InvalidStageConfigError';
}

/**
 * Applies the documented defaults to a stage's declared settings.
 *
 * @param env where `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION` come from; injectable for tests
 * @throws InvalidStageConfigError when the settings contradict each other (e.g. brokers vs AZs)
 */
export function resolveStageConfig(
  config: StageConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedStageConfig {
  const resolved: ResolvedStageConfig = {
    stageName: config.stageName,
    account: config.account ?? nonEmpty(env.CDK_DEFAULT_ACCOUNT),
    region: config.region ?? nonEmpty(env.CDK_DEFAULT_REGION),
    topicName: config.topicName ?? DEFAULT_TOPIC_NAME,
    terminationProtection: config.terminationProtection ?? false,
    target: config.target ?? 'aws',
    network: { ...DEFAULT_SETTINGS.network, ...config.network },
    streaming: config.streaming ?? DEFAULT_SETTINGS.streaming,
    topic: { ...DEFAULT_SETTINGS.topic, ...config.topic },
    database: { ...DEFAULT_SETTINGS.database, ...config.database },
    api: { ...DEFAULT_SETTINGS.api, ...config.api },
    pullSchedule: { ...DEFAULT_SETTINGS.pullSchedule, ...config.pullSchedule },
    processor: { ...DEFAULT_SETTINGS.processor, ...config.processor },
    signupDayTable: { ...DEFAULT_SETTINGS.signupDayTable, ...config.signupDayTable },
    accountQuotas: { ...DEFAULT_SETTINGS.accountQuotas, ...config.accountQuotas },
    orchestration: { ...DEFAULT_SETTINGS.orchestration, ...config.orchestration },
    observability: { ...DEFAULT_SETTINGS.observability, ...config.observability },
    retention: { ...DEFAULT_SETTINGS.retention, ...config.retention },
    localEndpoints: { ...DEFAULT_LOCAL_ENDPOINTS, ...config.localEndpoints },
  };
  assertConsistent(resolved);
  return resolved;
}

function assertConsistent(config: ResolvedStageConfig): void {
  const { network, streaming, topic, orchestration } = config;
  if (!Number.isInteger(network.maxAzs) || network.maxAzs < 2 || network.maxAzs > 3) {
    throw new InvalidStageConfigError(`network.maxAzs must be 2 or 3 (MSK and MWAA need two subnets)`);
  }
  if (network.natGateways < 0 || network.natGateways > network.maxAzs) {
    throw new InvalidStageConfigError(`network.natGateways must be between 0 and maxAzs`);
  }
  if (streaming.kind === 'provisioned') {
    if (streaming.brokerCount % network.maxAzs !== 0) {
      throw new InvalidStageConfigError(
        `streaming.brokerCount (${streaming.brokerCount}) must be a multiple of network.maxAzs (${network.maxAzs})`,
      );
    }
    if (topic.replicationFactor > streaming.brokerCount) {
      throw new InvalidStageConfigError(`topic.replicationFactor cannot exceed the broker count`);
    }
  }
  if (topic.minInsyncReplicas > topic.replicationFactor) {
    throw new InvalidStageConfigError(`topic.minInsyncReplicas cannot exceed topic.replicationFactor`);
  }
  if (orchestration.minWorkers > orchestration.maxWorkers) {
    throw new InvalidStageConfigError(`orchestration.minWorkers cannot exceed maxWorkers`);
  }
  const pollers = config.processor.provisionedPollers;
  if (pollers && (pollers.minimum < 1 || pollers.minimum > pollers.maximum)) {
    throw new InvalidStageConfigError(`processor.provisionedPollers needs 1 <= minimum <= maximum`);
  }
  assertFailureHandling(config);
  assertScaleSettings(config);
  assertRetention(config);
}

function assertScaleSettings(config: ResolvedStageConfig): void {
  const { signupDayTable, accountQuotas, api } = config;
  if (
    !Number.isInteger(signupDayTable.buckets) ||
    signupDayTable.buckets < 1 ||
    signupDayTable.buckets > MAX_SIGNUP_DAY_BUCKETS
  ) {
    throw new InvalidStageConfigError(
      `signupDayTable.buckets must be a whole number from 1 to ${MAX_SIGNUP_DAY_BUCKETS}`,
    );
  }
  if (!(LEGACY_TABLE_PHASES as readonly string[]).includes(signupDayTable.legacyTable)) {
    throw new InvalidStageConfigError(
      `signupDayTable.legacyTable must be one of ${LEGACY_TABLE_PHASES.join(', ')}`,
    );
  }
  if (api.throttleRateLimit > accountQuotas.apiGatewayRequestsPerSecond) {
    throw new InvalidStageConfigError(
      `api.throttleRateLimit (${api.throttleRateLimit}) exceeds accountQuotas.apiGatewayRequestsPerSecond ` +
        `(${accountQuotas.apiGatewayRequestsPerSecond}): API Gateway caps every stage at the account's quota; ` +
        'raise the quota (Service Quotas L-8A5B8E43) and say so there',
    );
  }
  if (config.processor.reservedConcurrency > accountQuotas.lambdaConcurrentExecutions - 100) {
    throw new InvalidStageConfigError(
      'processor.reservedConcurrency must leave 100 of accountQuotas.lambdaConcurrentExecutions unreserved',
    );
  }
}

/** Keyspaces' largest default TTL: 630,720,000 s (20 years). */
const MAX_USER_ROWS_TTL_DAYS = 7_300;

function assertRetention({ retention }: ResolvedStageConfig): void {
  const ttl = retention.userRowsTtlDays;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_USER_ROWS_TTL_DAYS) {
    throw new InvalidStageConfigError(
      `retention.userRowsTtlDays must be a whole number from 0 (no TTL) to ${MAX_USER_ROWS_TTL_DAYS} (Keyspaces' 20 years)`,
    );
  }
  const days = retention.deadLetterRawBytesDays;
  if (!Number.isInteger(days) || days < 1 || days > 3_650) {
    throw new InvalidStageConfigError(
      `retention.deadLetterRawBytesDays must be a whole number from 1 to 3650`,
    );
  }
}

function assertFailureHandling(config: ResolvedStageConfig): void {
  const { processor, topic, topicName } = config;
  if (
    !Number.isInteger(processor.retryAttempts) ||
    processor.retryAttempts < 0 ||
    processor.retryAttempts > 10_000
  ) {
    throw new InvalidStageConfigError(`processor.retryAttempts must be a whole number from 0 to 10000`);
  }
  const age = processor.maxRecordAgeSeconds;
  if (!Number.isInteger(age) || age < 60 || age > 604_800) {
    throw new InvalidStageConfigError(`processor.maxRecordAgeSeconds must be from 60 to 604800`);
  }
  if (age >= topic.retentionHours * 3_600) {
    throw new InvalidStageConfigError(
      `processor.maxRecordAgeSeconds must be below topic.retentionHours, or records expire before they fail over`,
    );
  }
  if (processor.failureDestination.topicName === topicName) {
    throw new InvalidStageConfigError(`processor.failureDestination.topicName must differ from topicName`);
  }
  if (config.target === 'aws' && !processor.provisionedPollers) {
    throw new InvalidStageConfigError(
      `processor.provisionedPollers is required: retries, bisection and the Kafka failure topic need provisioned mode`,
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
