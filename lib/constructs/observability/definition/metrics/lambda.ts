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
 * Dimensions Lambda publishes a Kafka event source mapping's `OffsetLag` with. Kept in one place: if AWS
 * publishes it under other dimensions, this is the only line to change.
 */
export function offsetLagDimensions(functionName: string, mappingUuid: string): Record<string, string> {
  return { FunctionName: functionName, EventSourceMappingUUID: mappingUuid };
}

/** Records between the mapping's committed offset and the end of the topic (max over partitions). */
export function offsetLag(functionName: string, mappingUuid: string): MetricSpec {
  return metric(
    'AWS/Lambda',
    'OffsetLag',
    offsetLagDimensions(functionName, mappingUuid),
    'Maximum',
    'OffsetLag',
  );
}

/** Records a Kafka mapping wrote to its on-failure destination, or dropped because it was unreachable. */
export function mappingEventCount(
  functionName: string,
  mappingUuid: string,
  metricName: 'OnFailureDestinationDeliveredEventCount' | 'DroppedEventCount',
  label: string,
): MetricSpec {
  return metric('AWS/Lambda', metricName, offsetLagDimensions(functionName, mappingUuid), 'Sum', label);
}
