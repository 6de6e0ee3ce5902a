/**
 * What a stage must look like after its deploy, from the same stage configuration CDK and the local mirror are
 * built from (bin/config). For `local` that is the `npm start` mirror, whose mapping takes the event source
 * mapping settings of LOCAL_MAPPING_STAGE (dev) and whose topics are created by `npm start` itself.
 */
import { loadStageConfig, MSK_KAFKA_VERSION, type ResolvedStageConfig } from '../../bin/config/index.js';
import { USERS_CREATED_TOPIC } from '../../lambdas/shared/contract/index.js';
import { MAPPING_METRIC_GROUPS } from '../../lib/constructs/observability/definition/metrics/lambda.js';
import { AIRFLOW_VERSION } from '../../lib/constructs/orchestration/airflow-version.js';
import { LOCAL_MAPPING_STAGE, localMappingSettings } from '../runtime/local-mapping.js';

const HOUR_MS = 3_600_000;

/** A topic's layout; an absent field is not checked. */
export interface ExpectedTopic {
  readonly name: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** `retention.ms`. */
  readonly retentionMs?: string;
  readonly minInsyncReplicas?: string;
}

/** The processor's event source mapping; an absent field is not checked. */
export interface ExpectedMapping {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
  readonly maxRecordAgeSeconds: number;
  readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number };
  /** MetricsConfig groups. */
  readonly metricGroups?: readonly string[];
}

export interface ExpectedStage {
  readonly stage: string;
  /** Where the settings come from, for the report. */
  readonly source: string;
  readonly topics: { readonly source: ExpectedTopic; readonly failure: ExpectedTopic };
  readonly mapping: ExpectedMapping;
  /**
   * Kafka version as the stage names it (`4.1.x.kraft`); locally the MSK line the local broker must run (`4.1`:
   * the major.minor of MSK_KAFKA_VERSION).
   */
  readonly kafkaVersion: string;
  readonly broker?: { readonly instanceType: string; readonly count: number };
  readonly airflowVersion: string;
}

/** The mapping metric groups the dashboard definition reads (and the CDK mapping enables). */
function metricGroups(): string[] {
  return [...new Set<string>(Object.values(MAPPING_METRIC_GROUPS))].sort();
}

/** A deployed (`aws`) stage: every setting straight from its resolved configuration. */
export function expectedAwsStage(config: ResolvedStageConfig): ExpectedStage {
  const { processor, topic, streaming } = config;
  const failure = processor.failureDestination;
  return {
    stage: config.stageName,
    source: `bin/config (stage ${config.stageName})`,
    topics: {
      source: {
        name: config.topicName,
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        retentionMs: String(topic.retentionHours * HOUR_MS),
        minInsyncReplicas: String(topic.minInsyncReplicas),
      },
      failure: {
        name: failure.topicName,
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        retentionMs: String(failure.retentionHours * HOUR_MS),
        minInsyncReplicas: String(topic.minInsyncReplicas),
      },
    },
    mapping: {
      batchSize: processor.batchSize,
      maxBatchingWindowSeconds: processor.maxBatchingWindowSeconds,
      retryAttempts: processor.retryAttempts,
      bisectBatchOnError: processor.bisectBatchOnError,
      maxRecordAgeSeconds: processor.maxRecordAgeSeconds,
      ...(processor.provisionedPollers ? { provisionedPollers: processor.provisionedPollers } : {}),
      metricGroups: metricGroups(),
    },
    kafkaVersion: streaming.kind === 'provisioned' ? streaming.kafkaVersion : 'serverless',
    ...(streaming.kind === 'provisioned'
      ? { broker: { instanceType: streaming.brokerInstanceType, count: streaming.brokerCount } }
      : {}),
    airflowVersion: AIRFLOW_VERSION,
  };
}

/**
 * The `npm start` mirror: the mapping and the failure topic's retention of LOCAL_MAPPING_STAGE (dev), the topic
 * names from KAFKA_TOPIC/KAFKA_FAILURE_TOPIC as `npm start` resolves them. `npm start` creates the source topic
 * with its own partition count and the broker's retention, on one broker, so those are not compared; the
 * failure topic must have the source topic's partitions (checked by the failure-path check).
 */
export function expectedLocalStage(env: NodeJS.ProcessEnv = process.env): ExpectedStage {
  const mapping = localMappingSettings({ failureTopic: env.KAFKA_FAILURE_TOPIC || undefined });
  return {
    stage: 'local',
    source: `bin/config (stage ${LOCAL_MAPPING_STAGE}, as npm start applies it)`,
    topics: {
      source: { name: env.KAFKA_TOPIC || USERS_CREATED_TOPIC },
      failure: {
        name: mapping.failure.failureTopic,
        retentionMs: String(mapping.failureTopicRetentionHours * HOUR_MS),
      },
    },
    mapping: {
      batchSize: mapping.batchSize,
      maxBatchingWindowSeconds: mapping.batchWindowMs / 1000,
      retryAttempts: mapping.failure.retryAttempts,
      bisectBatchOnError: mapping.failure.bisectBatchOnError,
      maxRecordAgeSeconds: mapping.failure.maxRecordAgeSeconds,
    },
    kafkaVersion: MSK_KAFKA_VERSION.split('.').slice(0, 2).join('.'),
    airflowVersion: AIRFLOW_VERSION,
  };
}

/** The expected shape of `stage` (`local` = the npm start mirror). */
export function expectedStage(stage: string, env: NodeJS.ProcessEnv = process.env): ExpectedStage {
  return stage === 'local' ? expectedLocalStage(env) : expectedAwsStage(loadStageConfig(stage, env));
}
