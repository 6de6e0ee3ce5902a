/** Metric names the processor emits (EMF); the dashboards read the same constants. */
export { PIPELINE_METRICS_NAMESPACE } from '../shared/metrics-namespace.js';

export const ProcessorMetric = {
  recordsReceived: 'RecordsReceived',
  recordsValid: 'RecordsValid',
  recordsInvalid: 'RecordsInvalid',
  batchSize: 'BatchSize',
  postgresWriteLatency: 'PostgresWriteLatency',
  cassandraWriteLatency: 'CassandraWriteLatency',
  oldestRecordAge: 'OldestRecordAge',
  batchFailures: 'BatchFailures',
  /** ms from a user's `ingested_at` to every sink having written it; one value per stored user. */
  endToEndLatency: 'EndToEndLatency',
} as const;
