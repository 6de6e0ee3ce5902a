import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  MAX_REPORTED_ISSUES,
  MAX_REQUEST_BODY_BYTES,
  MAX_USERS_PER_REQUEST,
} from '../../../../lambdas/ingest-http/api.js';
import { handleRequest, isJsonContentType } from '../../../../lambdas/ingest-http/handle-request.js';
import { IngestHttpMetric } from '../../../../lambdas/ingest-http/metric-names.js';
import { KafkaProduceError, KafkaUnavailableError } from '../../../../lambdas/shared/kafka/errors.js';
import { sampleUserPayload } from '../shared/contract/fixtures.js';
import { apiEvent, recordingDependencies } from './fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';

function userWithId(n: number, overrides: Record<string, unknown> = {}) {
  return sampleUserPayload({
    id: `5d6f3c0e-8a3b-4c2f-9e1d-${n.toString(16).padStart(12, '0')}`,
    ...overrides,
  });
}

function json(response: APIGatewayProxyResult) {
  return JSON.parse(response.body) as Record<string, unknown>;
}

function expectErrorShape(response: APIGatewayProxyResult, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
  const body = json(response) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ code, message: expect.any(String), request_id: REQUEST_ID });
  expect(Array.isArray(body.error.issues)).toBe(true);
  return body.error as {
    code: string;
    message: string;
    issues: { index?: number; path: string; message: string }[];
  };
}

