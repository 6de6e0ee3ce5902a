import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_PERIOD } from './common.js';

/** AWS/SQS depth of one queue. */
export function queueDepth(queueName: string, label: string): cw.Metric {
  return new cw.Metric({
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensionsMap: { QueueName: queueName },
    statistic: 'Maximum',
    period: METRIC_PERIOD,
    label,
  });
}
