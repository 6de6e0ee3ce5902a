import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_PERIOD } from './common.js';

/** AWS/Lambda metrics of one function. */
export class LambdaFunctionMetrics {
  constructor(
    private readonly functionName: string,
    private readonly label: string,
  ) {}

  private metric(metricName: string, statistic: string, what: string): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: this.functionName },
      statistic,
      period: METRIC_PERIOD,
      label: `${this.label} ${what}`,
    });
  }

  invocations(): cw.Metric {
    return this.metric('Invocations', 'Sum', 'invocations');
  }
  errors(): cw.Metric {
    return this.metric('Errors', 'Sum', 'errors');
  }
  throttles(): cw.Metric {
    return this.metric('Throttles', 'Sum', 'throttles');
  }
  durationP99(): cw.Metric {
    return this.metric('Duration', 'p99', 'duration p99');
  }
  concurrentExecutions(): cw.Metric {
    return this.metric('ConcurrentExecutions', 'Maximum', 'concurrency');
  }
}

/**
 * Dimensions Lambda publishes a Kafka event source mapping's `OffsetLag` with. Kept in one place: if AWS
 * publishes it under other dimensions, this is the only line to change.
 */
export function offsetLagDimensions(functionName: string, mappingUuid: string): Record<string, string> {
  return { FunctionName: functionName, EventSourceMappingUUID: mappingUuid };
}

/** AWS/Lambda metrics of one Kafka event source mapping. */
export class KafkaMappingMetrics {
  constructor(
    private readonly functionName: string,
    private readonly mappingUuid: string,
  ) {}

  /** Records the mapping wrote to its on-failure destination (EventCount metrics). */
  failureDestinationDelivered(): cw.Metric {
    return this.eventCount('OnFailureDestinationDeliveredEventCount', 'Records to the failure topic');
  }

  /** Records the mapping dropped because its on-failure destination was unreachable. */
  droppedEvents(): cw.Metric {
    return this.eventCount('DroppedEventCount', 'Records dropped');
  }

  private eventCount(metricName: string, label: string): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: offsetLagDimensions(this.functionName, this.mappingUuid),
      statistic: 'Sum',
      period: METRIC_PERIOD,
      label,
    });
  }

  /** Records between the mapping's committed offset and the end of the topic (max over partitions). */
  offsetLag(): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OffsetLag',
      dimensionsMap: offsetLagDimensions(this.functionName, this.mappingUuid),
      statistic: 'Maximum',
      period: METRIC_PERIOD,
      label: 'OffsetLag',
    });
  }
}
