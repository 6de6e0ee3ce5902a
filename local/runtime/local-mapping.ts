import { loadStageConfig, type ProcessorSettings } from '../../bin/config/index.js';
import type { FailureHandling } from './msk-bridge.js';

/** The stage whose event source mapping settings the local mirror uses (`npm start`, the fault suite). */
export const LOCAL_MAPPING_STAGE = 'dev';

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
