import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullResult } from '../../../../lambdas/ingest-pull/pull-users.js';
import type { UserCreatedEvent } from '../../../../lambdas/shared/contract/index.js';
import { generateRandomUsers } from '../../../../local/randomuser/generate.js';
import { type RandomUserServer, startRandomUserServer } from '../../../../local/randomuser/server.js';
import { ensureTopics } from '../../../../local/runtime/kafka-topics.js';
import { localLambdaContext } from '../../../../local/runtime/lambda-context.js';
import { consumeAll, kafkaClient, services, uniqueName } from '../../../support/local-services.js';

/** Sets environment variables and returns a function that restores the previous values. */
function setEnvironment(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

describe('ingest-pull against the local randomuser.me stand-in and the real Kafka', () => {
  const kafka = kafkaClient('ingest-pull-test');
  const topic = uniqueName('ingest_pull');
  let randomUser: RandomUserServer;
  let invoke: (event: unknown) => Promise<PullResult>;
  let disconnectProducer: () => Promise<void>;
  let restoreEnvironment: () => void = () => {};

  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    randomUser = await startRandomUserServer();
    // Configuration is read once, when the handler module loads: set it first, import after.
    restoreEnvironment = setEnvironment({
      KAFKA_BROKERS: services.kafka.brokers,
      KAFKA_TOPIC: topic,
      RANDOMUSER_BASE_URL: randomUser.url,
      RANDOMUSER_PAGE_SIZE: '100',
      RANDOMUSER_RETRY_BASE_MS: '10',
      PULL_DEFAULT_COUNT: '25',
    });
    const { handler } = await import('../../../../lambdas/ingest-pull/handler.js');
    const { producer } = await import('../../../../lambdas/ingest-pull/clients.js');
    invoke = (event) => handler(event, localLambdaContext('ingest-pull', 120_000));
    disconnectProducer = () => producer.disconnect();
  });

  afterAll(async () => {
    await disconnectProducer?.();
    restoreEnvironment();
    await randomUser?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('fetches N users page by page, retrying injected 429/503, and produces each keyed by login.uuid', async () => {
    randomUser.failNext({ status: 429, retryAfter: '0' }, { status: 503, retryAfter: '0' });

    const result = await invoke({ count: 250, seed: 'itest-pull' });

    expect(result).toMatchObject({
      requested: 250,
      fetched: 250,
      produced: 250,
      failed: 0,
      failures: [],
      seed: 'itest-pull',
      pages: 3,
      retries: 2,
      complete: true,
    });
    expect(randomUser.requests.filter((r) => r.status === 200).map((r) => r.query.page)).toEqual([
      '1',
      '2',
      '3',
    ]);

    const source = generateRandomUsers('itest-pull', 0, 250);
    const messages = (await consumeAll(kafka, topic, 250)).map((c) => c.message);
    const events = messages.map((m) => ({
      key: m.key?.toString(),
      event: JSON.parse(m.value?.toString() ?? '') as UserCreatedEvent,
    }));
    expect(new Set(events.map((e) => e.key))).toEqual(new Set(source.map((u) => u.login.uuid)));
    const byId = new Map(source.map((u) => [u.login.uuid, u]));
    for (const { key, event } of events) {
      const user = byId.get(key ?? '');
      expect(event.payload.id).toBe(key);
      expect(event.source).toBe('ingest-pull');
      expect(event.occurred_at).toBe(user?.registered.date);
      expect(event.payload.post_code).toBe(String(user?.location.postcode));
      expect(event.payload.address).toBe(
        `${user?.location.street.number} ${user?.location.street.name}, ${user?.location.city}, ${user?.location.state}, ${user?.location.country}`,
      );
    }
  });

  it('uses the default count from the environment when the input has none', async () => {
    const result = await invoke({});
    expect(result).toMatchObject({ requested: 25, produced: 25, complete: true });
  });

  it('fails the invocation with a typed error for invalid input', async () => {
    await expect(invoke({ count: 0 })).rejects.toThrow(/count/);
    await expect(invoke({ count: 5001 })).rejects.toMatchObject({ name: 'InvalidPullRequestError' });
  });
});
