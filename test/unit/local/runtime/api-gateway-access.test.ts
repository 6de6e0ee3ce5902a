import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../../../bin/config/index.js';
import { buildPushApiOpenApi } from '../../../../lambdas/ingest-http/openapi.js';
import { isPublicRoute, PUSH_API_ROUTES } from '../../../../lambdas/ingest-http/routes.js';
import {
  authRefusal,
  callerHeaders,
  createApiGate,
  ensureLocalApiKey,
  FORBIDDEN,
  InvalidLocalApiKeyError,
  type LocalApiAuth,
  localApiKeyFile,
  MISSING_AUTHENTICATION_TOKEN,
  stageApiAccess,
  TOO_MANY_REQUESTS,
} from '../../../../local/runtime/api-gateway-access.js';

const KEY = 'k'.repeat(40);
const apiKey: LocalApiAuth = { mode: 'apiKey', key: KEY };
const call = (method: string, url: string, headers: Record<string, string> = {}) => ({
  method,
  url,
  headers,
});

describe('authRefusal: the API key decision', () => {
  it('POST /v1/users and DELETE /v1/users/{id} need the key: none or a wrong one is 403 Forbidden', () => {
    for (const [method, url] of [
      ['POST', '/v1/users'],
      ['DELETE', '/v1/users/3f0c2a9e-7b1d-4c5e-9a8f-2d6b4e1c0a57?reason=consent_withdrawn'],
    ] as const) {
      expect(authRefusal(apiKey, call(method, url))).toBe(FORBIDDEN);
      expect(authRefusal(apiKey, call(method, url, { 'x-api-key': `${KEY}x` }))).toBe(FORBIDDEN);
      expect(authRefusal(apiKey, call(method, url, { 'x-api-key': KEY.slice(1) }))).toBe(FORBIDDEN);
      expect(authRefusal(apiKey, call(method, url, { 'x-api-key': KEY }))).toBeNull();
    }
    expect(FORBIDDEN).toEqual({ status: 403, message: 'Forbidden', errorType: 'ForbiddenException' });
  });

  it('GET /v1/health is public; anything not declared public (another method, an unknown path) needs the key', () => {
    expect(authRefusal(apiKey, call('GET', '/v1/health'))).toBeNull();
    expect(authRefusal(apiKey, call('POST', '/v1/health'))).toBe(FORBIDDEN);
    expect(authRefusal(apiKey, call('GET', '/v1/users'))).toBe(FORBIDDEN);
    expect(authRefusal(apiKey, call('GET', '/admin'))).toBe(FORBIDDEN);
    expect(authRefusal(apiKey, call('GET', '/admin', { 'x-api-key': KEY }))).toBeNull();
  });

  it('IAM stages: no SigV4 Authorization header is 403 Missing Authentication Token; the key is no substitute', () => {
    const iam: LocalApiAuth = { mode: 'iam' };
    expect(authRefusal(iam, call('POST', '/v1/users'))).toBe(MISSING_AUTHENTICATION_TOKEN);
    expect(authRefusal(iam, call('POST', '/v1/users', { 'x-api-key': KEY }))).toBe(
      MISSING_AUTHENTICATION_TOKEN,
    );
    expect(authRefusal(iam, call('POST', '/v1/users', { authorization: 'Bearer abc' }))).toBe(
      MISSING_AUTHENTICATION_TOKEN,
    );
    expect(authRefusal(iam, call('POST', '/v1/users', callerHeaders(iam)))).toBeNull();
    expect(authRefusal(iam, call('GET', '/v1/health'))).toBeNull();
  });
});

describe('createApiGate: authentication, then the throttle', () => {
  it('a refused call takes no token; once the burst is spent the answer is 429 Too Many Requests', () => {
    const gate = createApiGate({ auth: apiKey, throttle: { rateLimit: 0.001, burstLimit: 2 } });
    const keyed = call('POST', '/v1/users', { 'x-api-key': KEY });
    expect(gate(call('POST', '/v1/users'))).toBe(FORBIDDEN);
    expect([gate(keyed), gate(keyed), gate(keyed)]).toEqual([null, null, TOO_MANY_REQUESTS]);
    // The stage throttle covers the public route too, as API Gateway's does.
    expect(gate(call('GET', '/v1/health'))).toBe(TOO_MANY_REQUESTS);
    expect(TOO_MANY_REQUESTS).toEqual({
      status: 429,
      message: 'Too Many Requests',
      errorType: 'TooManyRequestsException',
    });
  });
});

describe('one rule for public routes: the OpenAPI document agrees with it', () => {
  const paths = buildPushApiOpenApi().paths as Record<string, Record<string, { security: unknown[] }>>;

  it('documents exactly the routes the rule lists', () => {
    const documented = Object.entries(paths).flatMap(([resource, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${resource}`),
    );
    expect(documented.sort()).toEqual(PUSH_API_ROUTES.map((r) => `${r.method} ${r.resource}`).sort());
  });

  it('security is empty exactly on the public routes', () => {
    for (const route of PUSH_API_ROUTES) {
      const security = paths[route.resource]?.[route.method.toLowerCase()]?.security;
      expect(security, `${route.method} ${route.resource}`).toEqual(
        isPublicRoute(route.method, route.resource) ? [] : [{ apiKey: [] }, { sigv4: [] }],
      );
    }
  });
});

describe('the local API key and the stage settings', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is generated once per state directory (random, 40 characters, mode 0600) and then reused', () => {
    dir = mkdtempSync(join(tmpdir(), 'api-key-'));
    const first = ensureLocalApiKey(dir);
    expect(first).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(statSync(localApiKeyFile(dir)).mode & 0o777).toBe(0o600);
    expect(ensureLocalApiKey(dir)).toBe(first);
    const other = mkdtempSync(join(tmpdir(), 'api-key-'));
    try {
      expect(ensureLocalApiKey(other)).not.toBe(first);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expect(readFileSync(localApiKeyFile(dir), 'utf8')).toBe(`${first}\n`);
  });

  it('a key file API Gateway would not accept is an error naming the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'api-key-'));
    writeFileSync(localApiKeyFile(dir), 'short\n');
    expect(() => ensureLocalApiKey(dir as string)).toThrow(InvalidLocalApiKeyError);
    expect(() => ensureLocalApiKey(dir as string)).toThrow(localApiKeyFile(dir));
  });

  it("takes the stage's api.auth and throttle from bin/config; flags override the throttle only", () => {
    dir = mkdtempSync(join(tmpdir(), 'api-key-'));
    const dev = loadStageConfig('dev', {}).api;
    const access = stageApiAccess('dev', dir);
    expect(access.auth).toEqual({ mode: 'apiKey', key: ensureLocalApiKey(dir) });
    expect(access.throttle).toEqual({ rateLimit: dev.throttleRateLimit, burstLimit: dev.throttleBurstLimit });
    expect(stageApiAccess('dev', dir, { burstLimit: 7 }).throttle).toEqual({
      rateLimit: dev.throttleRateLimit,
      burstLimit: 7,
    });
    expect(stageApiAccess('prod', dir).auth).toEqual({ mode: 'iam' });
  });
});