describe('POST /v1/users: accepted requests', () => {
  it('produces one user and answers 202 with its event id only after the publish resolved', async () => {
    const { deps, published, metricTotal } = recordingDependencies();
    const user = sampleUserPayload();

    const response = await handleRequest(apiEvent({ body: user }), deps);

    expect(response.statusCode).toBe(202);
    const body = json(response) as { accepted: number; event_ids: string[] };
    expect(body).toEqual({ accepted: 1, event_ids: [expect.stringMatching(UUID)] });
    expect(published).toHaveLength(1);
    const [event] = published[0]?.events ?? [];
    expect(event).toMatchObject({
      event_id: body.event_ids[0],
      event_type: 'user.created',
      schema_version: 2,
      source: 'ingest-http',
      occurred_at: '2024-05-01T12:00:00.000Z',
      ingested_at: '2024-05-01T12:00:00.000Z',
      payload: user,
    });
    expect(published[0]?.traceId).toBe(REQUEST_ID);
    expect(response.headers?.['X-Request-Id']).toBe(REQUEST_ID);
    expect(metricTotal(IngestHttpMetric.requestsAccepted)).toBe(1);
    expect(metricTotal(IngestHttpMetric.eventsProduced)).toBe(1);
  });

  it('produces a batch in one publish, in order, and passes the X-Ray trace header on', async () => {
    const { deps, published } = recordingDependencies();
    const users = [userWithId(1), userWithId(2), userWithId(3)];
    const response = await handleRequest(
      apiEvent({
        body: { users },
        headers: { 'content-type': 'application/json', 'X-Amzn-Trace-Id': 'Root=1-a-b' },
      }),
      deps,
    );

    expect(response.statusCode).toBe(202);
    const body = json(response) as { accepted: number; event_ids: string[] };
    expect(body.accepted).toBe(3);
    expect(published).toHaveLength(1);
    expect(published[0]?.traceId).toBe('Root=1-a-b');
    expect(published[0]?.events.map((e) => e.payload.id)).toEqual(users.map((u) => u.id));
    expect(published[0]?.events.map((e) => e.event_id)).toEqual(body.event_ids);
  });

  it(`accepts a batch of exactly ${MAX_USERS_PER_REQUEST} users`, async () => {
    const { deps, published } = recordingDependencies();
    const users = Array.from({ length: MAX_USERS_PER_REQUEST }, (_, i) => userWithId(i));
    const response = await handleRequest(apiEvent({ body: { users } }), deps);
    expect(response.statusCode).toBe(202);
    expect(published[0]?.events).toHaveLength(MAX_USERS_PER_REQUEST);
  });

  it('accepts Unicode names and addresses verbatim', async () => {
    const { deps, published } = recordingDependencies();
    const user = sampleUserPayload({
      first_name: 'Zoë Ørsted-Çelik',
      last_name: '山田 محمدی Шевченко 👩🏽‍🚀',
      address: '7 Øvre Slottsgate, Tromsø, Troms, Norge',
      email: 'zoë.çelik@example.com',
    });
    const response = await handleRequest(apiEvent({ body: user }), deps);
    expect(response.statusCode).toBe(202);
    expect(published[0]?.events[0]?.payload).toEqual(user);
  });

  it('accepts SQL/CQL-injection-looking strings as plain data, unchanged', async () => {
    const { deps, published } = recordingDependencies();
    const user = sampleUserPayload({
      first_name: "Robert'); DROP TABLE users;--",
      last_name: "x' OR '1'='1",
      address: '1; DROP KEYSPACE pipeline; --, $$, \\x00, /* */',
      username: "admin'--",
    });
    const response = await handleRequest(apiEvent({ body: user }), deps);
    expect(response.statusCode).toBe(202);
    expect(published[0]?.events[0]?.payload).toEqual(user);
  });

  it('accepts a body with or without nationality and produces schema v2 either way', async () => {
    const { deps, published } = recordingDependencies();
    const withIt = await handleRequest(apiEvent({ body: sampleUserPayload({ nationality: 'IE' }) }), deps);
    const without = await handleRequest(apiEvent({ body: sampleUserPayload() }), deps);
    expect([withIt.statusCode, without.statusCode]).toEqual([202, 202]);
    expect(published.map((p) => p.events[0]?.payload.nationality)).toEqual(['IE', undefined]);
    expect(published.map((p) => p.events[0]?.schema_version)).toEqual([2, 2]);
  });

  it('turns a numeric post_code into a string, as the contract does', async () => {
    const { deps, published } = recordingDependencies();
    const response = await handleRequest(apiEvent({ body: sampleUserPayload({ post_code: 93451 }) }), deps);
    expect(response.statusCode).toBe(202);
    expect(published[0]?.events[0]?.payload.post_code).toBe('93451');
  });

  it('decodes a base64-encoded body (binary media type configured on the API)', async () => {
    const { deps, published } = recordingDependencies();
    const body = Buffer.from(JSON.stringify(sampleUserPayload({ first_name: 'Jürgen' })), 'utf8').toString(
      'base64',
    );
    const response = await handleRequest(apiEvent({ body, isBase64Encoded: true }), deps);
    expect(response.statusCode).toBe(202);
    expect(published[0]?.events[0]?.payload.first_name).toBe('Jürgen');
  });

  it('routes explicit resources and tolerates a trailing slash', async () => {
    const { deps } = recordingDependencies();
    const explicit = apiEvent({ resource: '/v1/users', body: sampleUserPayload() });
    expect((await handleRequest(explicit, deps)).statusCode).toBe(202);
    const slash = apiEvent({ path: '/v1/users/', body: sampleUserPayload() });
    expect((await handleRequest(slash, deps)).statusCode).toBe(202);
  });
});

const oversizeSingle = `${JSON.stringify(sampleUserPayload())}${' '.repeat(33 * 1024)}`;
const oversizeBatch = JSON.stringify({
  users: [sampleUserPayload({ address: 'a'.repeat(MAX_REQUEST_BODY_BYTES) })],
});

