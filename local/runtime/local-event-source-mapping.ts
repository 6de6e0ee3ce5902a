import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { LOCAL_NAMES } from '../console/local-definition.js';
import type { LocalMappingSettings } from './local-mapping.js';

/**
 * The MSK bridge described as Lambda describes an event source mapping (GetEventSourceMapping): the settings it
 * really runs with, Enabled while it consumes. What only AWS has (provisioned pollers, MetricsConfig) is absent.
 */
export function localEventSourceMapping(options: {
  readonly topic: string;
  readonly consumerGroupId: string;
  readonly mapping: LocalMappingSettings;
  readonly consuming: boolean;
}): EventSourceMappingConfiguration {
  const { mapping } = options;
  return {
    UUID: LOCAL_NAMES.mapping.uuid,
    FunctionArn: `arn:aws:lambda:local:000000000000:function:${LOCAL_NAMES.mapping.functionName}`,
    EventSourceArn: `arn:aws:kafka:local:000000000000:cluster/local/${options.topic}`,
    Topics: [options.topic],
    StartingPosition: 'TRIM_HORIZON',
    AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: options.consumerGroupId },
    BatchSize: mapping.batchSize,
    MaximumBatchingWindowInSeconds: mapping.batchWindowMs / 1000,
    MaximumRetryAttempts: mapping.failure.retryAttempts,
    BisectBatchOnFunctionError: mapping.failure.bisectBatchOnError,
    MaximumRecordAgeInSeconds: mapping.failure.maxRecordAgeSeconds,
    DestinationConfig: { OnFailure: { Destination: `kafka://${mapping.failure.failureTopic}` } },
    State: options.consuming ? 'Enabled' : 'Disabled',
  };
}
