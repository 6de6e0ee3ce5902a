import type { ExpressionSpec, MetricSpec } from '../types.js';
import { metric } from './metric.js';
import { RESOURCE_PERIOD_SECONDS } from './periods.js';

/** AWS/Kafka metrics of one MSK cluster. */
export class KafkaClusterMetrics {
  /**
   * @param clusterName the `Cluster Name` dimension
   * @param brokerCount provisioned brokers (IDs 1..N); 0 for MSK Serverless (no broker metrics)
   */
  constructor(
    private readonly clusterName: string,
    private readonly brokerCount: number,
  ) {}

  /** Sum over brokers (provisioned) or topics (serverless), as a search expression for graphs. */
  private search(metricName: string, label: string): ExpressionSpec {
    const dims = this.brokerCount > 0 ? '"Cluster Name","Broker ID"' : '"Cluster Name",Topic';
    return {
      kind: 'expression',
      expression: `SUM(SEARCH('{AWS/Kafka,${dims}} MetricName="${metricName}" "Cluster Name"="${this.clusterName}"', 'Average', ${RESOURCE_PERIOD_SECONDS}))`,
      usingMetrics: {},
      label,
      periodSeconds: RESOURCE_PERIOD_SECONDS,
    };
  }

  bytesIn(): ExpressionSpec {
    return this.search('BytesInPerSec', 'BytesInPerSec');
  }
  bytesOut(): ExpressionSpec {
    return this.search('BytesOutPerSec', 'BytesOutPerSec');
  }

  /** Highest UnderReplicatedPartitions over the brokers; undefined for MSK Serverless. */
  underReplicatedPartitions(): ExpressionSpec | undefined {
    if (this.brokerCount === 0) return undefined;
    const usingMetrics: Record<string, MetricSpec> = {};
    for (let broker = 1; broker <= this.brokerCount; broker++) {
      usingMetrics[`b${broker}`] = metric(
        'AWS/Kafka',
        'UnderReplicatedPartitions',
        { 'Cluster Name': this.clusterName, 'Broker ID': String(broker) },
        'Maximum',
        `broker ${broker}`,
        RESOURCE_PERIOD_SECONDS,
      );
    }
    return {
      kind: 'expression',
      expression: `MAX([${Object.keys(usingMetrics).join(',')}])`,
      usingMetrics,
      label: 'UnderReplicatedPartitions (max over brokers)',
      periodSeconds: RESOURCE_PERIOD_SECONDS,
    };
  }
}
