import { loadStageConfig, type ProcessorSettings } from '../../bin/config/index.js';
import {
  readSignupDayLayout,
  SIGNUP_DAY_BUCKETS_VARIABLE,
  type SignupDayLayout,
} from '../../lambdas/shared/schema/cassandra/day-table-layout.js';
import type { FailureHandling } from './msk-bridge.js';

/**
 * The stage whose event source mapping and day-table settings the local mirror uses by default (`npm start`,
 * the fault suite); `npm start -- --stage prod` runs prod's.
 */
export const LOCAL_MAPPING_STAGE = 'dev';

/** The AWS stages the local mirror can take its settings from. */
export const MIRRORED_STAGES = ['dev', 'prod'] as const;
export type MirroredStage = (typeof MIRRORED_STAGES)[number];

/** The stage's day-table layout (bucket count, upgrade phase), as its processor and readers get it. */
export function stageSignupDayLayout(stage: MirroredStage = LOCAL_MAPPING_STAGE): SignupDayLayout {
  const { buckets, legacyTable } = loadStageConfig(stage, {}).signupDayTable;
  return { buckets, legacyTable };
}

/**
 * The day-table layout of the local processor and readers: SIGNUP_DAY_BUCKETS / SIGNUP_DAY_LEGACY_TABLE when
 * the environment sets them (`npm start` and `npm run services -- env` do), else the local stage's.
 */
export function localSignupDayLayout(env: NodeJS.ProcessEnv = process.env): SignupDayLayout {
  return env[SIGNUP_DAY_BUCKETS_VARIABLE] ? readSignupDayLayout(env) : stageSignupDayLayout();
}

/** Consumer group of the local processor mapping (the MSK bridge); the console reads its lag. */
export const LOCAL_PROCESSOR_GROUP = 'local-processor';

/** Consumer group whose offsets are the local replay's progress (the CLI and the local replay function). */
export const LOCAL_REPLAY_GROUP = 'local-failed-batches-replay';

/** Batching and failure handling of the local MSK bridge, as the stage's event source mapping has them. */
export interface LocalMappingSettings {
  readonly batchSize: number;
  readonly batchWindowMs: number;
  readonly failure: FailureHandling;
  /** `retention.ms` of the failure topic, hours. */
  readonly failureTopicRetentionHours: number;
}

/** Command-line overrides of the stage's settings (`npm start -- --retry-attempts 2 ...`). */
export interface LocalMappingOverrides {
  readonly batchSize?: number;
  readonly batchWindowMs?: number;
  readonly retryAttempts?: number;
  readonly maxRecordAgeSeconds?: number;
  readonly failureTopic?: string;
}

/**
 * The ESM settings of one stage, translated for the bridge: one source for CDK and the local mirror.
 *
 * @param processor the stage's resolved processor settings @default the {@link LOCAL_MAPPING_STAGE} stage's
 */
export function localMappingSettings(
  overrides: LocalMappingOverrides = {},
  processor: ProcessorSettings = loadStageConfig(LOCAL_MAPPING_STAGE, {}).processor,
): LocalMappingSettings {
  return {
    batchSize: overrides.batchSize ?? processor.batchSize,
    batchWindowMs: overrides.batchWindowMs ?? processor.maxBatchingWindowSeconds * 1_000,
    failure: {
      retryAttempts: overrides.retryAttempts ?? processor.retryAttempts,
      bisectBatchOnError: processor.bisectBatchOnError,
      maxRecordAgeSeconds: overrides.maxRecordAgeSeconds ?? processor.maxRecordAgeSeconds,
      failureTopic: overrides.failureTopic ?? processor.failureDestination.topicName,
    },
    failureTopicRetentionHours: processor.failureDestination.retentionHours,
  };
}
