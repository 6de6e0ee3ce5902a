/** Metric names the processor emits (EMF); the dashboards read the same constants. */
export { PIPELINE_METRICS_NAMESPACE } from '../shared/metrics-namespace.js';

export const ProcessorMetric = {
  recordsReceived: 'RecordsReceived',
  recordsValid: 'RecordsValid',
  recordsInvalid: 'RecordsInvalid',
  batchSize: 'BatchSize',
  oldestRecordAge: 'OldestRecordAge',
  batchFailures: 'BatchFailures',
  /** ms from a user's `ingested_at` to every sink having written it; one value per stored user. */
  endToEndLatency: 'EndToEndLatency',
} as const;

export interface SinkMetricNames {
  /** Milliseconds one batch took to write to the sink. */
  readonly writeLatency: string;
  /** Batches whose write to the sink failed. */
  readonly writeFailures: string;
}

/** `postgres` → PostgresWriteLatency / PostgresWriteFailures. */
export function sinkMetricNames(sinkName: string): SinkMetricNames {
  const label = sinkName.charAt(0).toUpperCase() + sinkName.slice(1);
  return { writeLatency: `${label}WriteLatency`, writeFailures: `${label}WriteFailures` };
}
