import { mappingEventCount } from '../metrics/lambda.js';
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
      topic?.alarm,
      ...queues.map((queue) =>
        alarm(queue.id, queue.metric, 0, `Messages wait in the ${queue.metric.label} queue.`, {
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
        }),
      ),
    ],
  );
}

/** The mapping's failure topic: records sent there (an alarm) and records lost because it was unreachable. */
function failureTopic(props: DashboardProps): { row: RowSpec; alarm: AlarmSpec } | undefined {
  const mapping = props.mapping;
  if (!mapping?.failureTopicName) return undefined;
  const delivered = mappingEventCount(
    mapping.functionName,
    mapping.uuid,
    'OnFailureDestinationDeliveredEventCount',
    'Records to the failure topic',
  );
  const dropped = mappingEventCount(
    mapping.functionName,
    mapping.uuid,
    'DroppedEventCount',
    'Records dropped',
  );
  return {
    row: {
      title: `Failure topic (${mapping.failureTopicName})`,
      widgets: [
        graph(ID, 'Records sent to the failure topic', [delivered], [], 12),
        graph(ID, 'Records dropped (failure topic unreachable)', [dropped], [], 12),
      ],
    },
    alarm: alarm(
      'failed-records',
      delivered,
      0,
      `Records reached the failure topic ${mapping.failureTopicName}: fix the cause, then replay them.`,
      { evaluationPeriods: 1, datapointsToAlarm: 1 },
    ),
  };
}
