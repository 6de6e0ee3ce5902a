/** Metric names ingest-pull emits (EMF, namespace PIPELINE_METRICS_NAMESPACE); dashboards read the same constants. */
export { PIPELINE_METRICS_NAMESPACE } from '../shared/metrics-namespace.js';

export const IngestPullMetric = {
  usersRequested: 'UsersRequested',
  usersFetched: 'UsersFetched',
  /** Events acknowledged by Kafka. */
  eventsProduced: 'EventsProduced',
  /** Users refused by the mapping or the contract. */
  usersFailed: 'UsersFailed',
  /** Retried randomuser requests (429, 5xx, network). */
  upstreamRetries: 'UpstreamRetries',
  pullDuration: 'PullDuration',
  /** Runs that produced something but stopped early (result.complete = false). */
  pullsIncomplete: 'PullsIncomplete',
  /** Invocations that failed (nothing produced, or invalid input). */
  pullFailures: 'PullFailures',
} as const;
