/**
 * The local API Gateway adapter in front of the real ingest-http handler and the real Kafka, with the dev
 * stage's caller authentication and a throttle: what API Gateway answers by itself (403, 429) never reaches
 * the function, and a keyed call does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageApiAccess } from '../../../../local/runtime/api-gateway-access.js';
import { type HttpApi, type HttpApiOptions, startHttpApi } from '../../../../local/runtime/http-adapter.js';
import { ensureTopics } from '../../../../local/runtime/kafka-topics.js';
import { pushApiDocuments } from '../../../../local/runtime/openapi-document.js';
import { highWatermarkTotal, kafkaClient, services, uniqueName } from '../../../support/local-services.js';
import { userPayload } from '../../../support/user-events.js';

describe("the local API enforces the stage's API key and throttle, as API Gateway does", () => {
  const kafka = kafkaClient('api-gateway-access-test');
  const topic = uniqueName('api_access');
  const stateDir = mkdtempSync(join(tmpdir(), 'api-access-state-'));
  const previousEnvironment = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    KAFKA_TOPIC: process.env.KAFKA_TOPIC,
  };
  let handler: HttpApiOptions['handler'];
  let disconnectProducer: () => Promise<void> = async () => {};
  const apis: HttpApi[] = [];

  const start = async (throttle: { rateLimit?: number; burstLimit?: number } = {}) => {
    const access = stageApiAccess('dev', stateDir, throttle);
    const api = await startHttpApi({ handler, port: 0, documents: pushApiDocuments(), access });
    apis.push(api);
    return { api, key: access.auth.mode === 'apiKey' ? access.auth.key : '' };
  };
  const post = (url: string, headers: Record<string, string>, index: number) =>
    fetch(`${url}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(userPayload(index)),
    });

  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    // The handler reads its configuration once, when its module loads: set it first, import after.
    Object.assign(process.env, { KAFKA_BROKERS: services.kafka.brokers, KAFKA_TOPIC: topic });
    ({ handler } = await import('../../../../lambdas/ingest-http/handler.js'));
    const { producer } = await import('../../../../lambdas/ingest-http/clients.js');
    disconnectProducer = () => producer.disconnect();
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await disconnectProducer();
    for (const [name, value] of Object.entries(previousEnvironment)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(stateDir, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('no key or a wrong key: 403 {"message":"Forbidden"} (ForbiddenException), nothing produced; the key: 202', async () => {
    const { api, key } = await start();
    const before = await highWatermarkTotal(kafka, topic);
    const wrongCalls: Record<string, string>[] = [
      {},
      { 'x-api-key': `${key.slice(0, -1)}X` },
      { 'x-api-key': '' },
    ];
    for (const headers of wrongCalls) {
      const refused = await post(api.url, headers, 1);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toBe('{"message":"Forbidden"}');
      expect(refused.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      expect(refused.headers.get('content-type')).toBe('application/json');
    }
    const keylessDelete = await fetch(`${api.url}/v1/users/${userPayload(1).id}`, { method: 'DELETE' });
    expect(keylessDelete.status).toBe(403);
    expect(await highWatermarkTotal(kafka, topic)).toBe(before);

    const accepted = await post(api.url, { 'x-api-key': key }, 2);
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    expect(((await accepted.json()) as { accepted: number }).accepted).toBe(1);
    const deleted = await fetch(`${api.url}/v1/users/${userPayload(2).id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': key },
    });
    expect(deleted.status).toBe(202);
    expect(await highWatermarkTotal(kafka, topic)).toBe(before + 2n);
  });

  it('the health probe and the OpenAPI document stay open', async () => {
    const { api } = await start();
    expect((await fetch(`${api.url}/v1/health`)).status).toBe(200);
    expect((await fetch(`${api.url}/v1/openapi.json`)).status).toBe(200);
  });

  it('over a tiny configured throttle (1 req/s, burst 2): 429 {"message":"Too Many Requests"}', async () => {
    const { api, key } = await start({ rateLimit: 1, burstLimit: 2 });
    // Five keyed calls at once: the burst's two tokens pass, the rest find the bucket empty (one token a second).
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post(api.url, { 'x-api-key': key }, 10 + i)),
    );
    const statuses = answers.map((answer) => answer.status);
    const throttled = answers.filter((answer) => answer.status === 429);
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThanOrEqual(2);
    expect(throttled.length, String(statuses)).toBeGreaterThanOrEqual(2);
    expect(statuses.every((status) => status === 202 || status === 429)).toBe(true);
    for (const answer of throttled) {
      expect(await answer.text()).toBe('{"message":"Too Many Requests"}');
      expect(answer.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    }
  });
});
