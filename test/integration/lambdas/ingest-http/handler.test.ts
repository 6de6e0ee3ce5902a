import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserCreatedEvent } from '../../../../lambdas/shared/contract/index.js';
import { type HttpApi, startHttpApi } from '../../../../local/runtime/http-adapter.js';
import { ensureTopics } from '../../../../local/runtime/kafka-topics.js';
import {
  consumeAll,
  highWatermarkTotal,
  kafkaClient,
  services,
  uniqueName,
} from '../../../support/local-services.js';
import { sampleUserPayload } from '../../../unit/lambdas/shared/contract/fixtures.js';

const PARTITIONS = 3;

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

function user(n: number, overrides: Record<string, unknown> = {}) {
  return sampleUserPayload({
    id: `3f0c9d1e-2b4a-4c6d-8e0f-${n.toString(16).padStart(12, '0')}`,
    ...overrides,
  });
}

describe('ingest-http over real HTTP (local API Gateway adapter) into the real Kafka', () => {
  const kafka = kafkaClient('ingest-http-test');
  const topic = uniqueName('ingest_http');
  let api: HttpApi;
  let disconnectProducer: () => Promise<void>;
  let restoreEnvironment: () => void = () => {};
  const accepted: { eventId: string; payload: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: PARTITIONS }]);
    // The handler reads its configuration once, when its module loads: set it first, import after.
    restoreEnvironment = setEnvironment({ KAFKA_BROKERS: services.kafka.brokers, KAFKA_TOPIC: topic });
    const { handler } = await import('../../../../lambdas/ingest-http/handler.js');
    const { producer } = await import('../../../../lambdas/ingest-http/clients.js');
    disconnectProducer = () => producer.disconnect();
    api = await startHttpApi({ handler, port: 0 });
  });

  afterAll(async () => {
    await api?.close();
    await disconnectProducer?.();
    restoreEnvironment();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  const post = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    fetch(`${api.url}/v1/users`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers 202 for singles and batches, and every accepted event is in Kafka exactly once', async () => {
    const singles = [
      user(1, { first_name: 'Zoë', last_name: 'Ørsted-Çelik 山田', email: 'zoë.çelik@example.com' }),
      user(2, {
        first_name: "Robert'); DROP TABLE users;--",
        address: "1; DROP KEYSPACE pipeline; --, x' OR '1'='1",
      }),
      user(3, { post_code: 93451 }),
    ];
    for (const payload of singles) {
      const response = await post(payload, {
        'Content-Type': 'application/json; charset=utf-8',
        'X-Amzn-Trace-Id': 'Root=1-itest-single',
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { accepted: number; event_ids: string[] };
      expect(body.accepted).toBe(1);
      accepted.push({ eventId: body.event_ids[0] as string, payload });
    }
    for (const size of [10, 250]) {
      const users = Array.from({ length: size }, (_, i) => user(1_000 * size + i));
      const response = await post({ users });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { accepted: number; event_ids: string[] };
      expect(body.accepted).toBe(size);
      for (const [i, eventId] of body.event_ids.entries()) {
        accepted.push({ eventId, payload: users[i] as Record<string, unknown> });
      }
    }

    // Nothing beyond the accepted events was written (no duplicates from retries)...
    expect(await highWatermarkTotal(kafka, topic)).toBe(BigInt(accepted.length));
    // ...and each accepted event is there once.
    const messages = (await consumeAll(kafka, topic, accepted.length)).map((c) => c.message);
    expect(messages).toHaveLength(accepted.length);
    const byEventId = new Map<string, { event: UserCreatedEvent; message: KafkaMessage }[]>();
    for (const message of messages) {
      const event = JSON.parse(message.value?.toString() ?? '') as UserCreatedEvent;
      byEventId.set(event.event_id, [...(byEventId.get(event.event_id) ?? []), { event, message }]);
    }
    for (const { eventId, payload } of accepted) {
      const copies = byEventId.get(eventId) ?? [];
      expect(copies).toHaveLength(1);
      const [{ event, message }] = copies as [{ event: UserCreatedEvent; message: KafkaMessage }];
      expect(message.key?.toString()).toBe(payload.id);
      expect(event).toMatchObject({ source: 'ingest-http', event_type: 'user.created', schema_version: 2 });
      expect(event.payload).toEqual({ ...payload, post_code: String(payload.post_code) });
      expect(message.headers?.schema_version?.toString()).toBe('2');
      expect(message.headers?.event_type?.toString()).toBe('user.created');
      expect(message.headers?.trace_id?.toString()).toMatch(/^Root=1-/);
    }
    expect(byEventId.get(accepted[0]?.eventId ?? '')?.[0]?.message.headers?.trace_id?.toString()).toBe(
      'Root=1-itest-single',
    );
  });

  it('answers the bad-input matrix with the documented statuses and produces nothing', async () => {
    const before = await highWatermarkTotal(kafka, topic);
    const json = { 'Content-Type': 'application/json' };
    const cases: { name: string; request: () => Promise<Response>; status: number; code?: string }[] = [
      { name: 'malformed JSON', request: () => post('{"first_name": '), status: 400, code: 'invalid_json' },
      { name: 'bare array', request: () => post([user(1)]), status: 400, code: 'invalid_body_shape' },
      {
        name: 'schema violation',
        request: () => post(user(1, { email: 'x', first_name: 7 })),
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'huge string',
        request: () => post(user(1, { last_name: 'x'.repeat(5_000) })),
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'one bad item in a batch',
        request: () => post({ users: [user(1), user(2, { dob: 'yesterday' })] }),
        status: 400,
        code: 'validation_failed',
      },
      { name: 'empty batch', request: () => post({ users: [] }), status: 400, code: 'empty_batch' },
      {
        name: 'batch over 500',
        request: () => post({ users: Array.from({ length: 501 }, (_, i) => user(i)) }),
        status: 400,
        code: 'batch_too_large',
      },
      {
        name: 'wrong content type',
        request: () => post(user(1), { 'Content-Type': 'text/plain' }),
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'body over 512 KiB',
        request: () => post({ users: [user(1, { address: 'a'.repeat(600 * 1024) })] }),
        status: 413,
        code: 'payload_too_large',
      },
      {
        name: 'wrong method',
        request: () => fetch(`${api.url}/v1/users`, { method: 'PUT', headers: json, body: '{}' }),
        status: 405,
        code: 'method_not_allowed',
      },
      {
        name: 'unknown path',
        request: () => fetch(`${api.url}/v1/people`, { method: 'POST', headers: json, body: '{}' }),
        status: 404,
        code: 'not_found',
      },
    ];
    for (const { name, request, status, code } of cases) {
      const response = await request();
      expect(response.status, name).toBe(status);
      const body = (await response.json()) as {
        error: { code: string; message: string; request_id: string; issues: unknown[] };
      };
      expect(body.error.code, name).toBe(code);
      expect(body.error.request_id, name).toBe(response.headers.get('x-request-id'));
      expect(Array.isArray(body.error.issues), name).toBe(true);
    }

    // Over API Gateway's 10 MB limit the gateway answers itself; the function never runs.
    const tooLong = await post(`{"users":["${'x'.repeat(10 * 1024 * 1024)}"]}`);
    expect(tooLong.status).toBe(413);
    expect(await tooLong.json()).toEqual({ message: 'Request Too Long' });

    expect(await highWatermarkTotal(kafka, topic)).toBe(before);
  });

  it('DELETE /v1/users/{id}: 202 with the event id, one user.deleted keyed like the user; a bad id is a 400', async () => {
    const id = user(77).id;
    const before = await highWatermarkTotal(kafka, topic);
    const bad = await fetch(`${api.url}/v1/users/not-a-uuid`, { method: 'DELETE' });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(error.error.code).toBe('validation_failed');
    expect(error.error.issues.map((issue) => issue.path)).toEqual(['id']);
    expect(await highWatermarkTotal(kafka, topic)).toBe(before);

    expect((await post(user(77))).status).toBe(202);
    const response = await fetch(`${api.url}/v1/users/${id}?reason=consent_withdrawn`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; event_ids: string[] };
    expect(body.accepted).toBe(1);
    const all = await consumeAll(kafka, topic, Number(before) + 2);
    const deletions = all.filter((m) => m.message.headers?.event_type?.toString() === 'user.deleted');
    expect(deletions).toHaveLength(1);
    const [{ message, partition }] = deletions as [(typeof deletions)[number]];
    expect(message.key?.toString()).toBe(id);
    expect(JSON.parse(message.value?.toString() ?? '')).toMatchObject({
      event_id: body.event_ids[0],
      event_type: 'user.deleted',
      payload: { id, reason: 'consent_withdrawn' },
    });
    // The same key as the user's create: the same partition, so one user's events stay in order.
    const ofUser = all.filter((m) => m.message.key?.toString() === id);
    expect(ofUser.map((m) => m.message.headers?.event_type?.toString())).toEqual([
      'user.created',
      'user.deleted',
    ]);
    expect(ofUser.map((m) => m.partition)).toEqual([partition, partition]);
  });

  it('answers the health check with the producer state', async () => {
    const response = await fetch(`${api.url}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', kafka_producer_connected: true });
  });
});
