// Created once per container at module scope and reused by every invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ManagedKafkaProducer } from '../shared/kafka/producer.js';
import { getIngestPullConfig } from './config.js';
import { PIPELINE_METRICS_NAMESPACE } from './metric-names.js';
import { RandomUserClient } from './randomuser-client.js';

const config = getIngestPullConfig();

export const logger = new Logger({ serviceName: 'ingest-pull' });
export const metrics = new Metrics({ namespace: PIPELINE_METRICS_NAMESPACE, serviceName: 'ingest-pull' });

export const producer = new ManagedKafkaProducer(config.kafka, { logger });

/** Disconnects the producer: the local mirror's stop, before Kafka stops (Lambda never calls it). */
export function closeIngestPullClients(): Promise<void> {
  return producer.disconnect();
}

export const randomUsers = new RandomUserClient({
  baseUrl: config.randomUserBaseUrl,
  requestTimeoutMs: config.requestTimeoutMs,
  maxAttempts: config.maxAttempts,
  retryBaseDelayMs: config.retryBaseDelayMs,
  retryMaxDelayMs: config.retryMaxDelayMs,
});

export const settings = {
  topic: config.kafka.topic,
  defaultCount: config.defaultCount,
  pageSize: config.pageSize,
  deadlineMs: config.deadlineMs,
  produceReserveMs: config.produceReserveMs,
};
