// Tests lambdas/ingest-http/handler.ts; also lambdas/ingest-pull/handler.ts.
/**
 * The two ingest Lambdas' entry points on the paths that need no broker: the health check and refused input.
 * They run with their real container clients, pointed at a broker address nothing listens on (never contacted
 * here); what they emit is read from stdout, where Lambda's EMF metrics go.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { localLambdaContext } from '../../../../local/runtime/lambda-context.js';
import { apiEvent } from './fixtures.js';

const ENV = {
  KAFKA_BROKERS: '127.0.0.1:1',
  KAFKA_TOPIC: 'users_created',
  RANDOMUSER_BASE_URL: 'http://127.0.0.1:1',
};
const saved = Object.fromEntries(Object.keys(ENV).map((name) => [name, process.env[name]]));

/** The EMF documents written while `run` ran, as metric name → value. */
async function emittedMetrics(run: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  const documents = lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map(
      (line) =>
        JSON.parse(line) as Record<string, unknown> & {
          _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
        },
    );
  return Object.fromEntries(
    documents.flatMap((doc) =>
      doc._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map(({ Name }) => [Name, doc[Name]])),
    ),
  );
}

beforeAll(() => void Object.assign(process.env, ENV));
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterEach(() => vi.restoreAllMocks());

describe('ingest-http handler', () => {
  it('answers the health check without connecting to Kafka, and publishes no metrics', async () => {
    const { handler } = await import('../../../../lambdas/ingest-http/handler.js');
    let response: Awaited<ReturnType<typeof handler>> | undefined;
    const metrics = await emittedMetrics(async () => {
      response = await handler(
        apiEvent({ method: 'GET', path: '/v1/health' }),
        localLambdaContext('ingest-http'),
      );
    });
    expect(response?.statusCode).toBe(200);
    expect(JSON.parse(response?.body ?? '')).toEqual({ status: 'ok', kafka_producer_connected: false });
    expect(metrics).toEqual({});
  });

  it('refuses an invalid user with a 400 naming the field and records the rejection', async () => {
    const { handler } = await import('../../../../lambdas/ingest-http/handler.js');
    let response: Awaited<ReturnType<typeof handler>> | undefined;
    const metrics = await emittedMetrics(async () => {
      response = await handler(apiEvent({ body: { id: 'not-a-uuid' } }), localLambdaContext('ingest-http'));
    });
    expect(response?.statusCode).toBe(400);
    expect(response?.body).toContain('id');
    expect(metrics).toMatchObject({ RequestsRejected: 1 });
  });
});

describe('ingest-pull handler', () => {
  it('fails an invalid invocation, records the failure and rethrows', async () => {
    const { handler } = await import('../../../../lambdas/ingest-pull/handler.js');
    let failure: unknown;
    const metrics = await emittedMetrics(async () => {
      failure = await handler({ count: 0 }, localLambdaContext('ingest-pull')).catch((e: unknown) => e);
    });
    expect(failure).toMatchObject({ name: 'InvalidPullRequestError' });
    expect(metrics).toEqual({ PullFailures: 1 });
  });
});
