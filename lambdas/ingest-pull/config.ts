import { type Env, InvalidConfigurationError, integer, once, optionalString } from '../shared/config.js';
import { type KafkaProducerConfig, readKafkaProducerConfig } from '../shared/kafka/config.js';
import { MAX_PULL_COUNT } from './pull-request.js';

export interface IngestPullConfig {
  readonly kafka: KafkaProducerConfig;
  readonly randomUserBaseUrl: string;
  /** Users per invocation when the input has no `count`. */
  readonly defaultCount: number;
  /** Users per API request, and so the most events per Kafka send. */
  readonly pageSize: number;
  readonly requestTimeoutMs: number;
  /** Attempts per page, the first included. */
  readonly maxAttempts: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Longest time one run may spend fetching. */
  readonly deadlineMs: number;
  /** Time kept back from the Lambda's remaining time for the last Kafka send. */
  readonly produceReserveMs: number;
}

/**
 * Kafka settings (see readKafkaProducerConfig; client id `ingest-pull`) and:
 * `RANDOMUSER_BASE_URL` (https://randomuser.me), `PULL_DEFAULT_COUNT` (100, 1..5000),
 * `RANDOMUSER_PAGE_SIZE` (500, 1..500: a page is one Kafka send and must stay far below 1 MiB),
 * `RANDOMUSER_REQUEST_TIMEOUT_MS` (10000), `RANDOMUSER_MAX_ATTEMPTS` (5), `RANDOMUSER_RETRY_BASE_MS` (500),
 * `RANDOMUSER_RETRY_MAX_MS` (8000), `PULL_DEADLINE_MS` (120000), `PULL_PRODUCE_RESERVE_MS` (15000).
 */
export function readIngestPullConfig(env: Env): IngestPullConfig {
  return {
    kafka: readKafkaProducerConfig(env, { clientId: 'ingest-pull' }),
    randomUserBaseUrl: httpUrl(env, 'RANDOMUSER_BASE_URL', 'https://randomuser.me'),
    defaultCount: integer(env, 'PULL_DEFAULT_COUNT', 100, { min: 1, max: MAX_PULL_COUNT }),
    pageSize: integer(env, 'RANDOMUSER_PAGE_SIZE', 500, { min: 1, max: 500 }),
    requestTimeoutMs: integer(env, 'RANDOMUSER_REQUEST_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 }),
    maxAttempts: integer(env, 'RANDOMUSER_MAX_ATTEMPTS', 5, { min: 1, max: 20 }),
    retryBaseDelayMs: integer(env, 'RANDOMUSER_RETRY_BASE_MS', 500, { min: 1, max: 60_000 }),
    retryMaxDelayMs: integer(env, 'RANDOMUSER_RETRY_MAX_MS', 8_000, { min: 1, max: 300_000 }),
    deadlineMs: integer(env, 'PULL_DEADLINE_MS', 120_000, { min: 1_000, max: 900_000 }),
    produceReserveMs: integer(env, 'PULL_PRODUCE_RESERVE_MS', 15_000, { min: 0, max: 300_000 }),
  };
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const value = optionalString(env, name, fallback);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '') {
    throw new InvalidConfigurationError(
      name,
      value,
      'an http(s) base URL without a query, e.g. https://randomuser.me',
    );
  }
  return value;
}

/** Read once per container; throws a typed error naming the variable when misconfigured. */
export const getIngestPullConfig = once(() => readIngestPullConfig(process.env));
