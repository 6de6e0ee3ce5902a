/**
 * The typed stage settings the CDK app is built from. The values live in bin/config (the only place stage
 * configuration is read and validated); lib/ takes them as props, so it never imports bin/.
 */
import type { LegacyTablePhase } from '../../lambdas/shared/schema/cassandra/day-table-layout.js';

/** Every stage the app can synthesize; `-c stage=<name>` picks one. */
export const STAGE_NAMES = ['dev', 'prod', 'local'] as const;

/** Name of a deployment stage. */
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * Where a stage runs.
 * - `aws`: the full pipeline (VPC, MSK, RDS, Keyspaces, MWAA).
 * - `localstack`: only what LocalStack's free edition serves (REST API, Lambdas, S3, SQS, Secrets Manager,
 *   CloudWatch dashboard); the Lambdas reach the Kafka, Cassandra and PostgreSQL of
 *   `docker-compose.localstack.yml` by their compose host names.
 */
export type DeploymentTarget = 'aws' | 'localstack';

/** Network layout of an `aws` stage. */
export interface NetworkSettings {
  /** Availability zones (and so private subnets) used; MSK brokers are spread over them. */
  readonly maxAzs: number;
  /**
   * NAT gateways. The pull Lambda reaches an external API and MSK/MWAA control-plane calls need egress; 0
   * makes the private subnets isolated (VPC endpoints only).
   */
  readonly natGateways: number;
}

/** Which MSK flavour a stage runs, with its size. */
export type StreamingSettings =
  | {
      /** MSK Serverless: pay per cluster-hour + partition-hour + GB; IAM auth only. */
      readonly kind: 'serverless';
    }
  | {
      /** MSK provisioned brokers. */
      readonly kind: 'provisioned';
      /** Apache Kafka version MSK runs, e.g. `4.1.x.kraft` (MSK_KAFKA_VERSION in bin/config). */
      readonly kafkaVersion: string;
      /** Broker instance type, e.g. `kafka.t3.small`, `kafka.m7g.large`. */
      readonly brokerInstanceType: string;
      /** Brokers in total; a multiple of `network.maxAzs`. */
      readonly brokerCount: number;
      /** EBS volume per broker, GiB. */
      readonly volumeSizeGiB: number;
    };

/** The `users_created` topic's layout (an `AWS::MSK::Topic`, or the custom resource on MSK Serverless). */
export interface TopicSettings {
  /** Partitions; also the processor's maximum parallelism. */
  readonly partitions: number;
  /** Replicas per partition (ignored by MSK Serverless, which always uses 3). */
  readonly replicationFactor: number;
  /** `min.insync.replicas` (provisioned only). */
  readonly minInsyncReplicas: number;
  /** `retention.ms`, in hours. */
  readonly retentionHours: number;
}

/** RDS PostgreSQL sizing and protection. */
export interface DatabaseSettings {
  /** Instance class without the `db.` prefix, e.g. `t4g.micro`. */
  readonly instanceType: string;
  /** Standby in a second AZ. */
  readonly multiAz: boolean;
  /** Initial gp3 storage, GiB. */
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling, GiB. */
  readonly maxAllocatedStorageGiB: number;
  /** Automated backup retention, days (0 disables backups). */
  readonly backupRetentionDays: number;
  /** RDS deletion protection; also keeps a snapshot when the stack deletes the instance. */
  readonly deletionProtection: boolean;
  /** RDS Performance Insights (7 days, free tier retention). */
  readonly performanceInsights: boolean;
  /** RDS enhanced monitoring interval in seconds (1, 5, 10, 15, 30 or 60); 0 turns it off. */
  readonly enhancedMonitoringIntervalSeconds: 0 | 1 | 5 | 10 | 15 | 30 | 60;
}

/** How clients authenticate to `POST /v1/users`. */
export type ApiAuthMode = 'iam' | 'apiKey';

