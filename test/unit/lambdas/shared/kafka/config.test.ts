import { describe, expect, it } from 'vitest';
import {
  InvalidConfigurationError,
  MissingConfigurationError,
} from '../../../../../lambdas/shared/config.js';
import { readKafkaProducerConfig } from '../../../../../lambdas/shared/kafka/config.js';

const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/pipeline/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b-3';
const read = (env: Record<string, string>) => readKafkaProducerConfig(env, { clientId: 'ingest-http' });

describe('readKafkaProducerConfig', () => {
  it('reads KAFKA_BROKERS with request-friendly defaults', () => {
    expect(read({ KAFKA_BROKERS: ' 127.0.0.1:9092, kafka-2:19092 ,' })).toEqual({
      bootstrap: { kind: 'brokers', brokers: ['127.0.0.1:9092', 'kafka-2:19092'] },
      auth: 'none',
      region: undefined,
      topic: 'users_created',
      clientId: 'ingest-http',
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 10_000,
      retries: 2,
      maxRetryDelayMs: 1_000,
    });
  });

  it('takes every setting from its variable', () => {
    const config = read({
      KAFKA_BROKERS: 'b-1.example:9098',
      KAFKA_AUTH: 'iam',
      AWS_REGION: 'us-east-2',
      KAFKA_TOPIC: 'users_created.v1',
      KAFKA_CLIENT_ID: 'custom-client',
      KAFKA_CONNECTION_TIMEOUT_MS: '1500',
      KAFKA_REQUEST_TIMEOUT_MS: '4000',
      KAFKA_RETRIES: '4',
      KAFKA_MAX_RETRY_DELAY_MS: '250',
    });
    expect(config).toMatchObject({
      auth: 'iam',
      region: 'us-east-2',
      topic: 'users_created.v1',
      clientId: 'custom-client',
      connectionTimeoutMs: 1500,
      requestTimeoutMs: 4000,
      retries: 4,
      maxRetryDelayMs: 250,
    });
  });

  it('resolves brokers from MSK_CLUSTER_ARN with IAM by default, region from AWS_REGION or the ARN', () => {
    expect(read({ MSK_CLUSTER_ARN: ARN, AWS_REGION: 'eu-central-1' })).toMatchObject({
      bootstrap: { kind: 'msk-cluster', clusterArn: ARN },
      auth: 'iam',
      region: 'eu-central-1',
    });
    expect(read({ MSK_CLUSTER_ARN: ARN }).region).toBe('eu-west-1');
  });

  it('names the missing variable when neither bootstrap source is set', () => {
    expect(() => read({})).toThrow(MissingConfigurationError);
    expect(() => read({})).toThrow(/KAFKA_BROKERS or MSK_CLUSTER_ARN/);
  });

  it.each([
    ['both bootstrap sources', { KAFKA_BROKERS: 'a:1', MSK_CLUSTER_ARN: ARN }, /MSK_CLUSTER_ARN/],
    ['a broker without a port', { KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS/],
    ['a port out of range', { KAFKA_BROKERS: 'localhost:70000' }, /KAFKA_BROKERS/],
    ['an empty list', { KAFKA_BROKERS: ' , ' }, /KAFKA_BROKERS/],
    ['a malformed ARN', { MSK_CLUSTER_ARN: 'arn:aws:s3:::bucket' }, /MSK_CLUSTER_ARN/],
    ['MSK without IAM', { MSK_CLUSTER_ARN: ARN, KAFKA_AUTH: 'none' }, /KAFKA_AUTH/],
    ['an unknown auth mode', { KAFKA_BROKERS: 'a:1', KAFKA_AUTH: 'scram' }, /KAFKA_AUTH/],
    ['an illegal topic name', { KAFKA_BROKERS: 'a:1', KAFKA_TOPIC: 'users created' }, /KAFKA_TOPIC/],
    ['zero retries (idempotence needs one)', { KAFKA_BROKERS: 'a:1', KAFKA_RETRIES: '0' }, /KAFKA_RETRIES/],
    [
      'a non-numeric timeout',
      { KAFKA_BROKERS: 'a:1', KAFKA_REQUEST_TIMEOUT_MS: 'soon' },
      /KAFKA_REQUEST_TIMEOUT_MS/,
    ],
  ])('rejects %s with a typed error naming the variable', (_case, env, variable) => {
    expect(() => read(env)).toThrow(InvalidConfigurationError);
    expect(() => read(env)).toThrow(variable);
  });

  it('requires a region for IAM auth with a literal broker list', () => {
    expect(() => read({ KAFKA_BROKERS: 'b-1.example:9098', KAFKA_AUTH: 'iam' })).toThrow(
      new MissingConfigurationError('AWS_REGION'),
    );
  });
});

describe('readKafkaProducerConfig defaults per caller', () => {
  it('lets a caller shorten the request timeout default, and the variable still wins', () => {
    const env = { KAFKA_BROKERS: 'a:1' };
    expect(readKafkaProducerConfig(env, { clientId: 'x', requestTimeoutMs: 5_000 }).requestTimeoutMs).toBe(
      5_000,
    );
    expect(
      readKafkaProducerConfig(
        { ...env, KAFKA_REQUEST_TIMEOUT_MS: '7000' },
        { clientId: 'x', requestTimeoutMs: 5_000 },
      ).requestTimeoutMs,
    ).toBe(7_000);
  });
});
