/** CloudWatch namespace and metric names the processor emits (EMF); the dashboards read the same constants. */
export const PIPELINE_METRICS_NAMESPACE = 'RealtimeUserPipeline';

export const ProcessorMetric = {
  recordsReceived: 'RecordsReceived',
  recordsValid: 'RecordsValid',
  recordsInvalid: 'RecordsInvalid',
  batchSize: 'BatchSize',
  postgresWriteLatency: 'PostgresWriteLatency',
  cassandraWriteLatency: 'CassandraWriteLatency',
  oldestRecordAge: 'OldestRecordAge',
  batchFailures: 'BatchFailures',
} as const;