/** REST API settings. */
export interface ApiSettings {
  /** `iam` (SigV4-signed callers) or `apiKey` (API key + usage plan). */
  readonly auth: ApiAuthMode;
  /** Steady-state requests per second for the stage. */
  readonly throttleRateLimit: number;
  /** Burst requests. */
  readonly throttleBurstLimit: number;
  /** Attach an AWS WAF web ACL with AWS managed rule groups. */
  readonly waf: boolean;
  /**
   * With `waf`: requests one client IP may send per 5 minutes before the web ACL blocks it (a rate-based rule);
   * a feed faster than that needs more client IPs or more users per request (`npm run capacity` notes it).
   */
  readonly wafRequestsPerIpPer5Minutes: number;
}

/**
 * The account's quotas in the stage's Region that bound the stage, as the capacity model (`npm run capacity`)
 * assumes them. Nothing is deployed from these: they say what the account must have (Service Quotas), and
 * they are shared by every stage and application of the account in that Region.
 */
export interface AccountQuotaSettings {
  /**
   * API Gateway throttle quota per account and Region (Service Quotas L-8A5B8E43; AWS default 10,000
   * requests/s, adjustable), shared by every API of the account there. `api.throttleRateLimit` cannot exceed it.
   */
  readonly apiGatewayRequestsPerSecond: number;
  /** Lambda concurrent executions per account and Region (AWS default 1,000, adjustable). */
  readonly lambdaConcurrentExecutions: number;
}

/**
 * The day table (users_by_signup_day_bucketed): partition (signup_day, country, bucket). One (day, country)
 * spreads over `buckets` partitions of up to 1,000 writes/s each in Keyspaces; readers read every bucket.
 */
export interface SignupDayTableSettings {
  /**
   * Buckets per (signup_day, country), 1 to 1024. Fixed for the table's life: rows are keyed by it, so a new
   * count means a new table (the same procedure as the upgrade, docs/scaling.md).
   */
  readonly buckets: number;
  /**
   * Where a stage deployed before the bucketed table stands in its upgrade (docs/scaling.md, "Upgrading a
   * deployed stage"): `none` (only the bucketed table: new stages and finished upgrades), `dual-write` (the
   * legacy `users_by_signup_day` is written too and still read), `readers-switched` (both written, readers on
   * the bucketed table).
   */
  readonly legacyTable: LegacyTablePhase;
}

/** The scheduled pull ingestion. */
export interface PullScheduleSettings {
  /** Whether the EventBridge Scheduler schedule is enabled (it is created either way). */
  readonly enabled: boolean;
  /** Minutes between runs. */
  readonly rateMinutes: number;
  /** Users fetched per run: the schedule's input `{"count": N}`. */
  readonly count: number;
}

/** The MSK → processor event source mapping and the processor's limits. */
export interface ProcessorSettings {
  /** Records per batch. */
  readonly batchSize: number;
  /** Longest wait to fill a batch, seconds. */
  readonly maxBatchingWindowSeconds: number;
  /** Reserved concurrency: the most connections the processor can open to RDS Proxy and Keyspaces. */
  readonly reservedConcurrency: number;
  /**
   * Provisioned event pollers (min/max). Every AWS stage needs them: retry limits, batch bisection, the
   * maximum record age and a Kafka on-failure destination exist only in provisioned mode (on-demand retries
   * forever and stalls the partition).
   */
  readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number };
  /** Memory, MiB. */
  readonly memorySizeMiB: number;
  /**
   * CQL connections the processor opens to each Keyspaces host (one per VPC endpoint network interface).
   * Keyspaces serves at most 3,000 CQL requests/s per connection; `npm run capacity` checks this is enough.
   */
  readonly keyspacesConnectionsPerHost: number;
  /** Retries of a failing batch before its records go to the failure topic (ESM MaximumRetryAttempts). */
  readonly retryAttempts: number;
  /** Split a failing batch in two and retry each half, isolating a poison record (BisectBatchOnFunctionError). */
  readonly bisectBatchOnError: boolean;
  /**
   * Records older than this go to the failure topic without another invocation (MaximumRecordAgeInSeconds,
   * 60 s to 7 days); kept below the topic's retention so no record expires unprocessed.
   */
  readonly maxRecordAgeSeconds: number;
  /** Where records that exhaust their retries or age go. */
  readonly failureDestination: FailureDestinationSettings;
}

