import type { MetricSpec, Statistic } from '../types.js';
import { metric } from './metric.js';

/** AWS/Lambda metrics of one function. */
export class LambdaFunctionMetrics {
  constructor(
    private readonly functionName: string,
    private readonly label: string,
  ) {}

  private of(metricName: string, statistic: Statistic, what: string): MetricSpec {
    return metric(
      'AWS/Lambda',
      metricName,
      { FunctionName: this.functionName },
      statistic,
      `${this.label} ${what}`,
    );
  }

  invocations(): MetricSpec {
    return this.of('Invocations', 'Sum', 'invocations');
  }
  errors(): MetricSpec {
    return this.of('Errors', 'Sum', 'errors');
  }
  throttles(): MetricSpec {
    return this.of('Throttles', 'Sum', 'throttles');
  }
  durationP99(): MetricSpec {
    return this.of('Duration', 'p99', 'duration p99');
  }
  concurrentExecutions(): MetricSpec {
    return this.of('ConcurrentExecutions', 'Maximum', 'concurrency');
  }
}

/**
 * The metric groups a Kafka event source mapping publishes only when its `MetricsConfig` asks for them, and the
 * metrics of each group this definition reads (AWS Lambda Developer Guide, "Types of metrics for Lambda
 * functions", section "Event source mapping metrics"). `OffsetLag` is a performance metric every Kafka
 * mapping publishes without a group. The processor's mapping enables exactly the groups the definition reads
 * (lib/constructs/processing), and test/infra/lib/constructs/processing/processing.test.ts checks the two agree.
 */
export const MAPPING_METRIC_GROUPS = {
  /** The mapping wrote a record to its on-failure destination (the failure topic). */
  OnFailureDestinationDeliveredEventCount: 'EventCount',
  /** Records dropped after retries or age ran out and the destination could not take them: lost. */
  DroppedEventCount: 'EventCount',
  /** Failed attempts to write to the on-failure destination (MSK and self-managed Kafka only). */
  OnFailureDestinationDeliveryErrorCount: 'ErrorCount',
} as const;

/** An event source mapping metric of a metric group (see {@link MAPPING_METRIC_GROUPS}). */
export type MappingMetricName = keyof typeof MAPPING_METRIC_GROUPS;

/**
 * Dimensions Lambda publishes a Kafka event source mapping's metrics with. Kept in one place: if AWS
 * publishes them under other dimensions, this is the only line to change. The documentation names the
 * dimensions but not the combination; `npm run verify` compares this set with what CloudWatch lists for the
 * deployed mapping (observability check).
 */
export function mappingDimensions(functionName: string, mappingUuid: string): Record<string, string> {
  return { FunctionName: functionName, EventSourceMappingUUID: mappingUuid };
}

/** Records between the mapping's committed offset and the end of the topic (max over partitions). */
export function offsetLag(functionName: string, mappingUuid: string): MetricSpec {
  return metric(
    'AWS/Lambda',
    'OffsetLag',
    mappingDimensions(functionName, mappingUuid),
    'Maximum',
    'OffsetLag',
  );
}

/** A count of a Kafka mapping's metric groups (records to or around its on-failure destination). */
export function mappingEventCount(
  functionName: string,
  mappingUuid: string,
  metricName: MappingMetricName,
  label: string,
): MetricSpec {
  return metric('AWS/Lambda', metricName, mappingDimensions(functionName, mappingUuid), 'Sum', label);
}
