import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpApi, type HttpApiOptions, startHttpApi } from '../../../../local/runtime/http-adapter.js';
import { matchResource } from '../../../../local/runtime/http-api-event.js';

const started: HttpApi[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((api) => api.close()));
});

/** Starts the adapter on a free port with a handler that records its events and answers `reply`. */
async function recordingApi(
  reply: (event: APIGatewayProxyEvent) => unknown = () => ({ statusCode: 200, body: '{}' }),
  options: Partial<HttpApiOptions> = {},
) {
  const events: APIGatewayProxyEvent[] = [];
  const contexts: Context[] = [];
  const api = await startHttpApi({
    port: 0,
    log: () => {},
    ...options,
    handler: async (event, context) => {
      events.push(event);
      contexts.push(context);
      return reply(event) as APIGatewayProxyResult;
    },
  });
  started.push(api);
  return { api, events, contexts };
}

describe('startHttpApi: request → APIGatewayProxyEvent', () => {
  it('builds the REST proxy event for a greedy resource', async () => {
    const { api, events, contexts } = await recordingApi();
    await fetch(`${api.url}/v1/users?tag=a&tag=b&single=x%20y`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'one' },
      body: '{"a":"ü"}',
    });

    const [event] = events;
    expect(event).toMatchObject({
      resource: '/{proxy+}',
      path: '/v1/users',
      httpMethod: 'POST',
      pathParameters: { proxy: 'v1/users' },
      queryStringParameters: { tag: 'b', single: 'x y' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], single: ['x y'] },
      stageVariables: null,
      body: '{"a":"ü"}',
      isBase64Encoded: false,
      requestContext: {
        stage: 'local',
        path: '/local/v1/users',
        resourcePath: '/{proxy+}',
        httpMethod: 'POST',
        requestId: expect.any(String),
        requestTimeEpoch: expect.any(Number),
        identity: { sourceIp: '127.0.0.1' },
      },
    });
    // Header names keep the client's casing; API Gateway adds its own.
    expect(event?.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Custom': 'one' });
    expect(event?.multiValueHeaders['X-Custom']).toEqual(['one']);
    expect(event?.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event?.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(event?.requestContext.requestTime).toMatch(
      /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/,
    );
    expect(contexts[0]?.functionName).toBe('ingest-http');
    expect(contexts[0]?.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('keeps every value of a repeated header in multiValueHeaders and the last one in headers', async () => {
    const { api, events } = await recordingApi();
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(
        `${api.url}/v1/users`,
        { headers: { 'X-Multi': ['a', 'b'] } },
        (response) => {
          response.resume();
          response.on('end', resolve);
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(events[0]?.headers['X-Multi']).toBe('b');
    expect(events[0]?.multiValueHeaders['X-Multi']).toEqual(['a', 'b']);
  });

  it('sends null query parameters and a null body when there are none', async () => {
    const { api, events } = await recordingApi();
    await fetch(`${api.url}/v1/health`);
    expect(events[0]).toMatchObject({
      httpMethod: 'GET',
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      body: null,
      isBase64Encoded: false,
    });
  });

  it('base64-encodes bodies of binary media types', async () => {
    const { api, events } = await recordingApi();
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    await fetch(`${api.url}/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
    expect(events[0]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(events[0]?.body ?? '', 'base64')).toEqual(bytes);
  });

  it('matches explicit resources like API Gateway and answers 403 itself for unknown paths', async () => {
    const { api, events } = await recordingApi(undefined, { resources: ['/v1/users', '/v1/items/{id}'] });
    await fetch(`${api.url}/v1/items/42`);
    expect(events[0]).toMatchObject({ resource: '/v1/items/{id}', pathParameters: { id: '42' } });

    const unknown = await fetch(`${api.url}/v2/users`);
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(events).toHaveLength(1);
  });

  it('refuses a body over the payload limit with 413 before invoking the handler', async () => {
    const { api, events } = await recordingApi(undefined, { maxPayloadBytes: 1024 });
    const response = await fetch(`${api.url}/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: 'x'.repeat(1025),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Too Long' });
    expect(events).toHaveLength(0);
  });
});

describe('startHttpApi: result → HTTP response', () => {
  it('writes status, headers and multi-value headers (multi-value wins) and the body', async () => {
    const { api } = await recordingApi(() => ({
      statusCode: 202,
      headers: { 'Content-Type': 'application/json', 'Retry-After': '5', 'X-Both': 'single' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'X-Both': ['multi'] },
      body: '{"accepted":1}',
    }));
    const response = await fetch(`${api.url}/v1/users`, { method: 'POST' });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('x-both')).toBe('multi');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toBe('{"accepted":1}');
  });

  it('decodes a base64 result body', async () => {
    const { api } = await recordingApi(() => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    }));
    const response = await fetch(`${api.url}/v1/users`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
  });

  it('answers 502 like API Gateway when the handler throws or returns a malformed result', async () => {
    const throwing = await recordingApi(() => {
      throw new Error('boom');
    });
    const thrown = await fetch(`${throwing.api.url}/v1/users`);
    expect(thrown.status).toBe(502);
    expect(await thrown.json()).toEqual({ message: 'Internal server error' });

    const malformed = await recordingApi(() => ({ body: 'no status' }));
    expect((await fetch(`${malformed.api.url}/v1/users`)).status).toBe(502);
  });

  it('answers 504 when the handler outlives the integration timeout', async () => {
    const { api } = await recordingApi(() => new Promise(() => {}), { integrationTimeoutMs: 50 });
    const response = await fetch(`${api.url}/v1/users`);
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ message: 'Endpoint request timed out' });
  });
});

describe('matchResource', () => {
  it('prefers literal segments over parameters over greedy parameters', () => {
    const resources = ['/{proxy+}', '/v1/{name}', '/v1/users'];
    expect(matchResource('/v1/users', resources)).toEqual({ resource: '/v1/users', pathParameters: null });
    expect(matchResource('/v1/health', resources)).toEqual({
      resource: '/v1/{name}',
      pathParameters: { name: 'health' },
    });
    expect(matchResource('/v1/a/b', resources)).toEqual({
      resource: '/{proxy+}',
      pathParameters: { proxy: 'v1/a/b' },
    });
    expect(matchResource('/', resources)).toBeNull();
    expect(matchResource('/', ['/'])).toEqual({ resource: '/', pathParameters: null });
  });
});

describe('startHttpApi: documents', () => {
  it('serves a document on GET without invoking the handler, and leaves other methods to it', async () => {
    const { api, events } = await recordingApi(undefined, {
      documents: { '/v1/openapi.json': '{"openapi":"3.1.1"}' },
    });
    const got = await fetch(`${api.url}/v1/openapi.json?x=1`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await got.json()).toEqual({ openapi: '3.1.1' });
    expect(events).toHaveLength(0);
    await fetch(`${api.url}/v1/openapi.json`, { method: 'POST', body: '{}' });
    expect(events.map((e) => e.httpMethod)).toEqual(['POST']);
  });
});
