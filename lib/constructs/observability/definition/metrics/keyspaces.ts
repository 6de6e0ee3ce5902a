import type { ExpressionSpec, MetricSpec, Statistic } from '../types.js';
import { metric } from './metric.js';
import { METRIC_PERIOD_SECONDS } from './periods.js';

/** Operation dimension of the processor's writes (`INSERT ... USING TIMESTAMP`). */
export const KEYSPACES_WRITE_OPERATION = 'INSERT';

/** AWS/Cassandra (Amazon Keyspaces) metrics of one keyspace's tables. */
export class KeyspacesMetrics {
  constructor(
    private readonly keyspace: string,
    private readonly tableNames: readonly string[],
  ) {}

  private perTable(metricName: string, statistic: Statistic): Record<string, MetricSpec> {
    const metrics: Record<string, MetricSpec> = {};
    this.tableNames.forEach((table, index) => {
      metrics[`${idPrefix(metricName)}${index}`] = metric(
        'AWS/Cassandra',
        metricName,
        { Keyspace: this.keyspace, TableName: table, Operation: KEYSPACES_WRITE_OPERATION },
        statistic,
        table,
      );
    });
    return metrics;
  }

  private total(metricName: string, label: string): ExpressionSpec {
    const usingMetrics = this.perTable(metricName, 'Sum');
    return {
      kind: 'expression',
      expression: Object.keys(usingMetrics).join('+'),
      usingMetrics,
      label,
      periodSeconds: METRIC_PERIOD_SECONDS,
    };
  }

  /** Server-side errors on writes, all tables. */
  systemErrors(): ExpressionSpec {
    return this.total('SystemErrors', 'SystemErrors');
  }
  /** Client-side errors on writes (throttling included), all tables. */
  userErrors(): ExpressionSpec {
    return this.total('UserErrors', 'UserErrors');
  }
  /** Writes refused because one partition's throughput was exceeded, all tables. */
  partitionThroughputExceeded(): ExpressionSpec {
    return this.total('StoragePartitionThroughputCapacityExceeded', 'Partition throughput exceeded');
  }
  /** Average write latency per table. */
  writeLatency(): MetricSpec[] {
    return Object.values(this.perTable('SuccessfulRequestLatency', 'Average'));
  }
}

/** Expression ids must be unique within a graph: `SystemErrors` → `se`, `UserErrors` → `ue`, ... */
function idPrefix(metricName: string): string {
  return metricName.replace(/[^A-Z]/g, '').toLowerCase();
}
