import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RandomUserServer, startRandomUserServer } from '../../../local/randomuser/server.js';
import { type HttpApi, startHttpApi } from '../../../local/runtime/http-adapter.js';
import {
  type LambdaInvokeServer,
  startLambdaInvokeServer,
} from '../../../local/runtime/lambda-invoke-server.js';
import { MskBridge } from '../../../local/runtime/msk-bridge.js';
import { preparePipeline } from '../../../local/runtime/prepare-pipeline.js';
import { bringDown, bringUp, createLocalServices } from '../../../local/services/service-runner.js';
import {
  adminPostgresPool,
  cassandraClient,
  kafkaClient,
  services,
  uniqueName,
} from '../../support/local-services.js';
import { endProcessorPool } from '../../support/processor.js';
import { userPayload } from '../../support/user-events.js';

// The whole local pipeline, wired as `npm start` wires it: HTTP adapter → ingest-http handler → Kafka →
// MSK bridge → processor handler → PostgreSQL + Cassandra, plus the pull handler through the Invoke endpoint.
const topic = uniqueName('users_created_e2e');
let kafka: Kafka;
let pool: pg.Pool;
let cassandra: CassandraClient;
let api: HttpApi;
let invoke: LambdaInvokeServer;
let source: RandomUserServer;
let bridge: MskBridge;
/** user id → event id of every event answered 202 (or produced by the pull). */
const accepted = new Map<string, string>();

