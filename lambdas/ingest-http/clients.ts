// Created once per container at module scope and reused by every invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ManagedKafkaProducer } from '../shared/kafka/producer.js';
import { getIngestHttpConfig } from './config.js';
import { PIPELINE_METRICS_NAMESPACE } from './metric-names.js';

const config = getIngestHttpConfig();

export const logger = new Logger({ serviceName: 'ingest-http' });
export const metrics = new Metrics({ namespace: PIPELINE_METRICS_NAMESPACE, serviceName: 'ingest-http' });

/** Connects on the first request, not at cold start, so a health check never waits for Kafka. */
export const producer = new ManagedKafkaProducer(config.kafka, { logger });

export const settings = {
  topic: config.kafka.topic,
  retryAfterSeconds: config.retryAfterSeconds,
};
