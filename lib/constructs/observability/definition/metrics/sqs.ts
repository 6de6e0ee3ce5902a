import type { MetricSpec } from '../types.js';
import { metric } from './metric.js';

/** AWS/SQS depth of one queue. */
export function queueDepth(queueName: string, label: string): MetricSpec {
  return metric('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: queueName }, 'Maximum', label);
}