async function post(
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const response = await fetch(`${api.url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    retryAfter: response.headers.get('retry-after'),
  };
}

async function postUsers(users: Array<ReturnType<typeof userPayload>>, asBatch: boolean) {
  const result = await post(asBatch ? { users } : users[0]);
  if (result.status === 202) {
    const ids = result.body.event_ids as string[];
    for (const [i, u] of users.entries()) accepted.set(u.id as string, ids[i] as string);
  }
  return result;
}

async function waitForStores(
  ids: readonly string[],
  timeoutMs = 180_000,
): Promise<{ pg: number; cassandra: number }> {
  const deadline = Date.now() + timeoutMs;
  let counts = { pg: 0, cassandra: 0 };
  while (Date.now() < deadline) {
    const pgRows = await pool.query<{ n: string }>(
      'select count(*) as n from users where user_id = any($1::uuid[])',
      [ids],
    );
    let wide = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const result = await cassandra.execute(
        'SELECT id FROM pipeline.created_users WHERE id IN ?',
        [ids.slice(i, i + 100)],
        {
          prepare: true,
        },
      );
      wide += result.rowLength;
    }
    counts = { pg: Number(pgRows.rows[0]?.n), cassandra: wide };
    if (counts.pg === ids.length && counts.cassandra === ids.length) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return counts;
}

async function eventIdsIn(ids: readonly string[]) {
  const rows = await pool.query<{ user_id: string; event_id: string }>(
    'select user_id, event_id from users where user_id = any($1::uuid[])',
    [ids],
  );
  return new Map(rows.rows.map((r) => [r.user_id, r.event_id]));
}

beforeAll(async () => {
  kafka = kafkaClient('e2e');
  await preparePipeline(kafka, services, { topic, partitions: 3 });
  source = await startRandomUserServer({ port: 0 });
  process.env.KAFKA_TOPIC = topic;
  process.env.RANDOMUSER_BASE_URL = source.url;
  pool = adminPostgresPool();
  cassandra = cassandraClient();
  await cassandra.connect();
  const [{ handler: processor }, { handler: ingestHttp }, { handler: ingestPull }] = await Promise.all([
    import('../../../lambdas/processor/handler.js'),
    import('../../../lambdas/ingest-http/handler.js'),
    import('../../../lambdas/ingest-pull/handler.js'),
  ]);
  bridge = new MskBridge({
    kafka,
    topic,
    groupId: uniqueName('e2e'),
    batchSize: 500,
    batchWindowMs: 100,
    handler: processor,
  });
  await bridge.start();
  api = await startHttpApi({
    port: 0,
    handler: ingestHttp as (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>,
  });
  invoke = await startLambdaInvokeServer({ port: 0, functions: { 'ingest-pull': ingestPull as never } });
});

afterAll(async () => {
  await bridge?.stop();
  await api?.close();
  await invoke?.close();
  await source?.close();
  await pool?.end();
  await cassandra?.shutdown();
  await endProcessorPool();
});

describe('end to end on real services', () => {
  it('5,000 users posted over HTTP (batches and singles) plus one pull run land exactly once in both stores', async () => {
    const users = Array.from({ length: 5_000 }, (_, i) => userPayload(i));
    const batches = [];
    for (let i = 0; i < 4_500; i += 250) batches.push(users.slice(i, i + 250));
    for (const batch of batches) expect((await postUsers(batch, true)).status).toBe(202);
    const singles = users.slice(4_500);
    for (let i = 0; i < singles.length; i += 25) {
      const statuses = await Promise.all(
        singles.slice(i, i + 25).map((u) => postUsers([u], false).then((r) => r.status)),
      );
      expect(statuses.every((s) => s === 202)).toBe(true);
    }
    expect(accepted.size).toBe(5_000);

    const response = await fetch(`${invoke.url}/2015-03-31/functions/ingest-pull/invocations`, {
      method: 'POST',
      body: JSON.stringify({ count: 300, seed: uniqueName('seed') }),
    });
    expect(response.headers.get('x-amz-function-error')).toBeNull();
    const pull = (await response.json()) as { produced: number; failed: number };
    expect(pull).toMatchObject({ produced: 300, failed: 0 });
    const pulledIds = (await fetchPulledIds()).filter((id) => !accepted.has(id));
    expect(pulledIds).toHaveLength(300);

    const ids = [...accepted.keys(), ...pulledIds];
    expect(await waitForStores(ids)).toEqual({ pg: 5_300, cassandra: 5_300 });
    const stored = await eventIdsIn([...accepted.keys()]);
    for (const [userId, eventId] of accepted) expect(stored.get(userId)).toBe(eventId);
  });

  it('Kafka stopped: pushes get 503 with Retry-After; after a restart pushes are accepted and nothing answered 202 is lost', async () => {
    const kafkaService = createLocalServices(services).filter((s) => s.name === 'kafka');
    const before = new Map(accepted);
    accepted.clear();
    const statuses: number[] = [];
    let index = 50_000;
    const pushOne = async () => {
      const result = await postUsers([userPayload(index++)], false);
      statuses.push(result.status);
      if (result.status === 503) expect(Number(result.retryAfter)).toBeGreaterThan(0);
      else expect(result.status).toBe(202);
      return result.status;
    };
    for (let i = 0; i < 20; i++) await pushOne();
    await bringDown(kafkaService, () => {});
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await pushOne());
    expect(during.every((s) => s === 503)).toBe(true);
    await bringUp(kafkaService, () => {});
    // The producer reconnects on the next request after an outage.
    const deadline = Date.now() + 60_000;
    while ((await pushOne()) !== 202 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1_000));
    for (let i = 0; i < 20; i++) expect(await pushOne()).toBe(202);

    const ids = [...accepted.keys()];
    expect(await waitForStores(ids)).toEqual({ pg: ids.length, cassandra: ids.length });
    const stored = await eventIdsIn(ids);
    for (const [userId, eventId] of accepted) expect(stored.get(userId)).toBe(eventId);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(5);
    for (const [k, v] of before) accepted.set(k, v);
  });
});

/** Ids of the users the local randomuser source served (the pull keeps randomuser's login.uuid as id). */
async function fetchPulledIds(): Promise<string[]> {
  const ids: string[] = [];
  const served = source.requests.filter((r) => r.status === 200);
  for (const request of served) {
    const response = await fetch(`${source.url}${request.url}`);
    const body = (await response.json()) as { results: Array<{ login: { uuid: string } }> };
    ids.push(...body.results.map((r) => r.login.uuid));
  }
  return [...new Set(ids)];
}
