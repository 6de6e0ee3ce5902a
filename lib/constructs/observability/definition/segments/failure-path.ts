import { type MappingMetricName, mappingEventCount } from '../metrics/lambda.js';
import { PipelineMetrics } from '../metrics/pipeline.js';
import { queueDepth } from '../metrics/sqs.js';
import { type DashboardProps, slug } from '../props.js';
import type { AlarmSpec, RowSpec, SegmentSpec } from '../types.js';
import { alarm, graph, segment } from './build.js';

const ID = 'failure-path';

/** Where failures go: the failure topic, failed-batch queues and records the processor dead-lettered. */
export function failurePathSegment(props: DashboardProps): SegmentSpec | undefined {
  const custom = new PipelineMetrics();
  const queues = props.deadLetterQueues.map((queue) => ({
    id: `dead-letters-${slug(queue.label)}`,
    metric: queueDepth(queue.queueName, queue.label),
  }));
  const topic = failureTopic(props);
  const deadLetters: RowSpec = {
    title: 'Dead letters',
    widgets: [
      ...(queues.length > 0
        ? [
            graph(
              ID,
              'Failure queue depth',
              queues.map((q) => q.metric),
              [],
              12,
            ),
          ]
        : []),
      graph(ID, 'Records dead-lettered by the processor', [custom.recordsInvalid()], [], 12),
    ],
  };
  return segment(
    ID,
    'Failure path',
    [topic?.row, deadLetters],
    [
      ...(topic?.alarms ?? []),
      ...queues.map((queue) =>
        alarm(queue.id, queue.metric, 0, `Messages wait in the ${queue.metric.label} queue.`, {
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
        }),
      ),
    ],
  );
}

/**
 * The mapping's failure topic: records sent there (an alarm: they wait for a replay), failed writes to it, and
 * records lost because it could not take them (both page: the failure path itself is failing). Metric names
 * and groups: lib/constructs/observability/definition/metrics/lambda.ts (MAPPING_METRIC_GROUPS).
 */
function failureTopic(props: DashboardProps): { row: RowSpec; alarms: AlarmSpec[] } | undefined {
  const mapping = props.mapping;
  if (!mapping?.failureTopicName) return undefined;
  const count = (metricName: MappingMetricName, label: string) =>
    mappingEventCount(mapping.functionName, mapping.uuid, metricName, label);
  const delivered = count('OnFailureDestinationDeliveredEventCount', 'Records to the failure topic');
  const deliveryErrors = count('OnFailureDestinationDeliveryErrorCount', 'Failure topic write errors');
  const dropped = count('DroppedEventCount', 'Records dropped');
  const once = { evaluationPeriods: 1, datapointsToAlarm: 1 } as const;
  return {
    row: {
      title: `Failure topic (${mapping.failureTopicName})`,
      widgets: [
        graph(ID, 'Records sent to the failure topic', [delivered]),
        graph(ID, 'Failure topic write errors', [deliveryErrors]),
        graph(ID, 'Records dropped (reached neither the processor nor the failure topic)', [dropped]),
      ],
    },
    alarms: [
      alarm(
        'failed-records',
        delivered,
        0,
        `Records reached the failure topic ${mapping.failureTopicName}: fix the cause, then replay them.`,
        once,
      ),
      alarm(
        'failure-topic-write-errors',
        deliveryErrors,
        0,
        `The event source mapping could not write failed records to ${mapping.failureTopicName}.`,
        once,
      ),
      alarm(
        'records-dropped',
        dropped,
        0,
        `Records reached neither the processor nor the failure topic ${mapping.failureTopicName}: they are lost from the pipeline.`,
        once,
      ),
    ],
  };
}
