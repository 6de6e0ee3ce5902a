import {
  type Env,
  InvalidConfigurationError,
  integer,
  MissingConfigurationError,
  oneOf,
  optionalString,
} from '../config.js';
import { USERS_CREATED_TOPIC } from '../contract/index.js';

export const KAFKA_AUTH_MODES = ['none', 'iam'] as const;
export type KafkaAuthMode = (typeof KAFKA_AUTH_MODES)[number];

/** Where the bootstrap brokers come from: a literal list, or the MSK control plane at cold start. */
export type KafkaBootstrap =
  | { readonly kind: 'brokers'; readonly brokers: readonly string[] }
  | { readonly kind: 'msk-cluster'; readonly clusterArn: string };

export interface KafkaProducerConfig {
  readonly bootstrap: KafkaBootstrap;
  /** `iam`: TLS + SASL OAUTHBEARER signed with the function's IAM role (MSK port 9098). */
  readonly auth: KafkaAuthMode;
  /** Region for IAM signing and GetBootstrapBrokers; undefined only when neither is used. */
  readonly region: string | undefined;
  readonly topic: string;
  readonly clientId: string;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Retries after the first attempt, for connecting and for each send; small so a request fails fast. */
  readonly retries: number;
  /** Longest wait between two retries. */
  readonly maxRetryDelayMs: number;
}

/** Defaults sized for a synchronous HTTP request (API Gateway gives up after 29 s). */
export const KAFKA_PRODUCER_DEFAULTS = {
  topic: USERS_CREATED_TOPIC,
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 10_000,
  retries: 2,
  maxRetryDelayMs: 1_000,
} as const;

// Kafka's own rule for topic names.
const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;
const CLIENT_ID_PATTERN = /^[a-zA-Z0-9._-]{1,100}$/;
const MSK_CLUSTER_ARN_PATTERN = /^arn:aws[a-z-]*:kafka:([a-z0-9-]+):\d{12}:cluster\/[^/]+\/[^/]+$/;
const BROKER_PATTERN = /^[^\s:,]+:(\d{1,5})$/;

/**
 * Reads the producer settings:
 * - `KAFKA_BROKERS` (comma-separated host:port) or `MSK_CLUSTER_ARN` (exactly one of them);
 * - `KAFKA_AUTH` = none | iam (default: iam with MSK_CLUSTER_ARN, none with KAFKA_BROKERS);
 * - `AWS_REGION` (set by Lambda; falls back to the cluster ARN's region);
 * - `KAFKA_TOPIC` (users_created), `KAFKA_CLIENT_ID` (the caller's default),
 * - `KAFKA_CONNECTION_TIMEOUT_MS` (3000), `KAFKA_REQUEST_TIMEOUT_MS` (10000, or the caller's default),
 *   `KAFKA_RETRIES` (2),
 *   `KAFKA_MAX_RETRY_DELAY_MS` (1000).
 */
export function readKafkaProducerConfig(
  env: Env,
  defaults: { readonly clientId: string; readonly requestTimeoutMs?: number },
): KafkaProducerConfig {
  const bootstrap = readBootstrap(env);
  const auth = oneOf(env, 'KAFKA_AUTH', KAFKA_AUTH_MODES, bootstrap.kind === 'msk-cluster' ? 'iam' : 'none');
  if (bootstrap.kind === 'msk-cluster' && auth !== 'iam') {
    // GetBootstrapBrokers is asked for the IAM listener; another listener would need another broker string.
    throw new InvalidConfigurationError('KAFKA_AUTH', auth, 'iam when MSK_CLUSTER_ARN is set');
  }
  const topic = optionalString(env, 'KAFKA_TOPIC', KAFKA_PRODUCER_DEFAULTS.topic);
  if (!TOPIC_NAME_PATTERN.test(topic)) {
    throw new InvalidConfigurationError(
      'KAFKA_TOPIC',
      topic,
      'a Kafka topic name ([a-zA-Z0-9._-], 1-249 chars)',
    );
  }
  const clientId = optionalString(env, 'KAFKA_CLIENT_ID', defaults.clientId);
  if (!CLIENT_ID_PATTERN.test(clientId)) {
    throw new InvalidConfigurationError('KAFKA_CLIENT_ID', clientId, '1-100 characters of [a-zA-Z0-9._-]');
  }
  return {
    bootstrap,
    auth,
    region: readRegion(env, bootstrap, auth),
    topic,
    clientId,
    connectionTimeoutMs: integer(
      env,
      'KAFKA_CONNECTION_TIMEOUT_MS',
      KAFKA_PRODUCER_DEFAULTS.connectionTimeoutMs,
      {
        min: 100,
        max: 60_000,
      },
    ),
    requestTimeoutMs: integer(
      env,
      'KAFKA_REQUEST_TIMEOUT_MS',
      defaults.requestTimeoutMs ?? KAFKA_PRODUCER_DEFAULTS.requestTimeoutMs,
      { min: 100, max: 120_000 },
    ),
    // The idempotent kafkajs producer refuses 0 retries.
    retries: integer(env, 'KAFKA_RETRIES', KAFKA_PRODUCER_DEFAULTS.retries, { min: 1, max: 10 }),
    maxRetryDelayMs: integer(env, 'KAFKA_MAX_RETRY_DELAY_MS', KAFKA_PRODUCER_DEFAULTS.maxRetryDelayMs, {
      min: 10,
      max: 30_000,
    }),
  };
}

/** Splits and checks a bootstrap list such as "b-1.x:9098,b-2.x:9098". */
export function parseBrokerList(variable: string, raw: string): string[] {
  const brokers = raw
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  const valid = brokers.every((broker) => {
    const port = Number(BROKER_PATTERN.exec(broker)?.[1] ?? Number.NaN);
    return Number.isInteger(port) && port >= 1 && port <= 65_535;
  });
  if (brokers.length === 0 || !valid) {
    throw new InvalidConfigurationError(variable, raw, 'a comma-separated list of host:port');
  }
  return brokers;
}

function readBootstrap(env: Env): KafkaBootstrap {
  const brokers = optionalString(env, 'KAFKA_BROKERS', '');
  const clusterArn = optionalString(env, 'MSK_CLUSTER_ARN', '');
  if (brokers !== '' && clusterArn !== '') {
    throw new InvalidConfigurationError(
      'MSK_CLUSTER_ARN',
      clusterArn,
      'unset when KAFKA_BROKERS is set (use one)',
    );
  }
  if (brokers !== '') return { kind: 'brokers', brokers: parseBrokerList('KAFKA_BROKERS', brokers) };
  if (clusterArn === '') throw new MissingConfigurationError('KAFKA_BROKERS or MSK_CLUSTER_ARN');
  if (!MSK_CLUSTER_ARN_PATTERN.test(clusterArn)) {
    throw new InvalidConfigurationError(
      'MSK_CLUSTER_ARN',
      clusterArn,
      'an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)',
    );
  }
  return { kind: 'msk-cluster', clusterArn };
}

function readRegion(env: Env, bootstrap: KafkaBootstrap, auth: KafkaAuthMode): string | undefined {
  const arnRegion =
    bootstrap.kind === 'msk-cluster' ? MSK_CLUSTER_ARN_PATTERN.exec(bootstrap.clusterArn)?.[1] : undefined;
  const region = optionalString(env, 'AWS_REGION', arnRegion ?? '');
  if (region !== '') return region;
  if (auth === 'iam') throw new MissingConfigurationError('AWS_REGION');
  return undefined;
}