/**
 * The event source mapping's on-failure destination: a Kafka topic on the same cluster (`KafkaDlq`), which
 * keeps the failed records themselves with the failure metadata. Never SQS/SNS: those carry offsets only.
 */
export interface FailureDestinationSettings {
  /** Failure topic name (must differ from the source topic). */
  readonly topicName: string;
  /** `retention.ms` of the failure topic, in hours: long, so failed records wait for their replay. */
  readonly retentionHours: number;
}

/** MWAA environment size. */
export interface OrchestrationSettings {
  /** `mw1.micro`, `mw1.small`, `mw1.medium`, `mw1.large`, ... */
  readonly environmentClass: string;
  /** Workers always running. */
  readonly minWorkers: number;
  /** Worker autoscaling ceiling. */
  readonly maxWorkers: number;
  /** Schedulers (mw1.micro: exactly 1). */
  readonly schedulers: number;
  /**
   * How the environment gets its Airflow version (lib/constructs/orchestration/airflow-version.ts).
   * - `cloudformation`: `AWS::MWAA::Environment.AirflowVersion` is the version itself.
   * - `update-environment`: the fallback for a version CloudFormation refuses (its documentation lists 3.0.6 as
   *   the newest, aws-cloudformation/cloudformation-coverage-roadmap#2517): CloudFormation creates the
   *   environment on the newest documented version and a custom resource calls MWAA UpdateEnvironment with the
   *   real one.
   */
  readonly airflowVersionVia: 'cloudformation' | 'update-environment';
}

/**
 * How long the pipeline keeps personal data where nothing else removes it (docs/erasure-and-retention.md).
 * Erasure (`DELETE /v1/users/{id}`) removes a user at any time; these bound what nobody erases. The failure
 * topic's retention, the third part of the policy, is `processor.failureDestination.retentionHours`.
 */
export interface RetentionSettings {
  /**
   * Default TTL of the Cassandra / Keyspaces user tables (`created_users`, `users_by_signup_day`), in days: a
   * row expires this long after its last write (`default_time_to_live`). 0 keeps rows until they are deleted.
   * On Keyspaces, a table that once had a TTL keeps the TTL feature (and its per-row metadata) for good: 0
   * then only stops new rows from expiring. `user_tombstones` never expires. At most 7,300 (20 years, the
   * Keyspaces maximum).
   */
  readonly userRowsTtlDays: number;
  /**
   * Days a dead letter keeps its raw key and value, counted from `first_seen_at`; the daily
   * `dead_letter_retention` DAG purges older ones (reason, issues and the Kafka position stay). Replay dead
   * letters within this window. 1 to 3,650.
   */
  readonly deadLetterRawBytesDays: number;
}

/** Alarm thresholds and log retention. */
export interface ObservabilitySettings {
  /** Days Lambda, API and VPC logs are kept. */
  readonly logRetentionDays: number;
  /** Records behind the topic end before the OffsetLag alarm fires. */
  readonly offsetLagThreshold: number;
  /** End-to-end latency p99 (ms from `ingested_at` to every sink written) before its alarm fires. */
  readonly endToEndLatencyP99ThresholdMs: number;
  /** E-mail subscribed to the alarm topic; none when undefined. */
  readonly alarmEmail?: string;
}

/** Where the Lambdas of the `localstack` target find the compose services (docker-compose.localstack.yml). */
export interface LocalServiceEndpoints {
  readonly kafkaBrokers: string;
  readonly cassandraContactPoints: string;
  readonly cassandraPort: number;
  readonly cassandraLocalDataCenter: string;
  readonly postgresHost: string;
  readonly postgresPort: number;
  readonly postgresDatabase: string;
  readonly postgresUser: string;
  /** Development password of the compose PostgreSQL; stored in a Secrets Manager secret. */
  readonly postgresPassword: string;
  /** randomuser.me-compatible API the pull Lambda calls. */
  readonly randomUserBaseUrl: string;
}

