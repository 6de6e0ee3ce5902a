/** Metric names ingest-http emits (EMF, namespace PIPELINE_METRICS_NAMESPACE); dashboards read the same constants. */
export { PIPELINE_METRICS_NAMESPACE } from '../shared/metrics-namespace.js';

export const IngestHttpMetric = {
  /** Requests answered 202 (all their events acknowledged by Kafka). */
  requestsAccepted: 'RequestsAccepted',
  /** Requests answered 4xx, whatever the reason. */
  requestsRejected: 'RequestsRejected',
  /** Requests whose body was refused (400/413): bad JSON, bad shape, batch limits, schema violations. */
  validationFailures: 'ValidationFailures',
  /** Events acknowledged by Kafka. */
  eventsProduced: 'EventsProduced',
  /** Sends Kafka did not acknowledge (503 when unavailable, 500 otherwise). */
  produceFailures: 'ProduceFailures',
  /** Time from send to acknowledgement, including a lazy connect. */
  produceLatency: 'ProduceLatency',
  /** Requests answered 500. */
  internalErrors: 'InternalErrors',
} as const;
