import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { publishEvents } from '../shared/kafka/publish.js';
import { logger, metrics, producer, randomUsers, settings } from './clients.js';
import { IngestPullMetric } from './metric-names.js';
import { parsePullRequest } from './pull-request.js';
import { type PullResult, pullUsers } from './pull-users.js';

/**
 * Invoked by EventBridge Scheduler or MWAA with `{ "count"?: 1..5000, "seed"?: string }`: fetches that many
 * users from the randomuser.me-compatible API and produces them to Kafka. Returns the run's summary.
 */
export const handler = async (event: unknown, context: Context): Promise<PullResult> => {
  logger.addContext(context);
  try {
    const request = parsePullRequest(event, { count: settings.defaultCount });
    const startedAt = Date.now();
    // Never fetch past the Lambda's own timeout, and keep time for the last Kafka send.
    const deadline = Math.min(
      startedAt + settings.deadlineMs,
      startedAt + context.getRemainingTimeInMillis() - settings.produceReserveMs,
    );
    const result = await pullUsers(request, {
      source: randomUsers,
      publish: (events) => publishEvents(producer, settings.topic, events, context.awsRequestId),
      logger,
      pageSize: settings.pageSize,
      deadline,
    });
    metrics.addMetric(IngestPullMetric.usersRequested, MetricUnit.Count, result.requested);
    metrics.addMetric(IngestPullMetric.usersFetched, MetricUnit.Count, result.fetched);
    metrics.addMetric(IngestPullMetric.eventsProduced, MetricUnit.Count, result.produced);
    metrics.addMetric(IngestPullMetric.usersFailed, MetricUnit.Count, result.failed);
    metrics.addMetric(IngestPullMetric.upstreamRetries, MetricUnit.Count, result.retries);
    metrics.addMetric(IngestPullMetric.pullDuration, MetricUnit.Milliseconds, result.durationMs);
    if (!result.complete) metrics.addMetric(IngestPullMetric.pullsIncomplete, MetricUnit.Count, 1);
    logger.info('pull finished', { ...result });
    return result;
  } catch (error) {
    metrics.addMetric(IngestPullMetric.pullFailures, MetricUnit.Count, 1);
    logger.error('pull failed', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
};
