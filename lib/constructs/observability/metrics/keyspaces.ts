import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_PERIOD } from './common.js';

/** Operation dimension of the processor's writes (`INSERT ... USING TIMESTAMP`). */
export const KEYSPACES_WRITE_OPERATION = 'INSERT';

/** AWS/Cassandra (Amazon Keyspaces) metrics of one keyspace's tables. */
export class KeyspacesMetrics {
  constructor(
    private readonly keyspace: string,
    private readonly tableNames: readonly string[],
  ) {}

  private perTable(metricName: string, statistic: string, operation?: string): Record<string, cw.IMetric> {
    const metrics: Record<string, cw.IMetric> = {};
    this.tableNames.forEach((table, index) => {
      metrics[`${idPrefix(metricName)}${index}`] = new cw.Metric({
        namespace: 'AWS/Cassandra',
        metricName,
        dimensionsMap: {
          Keyspace: this.keyspace,
          TableName: table,
          ...(operation ? { Operation: operation } : {}),
        },
        statistic,
        period: METRIC_PERIOD,
        label: table,
      });
    });
    return metrics;
  }

  private total(metricName: string, label: string, operation?: string): cw.MathExpression {
    const usingMetrics = this.perTable(metricName, 'Sum', operation);
    return new cw.MathExpression({
      expression: Object.keys(usingMetrics).join('+'),
      usingMetrics,
      label,
      period: METRIC_PERIOD,
    });
  }

  /** Server-side errors on writes, all tables. */
  systemErrors(): cw.MathExpression {
    return this.total('SystemErrors', 'SystemErrors', KEYSPACES_WRITE_OPERATION);
  }
  /** Client-side errors on writes (throttling included), all tables. */
  userErrors(): cw.MathExpression {
    return this.total('UserErrors', 'UserErrors', KEYSPACES_WRITE_OPERATION);
  }
  /** Writes refused because one partition's throughput was exceeded, all tables. */
  partitionThroughputExceeded(): cw.MathExpression {
    return this.total(
      'StoragePartitionThroughputCapacityExceeded',
      'Partition throughput exceeded',
      KEYSPACES_WRITE_OPERATION,
    );
  }
  /** Average write latency per table. */
  writeLatency(): cw.IMetric[] {
    return Object.values(this.perTable('SuccessfulRequestLatency', 'Average', KEYSPACES_WRITE_OPERATION));
  }
}

/** Expression ids must be unique within a graph: `SystemErrors` → `se`, `UserErrors` → `ue`, ... */
function idPrefix(metricName: string): string {
  return metricName.replace(/[^A-Z]/g, '').toLowerCase();
}
