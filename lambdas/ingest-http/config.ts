import { type Env, integer, once } from '../shared/config.js';
import { type KafkaProducerConfig, readKafkaProducerConfig } from '../shared/kafka/config.js';

export interface IngestHttpConfig {
  readonly kafka: KafkaProducerConfig;
  /** Retry-After (seconds) on a 503 when Kafka is unavailable. */
  readonly retryAfterSeconds: number;
}

/** Kafka settings (see readKafkaProducerConfig; client id `ingest-http`) and `RETRY_AFTER_SECONDS` (5). */
export function readIngestHttpConfig(env: Env): IngestHttpConfig {
  return {
    kafka: readKafkaProducerConfig(env, { clientId: 'ingest-http' }),
    retryAfterSeconds: integer(env, 'RETRY_AFTER_SECONDS', 5, { min: 1, max: 300 }),
  };
}

/** Read once per container; throws a typed error naming the variable when misconfigured. */
export const getIngestHttpConfig = once(() => readIngestHttpConfig(process.env));
