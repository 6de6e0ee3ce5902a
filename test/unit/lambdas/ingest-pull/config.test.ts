import { describe, expect, it } from 'vitest';
import { readIngestPullConfig } from '../../../../lambdas/ingest-pull/config.js';
import { InvalidConfigurationError } from '../../../../lambdas/shared/config.js';

const BASE = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('readIngestPullConfig', () => {
  it('has defaults for everything but the Kafka bootstrap', () => {
    expect(readIngestPullConfig(BASE)).toMatchObject({
      kafka: { clientId: 'ingest-pull', topic: 'users_created' },
      randomUserBaseUrl: 'https://randomuser.me',
      defaultCount: 100,
      pageSize: 500,
      requestTimeoutMs: 10_000,
      maxAttempts: 5,
      retryBaseDelayMs: 500,
      retryMaxDelayMs: 8_000,
      deadlineMs: 120_000,
      produceReserveMs: 15_000,
    });
  });

  it('reads the randomuser settings', () => {
    const config = readIngestPullConfig({
      ...BASE,
      RANDOMUSER_BASE_URL: 'http://127.0.0.1:3001/mirror',
      PULL_DEFAULT_COUNT: '5000',
      RANDOMUSER_PAGE_SIZE: '100',
      PULL_DEADLINE_MS: '30000',
    });
    expect(config).toMatchObject({
      randomUserBaseUrl: 'http://127.0.0.1:3001/mirror',
      defaultCount: 5000,
      pageSize: 100,
      deadlineMs: 30_000,
    });
  });

  it.each([
    ['RANDOMUSER_BASE_URL', 'ftp://randomuser.me'],
    ['RANDOMUSER_BASE_URL', 'randomuser.me'],
    ['RANDOMUSER_BASE_URL', 'https://randomuser.me/?results=5'],
    ['PULL_DEFAULT_COUNT', '5001'],
    ['RANDOMUSER_PAGE_SIZE', '1000'],
    ['RANDOMUSER_MAX_ATTEMPTS', '0'],
  ])('refuses %s=%s', (variable, value) => {
    expect(() => readIngestPullConfig({ ...BASE, [variable]: value })).toThrow(InvalidConfigurationError);
    expect(() => readIngestPullConfig({ ...BASE, [variable]: value })).toThrow(variable);
  });
});
