import { describe, expect, it } from 'vitest';
import { readIngestHttpConfig } from '../../../../lambdas/ingest-http/config.js';
import { InvalidConfigurationError } from '../../../../lambdas/shared/config.js';

describe('readIngestHttpConfig', () => {
  it('shortens the Kafka request timeout to 5 s so a hanging cluster still gets a 503 out before API Gateway’s 29 s', () => {
    const { kafka, retryAfterSeconds } = readIngestHttpConfig({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(kafka).toMatchObject({
      clientId: 'ingest-http',
      requestTimeoutMs: 5_000,
      connectionTimeoutMs: 3_000,
      retries: 2,
    });
    expect(retryAfterSeconds).toBe(5);
  });

  it('reads RETRY_AFTER_SECONDS', () => {
    expect(readIngestHttpConfig({ KAFKA_BROKERS: 'a:1', RETRY_AFTER_SECONDS: '30' }).retryAfterSeconds).toBe(
      30,
    );
    expect(() => readIngestHttpConfig({ KAFKA_BROKERS: 'a:1', RETRY_AFTER_SECONDS: '0' })).toThrow(
      InvalidConfigurationError,
    );
  });
});
