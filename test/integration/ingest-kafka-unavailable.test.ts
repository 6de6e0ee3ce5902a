import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RandomUserServer, startRandomUserServer } from '../../local/randomuser/server.js';
import { type HttpApi, startHttpApi } from '../../local/runtime/http-adapter.js';
import { localLambdaContext } from '../../local/runtime/lambda-context.js';
import { sampleUserPayload } from '../unit/contract/fixtures.js';

// Nothing listens on port 1: every connection is refused at once, like a broker that is down.
const UNREACHABLE_BROKER = '127.0.0.1:1';

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

describe('ingest Lambdas when Kafka is unreachable', () => {
  let api: HttpApi;
  let randomUser: RandomUserServer;
  let restoreEnvironment: () => void = () => {};
  let pullHandler: (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

  beforeAll(async () => {
    randomUser = await startRandomUserServer();
    restoreEnvironment = setEnvironment({
      KAFKA_BROKERS: UNREACHABLE_BROKER,
      KAFKA_TOPIC: 'users_created',
      RANDOMUSER_BASE_URL: randomUser.url,
    });
    const { handler } = await import('../../lambdas/ingest-http/handler.js');
    pullHandler = (await import('../../lambdas/ingest-pull/handler.js')).handler;
    api = await startHttpApi({ handler, port: 0 });
  });

  afterAll(async () => {
    await api?.close();
    await randomUser?.close();
    restoreEnvironment();
  });

  const postUser = () =>
    fetch(`${api.url}/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(sampleUserPayload()),
    });

  // The test timeout is the bound: the bounded kafkajs retries answer in seconds, not minutes.
  it('answers 503 with Retry-After, and again on the next request (it tries to reconnect)', {
    timeout: 30_000,
  }, async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await postUser();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const body = (await response.json()) as { error: { code: string; request_id: string } };
      expect(body.error.code).toBe('kafka_unavailable');
      expect(body.error.request_id).toBe(response.headers.get('x-request-id'));
    }
  });

  it('still answers the health check, reporting the producer as not connected', async () => {
    const response = await fetch(`${api.url}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', kafka_producer_connected: false });
  });

  it('fails the pull invocation with KafkaUnavailableError, since nothing was produced', {
    timeout: 30_000,
  }, async () => {
    await expect(
      pullHandler({ count: 5, seed: 'down' }, localLambdaContext('ingest-pull')),
    ).rejects.toMatchObject({
      name: 'KafkaUnavailableError',
    });
  });
});
