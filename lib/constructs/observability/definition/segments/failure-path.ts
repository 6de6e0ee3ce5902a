import { PipelineMetrics } from '../metrics/pipeline.js';
import { queueDepth } from '../metrics/sqs.js';
import { type DashboardProps, slug } from '../props.js';
import type { SegmentSpec } from '../types.js';
import { alarm, graph, segment } from './build.js';

const ID = 'failure-path';

/** Where failures go: failed-batch queues and records the processor dead-lettered. */
export function failurePathSegment(props: DashboardProps): SegmentSpec | undefined {
  const custom = new PipelineMetrics();
  const queues = props.deadLetterQueues.map((queue) => ({
    id: `dead-letters-${slug(queue.label)}`,
    name: queue.queueName,
    metric: queueDepth(queue.queueName, queue.label),
  }));
  return segment(
    ID,
    'Failure path',
    [
      {
        title: 'Dead letters',
        widgets: [
          graph(
            ID,
            'Failure queue depth',
            queues.map((q) => q.metric),
            [],
            12,
          ),
          graph(ID, 'Records dead-lettered by the processor', [custom.recordsInvalid()], [], 12),
        ],
      },
    ],
    queues.map((queue) =>
      alarm(queue.id, queue.metric, 0, `Messages wait in the ${queue.metric.label} queue.`, {
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      }),
    ),
  );
}