/**
 * Settings that differ between stages, as each `bin/config/<stage>.ts` declares them.
 *
 * Only `bin/` reads stage configuration; stacks receive the resolved values they need as props.
 * New settings go here with a TSDoc `@default` and are resolved in bin/config (`resolveStageConfig`).
 */
export interface StageConfig {
  /** Stage name; becomes part of the stack name and the `stage` tag. */
  readonly stageName: StageName;

  /**
   * AWS account the stage deploys to.
   *
   * @default - `CDK_DEFAULT_ACCOUNT` (set by the CDK CLI from the current credentials); when that is unset
   * too, the stack is environment-agnostic
   */
  readonly account?: string;

  /**
   * AWS region the stage deploys to.
   *
   * @default - `CDK_DEFAULT_REGION`; when that is unset too, the stack is environment-agnostic
   */
  readonly region?: string;

  /**
   * Kafka topic for newly created users.
   *
   * @default 'users_created'
   */
  readonly topicName?: string;

  /**
   * Whether CloudFormation refuses to delete the stage's stack.
   *
   * @default false
   */
  readonly terminationProtection?: boolean;

  /**
   * Where the stage runs.
   *
   * @default 'aws'
   */
  readonly target?: DeploymentTarget;

  /** @default DEFAULT_SETTINGS (bin/config).network (2 AZs, 1 NAT gateway) */
  readonly network?: Partial<NetworkSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).streaming (2 × kafka.t3.small) */
  readonly streaming?: StreamingSettings;
  /** @default DEFAULT_SETTINGS (bin/config).topic */
  readonly topic?: Partial<TopicSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).database (single-AZ db.t4g.micro) */
  readonly database?: Partial<DatabaseSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).api (API key, 50 rps, no WAF) */
  readonly api?: Partial<ApiSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).pullSchedule (enabled, every 15 minutes, 100 users) */
  readonly pullSchedule?: Partial<PullScheduleSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).processor */
  readonly processor?: Partial<ProcessorSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).signupDayTable (4 buckets, no legacy table) */
  readonly signupDayTable?: Partial<SignupDayTableSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).accountQuotas (the AWS defaults) */
  readonly accountQuotas?: Partial<AccountQuotaSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).orchestration (mw1.micro) */
  readonly orchestration?: Partial<OrchestrationSettings>;
  /** @default DEFAULT_SETTINGS (bin/config).observability */
  readonly observability?: Partial<ObservabilitySettings>;
  /** @default DEFAULT_SETTINGS (bin/config).retention (user rows expire after 90 days, dead-letter bytes after 30) */
  readonly retention?: Partial<RetentionSettings>;
  /**
   * Compose service addresses for the `localstack` target.
   *
   * @default DEFAULT_LOCAL_ENDPOINTS (bin/config)
   */
  readonly localEndpoints?: Partial<LocalServiceEndpoints>;
}

/** A {@link StageConfig} with every default applied: what the app factory consumes. */
export interface ResolvedStageConfig {
  /** Stage name. */
  readonly stageName: StageName;
  /** AWS account, or `undefined` for an environment-agnostic stack. */
  readonly account: string | undefined;
  /** AWS region, or `undefined` for an environment-agnostic stack. */
  readonly region: string | undefined;
  /** Kafka topic for newly created users. */
  readonly topicName: string;
  /** Whether CloudFormation refuses to delete the stack. */
  readonly terminationProtection: boolean;
  /** Where the stage runs. */
  readonly target: DeploymentTarget;
  readonly network: NetworkSettings;
  readonly streaming: StreamingSettings;
  readonly topic: TopicSettings;
  readonly database: DatabaseSettings;
  readonly api: ApiSettings;
  readonly pullSchedule: PullScheduleSettings;
  readonly processor: ProcessorSettings;
  readonly signupDayTable: SignupDayTableSettings;
  readonly accountQuotas: AccountQuotaSettings;
  readonly orchestration: OrchestrationSettings;
  readonly observability: ObservabilitySettings;
  readonly retention: RetentionSettings;
  readonly localEndpoints: LocalServiceEndpoints;
}
