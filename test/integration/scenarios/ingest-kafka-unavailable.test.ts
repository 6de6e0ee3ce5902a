import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_PRODUCER_DEFAULTS } from '../../../lambdas/shared/kafka/config.js';
import { type RandomUserServer, startRandomUserServer } from '../../../local/randomuser/server.js';
import { type HttpApi, startHttpApi } from '../../../local/runtime/http-adapter.js';
import { localLambdaContext } from '../../../local/runtime/lambda-context.js';
import { sampleUserPayload } from '../../unit/lambdas/shared/contract/fixtures.js';

/**
 * Connection attempts one call makes to a broker that is down: the first try plus the bounded retries.
 * Unbounded retries would exceed it (and hold the request for minutes).
 */
const ATTEMPTS_PER_CALL = KAFKA_PRODUCER_DEFAULTS.retries + 1;

interface DeadBroker {
  readonly address: string;
  /** Connections accepted so far: each one is a connection attempt by the client. */
  attempts(): number;
  close(): Promise<void>;
}

/** A broker that is down: it accepts each connection and drops it at once, counting the attempts. */
async function startDeadBroker(): Promise<DeadBroker> {
  let attempts = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    attempts += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

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
  let broker: DeadBroker;
  let restoreEnvironment: () => void = () => {};
  let pullHandler: (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

  beforeAll(async () => {
    randomUser = await startRandomUserServer();
    broker = await startDeadBroker();
    restoreEnvironment = setEnvironment({
      KAFKA_BROKERS: broker.address,
      KAFKA_TOPIC: 'users_created',
      RANDOMUSER_BASE_URL: randomUser.url,
    });
    const { handler } = await import('../../../lambdas/ingest-http/handler.js');
    pullHandler = (await import('../../../lambdas/ingest-pull/handler.js')).handler;
    api = await startHttpApi({ handler, port: 0 });
  });

  afterAll(async () => {
    await api?.close();
    await randomUser?.close();
    await broker?.close();
    restoreEnvironment();
  });

  const postUser = () =>
    fetch(`${api.url}/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(sampleUserPayload()),
    });

  /** Runs a call and returns how many connection attempts it made to the broker. */
  async function countAttempts(call: () => Promise<unknown>): Promise<number> {
    const before = broker.attempts();
    await call();
    const made = broker.attempts() - before;
    console.info(`connection attempts: ${made} (expected ${ATTEMPTS_PER_CALL})`);
    return made;
  }

  // Retries are bounded by count: each request tries the broker again (it reconnects), a bounded number of
  // times, then answers.
  it('answers 503 with Retry-After, and again on the next request (it tries to reconnect)', async () => {
    for (let request = 0; request < 2; request += 1) {
      let response: Response | undefined;
      const attempts = await countAttempts(async () => {
        response = await postUser();
      });
      expect(attempts).toBe(ATTEMPTS_PER_CALL);
      if (!response) throw new Error('no response');
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

  it('fails the pull invocation with KafkaUnavailableError after a bounded number of attempts', async () => {
    const attempts = await countAttempts(() =>
      expect(
        pullHandler({ count: 5, seed: 'down' }, localLambdaContext('ingest-pull')),
      ).rejects.toMatchObject({ name: 'KafkaUnavailableError' }),
    );
    expect(attempts).toBe(ATTEMPTS_PER_CALL);
  });
});
