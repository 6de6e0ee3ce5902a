import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { publishEvents } from '../shared/kafka/publish.js';
import { logger, metrics, producer, settings } from './clients.js';
import { handleRequest, type IngestHttpDependencies } from './handle-request.js';

const dependencies: IngestHttpDependencies = {
  publish: (events, traceId) => publishEvents(producer, settings.topic, events, traceId),
  producerConnected: () => producer.isConnected(),
  logger,
  metrics,
  now: () => new Date(),
  retryAfterSeconds: settings.retryAfterSeconds,
};

/** API Gateway REST `POST /v1/users`, `GET /v1/health` (Lambda proxy integration) → Kafka. */
export const handler = async (
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  try {
    return await handleRequest(event, dependencies);
  } finally {
    // A health check records nothing; publishing an empty set would only log a warning.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
