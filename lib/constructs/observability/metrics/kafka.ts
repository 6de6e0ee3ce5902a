import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { RESOURCE_PERIOD } from './common.js';

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
  private search(metricName: string, label: string): cw.MathExpression {
    const dims = this.brokerCount > 0 ? '"Cluster Name","Broker ID"' : '"Cluster Name",Topic';
    return new cw.MathExpression({
      expression: `SUM(SEARCH('{AWS/Kafka,${dims}} MetricName="${metricName}" "Cluster Name"="${this.clusterName}"', 'Average', ${RESOURCE_PERIOD.toSeconds()}))`,
      label,
      period: RESOURCE_PERIOD,
    });
  }

  bytesIn(): cw.MathExpression {
    return this.search('BytesInPerSec', 'BytesInPerSec');
  }
  bytesOut(): cw.MathExpression {
    return this.search('BytesOutPerSec', 'BytesOutPerSec');
  }

  /** Highest UnderReplicatedPartitions over the brokers; undefined for MSK Serverless. */
  underReplicatedPartitions(): cw.MathExpression | undefined {
    if (this.brokerCount === 0) return undefined;
    const usingMetrics: Record<string, cw.IMetric> = {};
    for (let broker = 1; broker <= this.brokerCount; broker++) {
      usingMetrics[`b${broker}`] = new cw.Metric({
        namespace: 'AWS/Kafka',
        metricName: 'UnderReplicatedPartitions',
        dimensionsMap: { 'Cluster Name': this.clusterName, 'Broker ID': String(broker) },
        statistic: 'Maximum',
        period: RESOURCE_PERIOD,
      });
    }
    return new cw.MathExpression({
      expression: `MAX([${Object.keys(usingMetrics).join(',')}])`,
      usingMetrics,
      label: 'UnderReplicatedPartitions (max over brokers)',
      period: RESOURCE_PERIOD,
    });
  }
}