describe('POST /v1/users: the bad-input matrix (nothing is ever produced)', () => {
  it.each([
    { name: 'malformed JSON', body: '{"first_name": ', status: 400, code: 'invalid_json' },
    { name: 'an empty body', body: undefined, status: 400, code: 'invalid_json' },
    { name: 'a bare JSON array', body: [sampleUserPayload()], status: 400, code: 'invalid_body_shape' },
    { name: 'a JSON string', body: '"hello"', status: 400, code: 'invalid_body_shape' },
    { name: 'JSON null', body: 'null', status: 400, code: 'invalid_body_shape' },
    { name: 'an empty batch', body: { users: [] }, status: 400, code: 'empty_batch' },
    {
      name: 'a batch over the limit',
      body: { users: Array.from({ length: MAX_USERS_PER_REQUEST + 1 }, (_, i) => userWithId(i)) },
      status: 400,
      code: 'batch_too_large',
      message: /limit is 500/,
    },
    {
      name: 'a batch with another top-level field',
      body: { users: [sampleUserPayload()], source: 'me' },
      status: 400,
      code: 'invalid_body_shape',
      issues: [{ path: 'source', message: expect.stringMatching(/unknown field/) }],
    },
    {
      name: '"users" that is not an array',
      body: { users: sampleUserPayload() },
      status: 400,
      code: 'invalid_body_shape',
      issues: [{ path: 'users', message: expect.any(String) }],
    },
    {
      name: 'wrong types',
      body: sampleUserPayload({ first_name: 42, post_code: -5, dob: 19930720 }),
      status: 400,
      code: 'validation_failed',
      issues: [
        { path: 'first_name', message: expect.any(String) },
        { path: 'post_code', message: expect.any(String) },
        { path: 'dob', message: expect.any(String) },
      ],
    },
    {
      name: 'a missing field',
      body: (({ email: _email, ...rest }) => rest)(sampleUserPayload()),
      status: 400,
      code: 'validation_failed',
      issues: [{ path: 'email', message: 'required' }],
    },
    {
      name: 'an unknown field',
      body: sampleUserPayload({ nickname: 'lou' }),
      status: 400,
      code: 'validation_failed',
      issues: [{ path: 'nickname', message: expect.stringMatching(/unknown field/) }],
    },
    {
      name: 'a malformed nationality (schema v2: ISO alpha-2, upper case)',
      body: sampleUserPayload({ nationality: 'fra' }),
      status: 400,
      code: 'validation_failed',
      issues: [{ path: 'nationality', message: expect.stringMatching(/ISO 3166-1 alpha-2/) }],
    },
    {
      name: 'a huge first_name',
      body: sampleUserPayload({ first_name: 'x'.repeat(10_000) }),
      status: 400,
      code: 'validation_failed',
      issues: [{ path: 'first_name', message: expect.stringMatching(/200/) }],
    },
    {
      name: 'an invalid email and a NUL character',
      body: sampleUserPayload({ email: 'not-an-email', last_name: 'Ro\u0000ss' }),
      status: 400,
      code: 'validation_failed',
      issues: [
        { path: 'last_name', message: expect.stringMatching(/NUL/) },
        { path: 'email', message: expect.any(String) },
      ],
    },
    {
      name: 'a batch with invalid items (all-or-nothing)',
      body: { users: [userWithId(0), userWithId(1, { email: 'nope' }), userWithId(2), 'not a user'] },
      status: 400,
      code: 'validation_failed',
      message: /2 of 4 users are invalid; nothing was accepted/,
      issues: [
        { index: 1, path: 'email', message: expect.any(String) },
        { index: 3, path: '', message: expect.any(String) },
      ],
    },
    {
      name: 'a single user over 32 KiB',
      body: oversizeSingle,
      status: 413,
      code: 'payload_too_large',
      message: /32768/,
    },
    {
      name: 'a body over 512 KiB',
      body: oversizeBatch,
      status: 413,
      code: 'payload_too_large',
      message: /524288/,
    },
  ])('$name → $status $code', async ({ body, status, code, issues, message }) => {
    const { deps, published, metricTotal } = recordingDependencies();
    const response = await handleRequest(apiEvent({ body }), deps);
    const error = expectErrorShape(response, status, code);
    if (issues) expect(error.issues).toEqual(issues);
    if (message) expect(error.message).toMatch(message);
    expect(published).toHaveLength(0);
    expect(metricTotal(IngestHttpMetric.validationFailures)).toBe(1);
    expect(metricTotal(IngestHttpMetric.requestsRejected)).toBe(1);
  });

  it('measures a base64 body after decoding and refuses invalid UTF-8', async () => {
    const { deps, published } = recordingDependencies();
    const big = Buffer.alloc(MAX_REQUEST_BODY_BYTES + 1, 0x20).toString('base64');
    expectErrorShape(
      await handleRequest(apiEvent({ body: big, isBase64Encoded: true }), deps),
      413,
      'payload_too_large',
    );
    const latin1 = Buffer.from('{"first_name":"J\xfcrgen"}', 'latin1').toString('base64');
    const error = expectErrorShape(
      await handleRequest(apiEvent({ body: latin1, isBase64Encoded: true }), deps),
      400,
      'invalid_json',
    );
    expect(error.message).toMatch(/UTF-8/);
    expect(published).toHaveLength(0);
  });

  it(`lists at most ${MAX_REPORTED_ISSUES} issues and gives the total`, async () => {
    const { deps } = recordingDependencies();
    const users = Array.from({ length: MAX_USERS_PER_REQUEST }, () => ({}));
    const response = await handleRequest(apiEvent({ body: { users } }), deps);
    const body = json(response) as { error: { issues: unknown[]; issue_count: number } };
    expect(response.statusCode).toBe(400);
    expect(body.error.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(body.error.issue_count).toBe(MAX_USERS_PER_REQUEST * 12);
  });

  it.each([
    ['text/plain', { 'Content-Type': 'text/plain' }],
    ['no content type', {}],
    ['another charset', { 'Content-Type': 'application/json; charset=iso-8859-1' }],
    ['a look-alike type', { 'Content-Type': 'application/jsonp' }],
    ['form data', { 'Content-Type': 'application/x-www-form-urlencoded' }],
  ])('refuses %s with 415', async (_name, headers) => {
    const { deps, published } = recordingDependencies();
    const response = await handleRequest(apiEvent({ body: sampleUserPayload(), headers }), deps);
    expectErrorShape(response, 415, 'unsupported_media_type');
    expect(published).toHaveLength(0);
  });

  it.each([
    ['GET', '/v1/users', 405, 'method_not_allowed', 'POST'],
    ['DELETE', '/v1/users', 405, 'method_not_allowed', 'POST'],
    ['POST', '/v1/health', 405, 'method_not_allowed', 'GET'],
    ['POST', '/v2/users', 404, 'not_found', undefined],
    ['GET', '/', 404, 'not_found', undefined],
  ])('%s %s → %i %s', async (method, path, status, code, allow) => {
    const { deps, published } = recordingDependencies();
    const response = await handleRequest(apiEvent({ method, path, body: sampleUserPayload() }), deps);
    expectErrorShape(response, status, code);
    expect(response.headers?.Allow).toBe(allow);
    expect(published).toHaveLength(0);
  });
});

describe('POST /v1/users: Kafka failures', () => {
  it('answers 503 with Retry-After when Kafka is unavailable, and never 202', async () => {
    const { deps, metricTotal } = recordingDependencies({
      publishFailure: new KafkaUnavailableError('connecting to Kafka: ECONNREFUSED'),
    });
    const response = await handleRequest(apiEvent({ body: { users: [userWithId(1), userWithId(2)] } }), deps);
    const error = expectErrorShape(response, 503, 'kafka_unavailable');
    expect(response.headers?.['Retry-After']).toBe('5');
    expect(error.message).toMatch(/nothing was accepted/);
    expect(metricTotal(IngestHttpMetric.produceFailures)).toBe(1);
    expect(metricTotal(IngestHttpMetric.requestsAccepted)).toBe(0);
    expect(metricTotal(IngestHttpMetric.eventsProduced)).toBe(0);
  });

  it('answers 500 with the request id, and logs it, when Kafka refuses the write', async () => {
    const { deps, logs, metricTotal } = recordingDependencies({
      publishFailure: new KafkaProduceError('TOPIC_AUTHORIZATION_FAILED'),
    });
    const response = await handleRequest(apiEvent({ body: sampleUserPayload() }), deps);
    const error = expectErrorShape(response, 500, 'internal_error');
    expect(error.message).toContain(REQUEST_ID);
    expect(logs.some((l) => l.level === 'error' && JSON.stringify(l.attributes).includes(REQUEST_ID))).toBe(
      true,
    );
    expect(metricTotal(IngestHttpMetric.internalErrors)).toBe(1);
  });

  it('answers 500 for an unexpected error', async () => {
    const { deps } = recordingDependencies({ publishFailure: new TypeError('undefined is not a function') });
    expectErrorShape(
      await handleRequest(apiEvent({ body: sampleUserPayload() }), deps),
      500,
      'internal_error',
    );
  });
});

describe('DELETE /v1/users/{id}', () => {
  const USER = '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f';
  const deleteEvent = (options: Parameters<typeof apiEvent>[0] = {}) =>
    apiEvent({ method: 'DELETE', path: `/v1/users/${USER}`, headers: {}, ...options });

  it('produces one user.deleted keyed like the user and answers 202 with its event id', async () => {
    const { deps, deletions, published, metricTotal } = recordingDependencies();
    const response = await handleRequest(deleteEvent(), deps);
    expect(response.statusCode).toBe(202);
    const [produced] = deletions[0]?.events ?? [];
    expect(json(response)).toEqual({ accepted: 1, event_ids: [produced?.event_id] });
    expect(produced?.event_id).toMatch(UUID);
    expect(produced).toMatchObject({
      event_type: 'user.deleted',
      source: 'ingest-http',
      occurred_at: '2024-05-01T12:00:00.000Z',
      payload: { id: USER, reason: 'user_request' },
    });
    expect(published).toHaveLength(0);
    expect(metricTotal(IngestHttpMetric.eventsProduced)).toBe(1);
    expect(metricTotal(IngestHttpMetric.requestsAccepted)).toBe(1);
  });

  it('routes the explicit resource API Gateway passes (/v1/users/{id} with its path parameters), with a reason', async () => {
    const { deps, deletions } = recordingDependencies();
    const response = await handleRequest(
      deleteEvent({
        resource: '/v1/users/{id}',
        pathParameters: { id: USER },
        query: { reason: 'account_closed' },
      }),
      deps,
    );
    expect(response.statusCode).toBe(202);
    expect(deletions[0]?.events[0]?.payload).toEqual({ id: USER, reason: 'account_closed' });
  });

  it.each([
    ['an id that is not a UUID', { path: '/v1/users/jane.doe%40example.com' }, ['id']],
    ['the nil UUID', { path: '/v1/users/00000000-0000-0000-0000-000000000000' }, ['id']],
    ['an unknown reason', { query: { reason: 'just because' } }, ['reason']],
    ['an unknown query parameter', { query: { raeson: 'user_request' } }, ['raeson']],
  ])('refuses %s with 400 naming the field, and produces nothing', async (_, options, paths) => {
    const { deps, deletions, metricTotal } = recordingDependencies();
    const error = expectErrorShape(await handleRequest(deleteEvent(options), deps), 400, 'validation_failed');
    expect(error.issues.map((issue) => issue.path)).toEqual(paths);
    expect(JSON.stringify(error)).not.toContain('just because');
    expect(deletions).toHaveLength(0);
    expect(metricTotal(IngestHttpMetric.validationFailures)).toBe(1);
  });

  it('answers 405 with Allow: DELETE for another method on a user, and 404 for deeper paths', async () => {
    const { deps } = recordingDependencies();
    const response = await handleRequest(deleteEvent({ method: 'GET' }), deps);
    expectErrorShape(response, 405, 'method_not_allowed');
    expect(response.headers?.Allow).toBe('DELETE');
    expectErrorShape(
      await handleRequest(deleteEvent({ path: `/v1/users/${USER}/x` }), deps),
      404,
      'not_found',
    );
    // DELETE on the collection is not a thing: the collection only takes POST.
    const collection = await handleRequest(deleteEvent({ path: '/v1/users' }), deps);
    expectErrorShape(collection, 405, 'method_not_allowed');
    expect(collection.headers?.Allow).toBe('POST');
  });

  it('answers 503 with Retry-After when Kafka is unavailable', async () => {
    const { deps } = recordingDependencies({ publishFailure: new KafkaUnavailableError('ECONNREFUSED') });
    const response = await handleRequest(deleteEvent(), deps);
    expectErrorShape(response, 503, 'kafka_unavailable');
    expect(response.headers?.['Retry-After']).toBe('5');
  });
});

describe('GET /v1/health', () => {
  it('answers 200 with the producer state and produces nothing', async () => {
    const { deps, published } = recordingDependencies({ connected: true });
    const response = await handleRequest(apiEvent({ method: 'GET', path: '/v1/health', headers: {} }), deps);
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ status: 'ok', kafka_producer_connected: true });
    expect(published).toHaveLength(0);
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['APPLICATION/JSON; Charset="UTF-8"', true],
    ['application/json;charset=utf8', true],
    ['application/json; boundary=x', true],
    ['application/json; charset=utf-16', false],
    ['text/json', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});
