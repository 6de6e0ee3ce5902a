import { type Env, integer, once } from '../shared/config.js';
import { type KafkaProducerConfig, readKafkaProducerConfig } from '../shared/kafka/config.js';

export interface IngestHttpConfig {
  readonly kafka: KafkaProducerConfig;
  /** Retry-After (seconds) on a 503 when Kafka is unavailable. */
  readonly retryAfterSeconds: number;
}

/**
 * Kafka request timeout for this API (the shared default is 10 s): with 2 retries, a hanging cluster
 * (3 connects × 3 s, then 3 produce attempts × 5 s, plus backoff) is normally answered with a 503 before
 * API Gateway's 29 s integration timeout, instead of the client seeing a 504.
 */
export const INGEST_HTTP_KAFKA_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Kafka settings (see readKafkaProducerConfig; client id `ingest-http`, request timeout 5000 ms) and
 * `RETRY_AFTER_SECONDS` (5).
 */
export function readIngestHttpConfig(env: Env): IngestHttpConfig {
  return {
    kafka: readKafkaProducerConfig(env, {
      clientId: 'ingest-http',
      requestTimeoutMs: INGEST_HTTP_KAFKA_REQUEST_TIMEOUT_MS,
    }),
    retryAfterSeconds: integer(env, 'RETRY_AFTER_SECONDS', 5, { min: 1, max: 300 }),
  };
}

/** Read once per container; throws a typed error naming the variable when misconfigured. */
export const getIngestHttpConfig = once(() => readIngestHttpConfig(process.env));
