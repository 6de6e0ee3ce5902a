import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { IngestHttpDependencies } from '../../../../lambdas/ingest-http/handle-request.js';
import type { UserCreatedEvent, UserDeletedEvent } from '../../../../lambdas/shared/contract/index.js';

export interface ApiEventOptions {
  readonly method?: string;
  readonly path?: string;
  /** A string is sent verbatim; anything else is JSON-encoded. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
  /** `/{proxy+}` (default) or an explicit resource such as `/v1/users`. */
  readonly resource?: string;
  /** An explicit resource's path parameters, e.g. `{ id }` for `/v1/users/{id}`. */
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** An API Gateway REST proxy event, as API Gateway sends it for a greedy `/{proxy+}` resource by default. */
export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const path = options.path ?? '/v1/users';
  const method = options.method ?? 'POST';
  const headers = options.headers ?? { 'Content-Type': 'application/json' };
  const resource = options.resource ?? '/{proxy+}';
  const body =
    options.body === undefined
      ? null
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query
      ? Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters:
      resource === '/{proxy+}' ? { proxy: path.replace(/^\//, '') } : (options.pathParameters ?? null),
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_714_564_800_000,
      resourceId: 'res123',
      resourcePath: resource,
    },
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** Dependencies that record what would be produced; `publish` can be made to fail. */
export function recordingDependencies(options: { publishFailure?: Error; connected?: boolean } = {}) {
  const published: { events: readonly UserCreatedEvent[]; traceId: string }[] = [];
  const deletions: { events: readonly UserDeletedEvent[]; traceId: string }[] = [];
  const metrics: { name: string; unit: string; value: number }[] = [];
  const logs: { level: string; message: string; attributes: Record<string, unknown>[] }[] = [];
  const log =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      logs.push({ level, message, attributes });
  const deps: IngestHttpDependencies = {
    publish: async (events, traceId) => {
      if (options.publishFailure) throw options.publishFailure;
      if (events.every((event) => event.event_type === 'user.deleted'))
        deletions.push({ events: events as readonly UserDeletedEvent[], traceId });
      else published.push({ events: events as readonly UserCreatedEvent[], traceId });
    },
    producerConnected: () => options.connected ?? false,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    metrics: { addMetric: (name, unit, value) => metrics.push({ name, unit, value }) },
    now: () => new Date('2024-05-01T12:00:00.000Z'),
    retryAfterSeconds: 5,
  };
  const metricTotal = (name: string) =>
    metrics.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0);
  return { deps, published, deletions, metrics, metricTotal, logs };
}
