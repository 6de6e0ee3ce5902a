import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  buildUserCreatedEvent,
  buildUserDeletedEvent,
  type PipelineEvent,
} from '../shared/contract/index.js';
import { KafkaUnavailableError } from '../shared/kafka/errors.js';
import type { StructuredLogger } from '../shared/logger.js';
import { type AcceptedBody, ErrorCode, errorResponse, jsonResponse } from './api.js';
import { parseDeleteUserRequest } from './delete-user-request.js';
import { IngestHttpMetric } from './metric-names.js';
import { parseUsersBody } from './users-body.js';

/** The `source` of every event this API produces. */
export const INGEST_HTTP_SOURCE = 'ingest-http';

/** Structurally a Powertools `Metrics`. */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count' | 'Milliseconds', value: number): unknown;
}

/** Produces the events and resolves only once Kafka acknowledged all of them. */
export type PublishUserEvents = (events: readonly PipelineEvent[], traceId: string) => Promise<unknown>;

export interface IngestHttpDependencies {
  readonly publish: PublishUserEvents;
  readonly logger: StructuredLogger;
  readonly metrics: MetricsSink;
  /** Clock for ingested_at and the produce latency. */
  readonly now: () => Date;
  /** Whether the Kafka producer is connected, for the health check; must not open a connection. */
  readonly producerConnected?: () => boolean;
  /** Value of Retry-After on a 503. */
  readonly retryAfterSeconds: number;
}

type RouteHandler = (
  event: APIGatewayProxyEvent,
  request: RequestInfo,
  deps: IngestHttpDependencies,
) => Promise<APIGatewayProxyResult>;

interface RequestInfo {
  readonly requestId: string;
  readonly traceId: string;
  /** The route template's parameters (`{id}`), from the path. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** The API's resources as API Gateway names them (a template segment `{name}` is one path segment). */
const ROUTES: Readonly<Record<string, Readonly<Record<string, RouteHandler>>>> = {
  '/v1/users': { POST: postUsers },
  '/v1/users/{id}': { DELETE: deleteUser },
  '/v1/health': { GET: getHealth },
};

/**
 * API Gateway (REST, Lambda proxy integration) request → response. Never throws: bad input is a 4xx, an
 * unreachable Kafka a 503 with Retry-After, anything unexpected a logged 500 carrying the request id.
 */
export async function handleRequest(
  event: APIGatewayProxyEvent,
  deps: IngestHttpDependencies,
): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId || randomUUID();
  const request = { requestId, traceId: header(event, 'x-amzn-trace-id') ?? requestId };
  let response: APIGatewayProxyResult;
  try {
    response = await route(event, request, deps);
  } catch (error) {
    deps.metrics.addMetric(IngestHttpMetric.internalErrors, 'Count', 1);
    deps.logger.error('request failed unexpectedly', { requestId, error: describeError(error) });
    response = errorResponse(
      500,
      { code: ErrorCode.internalError, message: `internal error; quote request id ${requestId}` },
      requestId,
    );
  }
  if (response.statusCode >= 400 && response.statusCode < 500) {
    deps.metrics.addMetric(IngestHttpMetric.requestsRejected, 'Count', 1);
  }
  return response;
}

function route(
  event: APIGatewayProxyEvent,
  base: Omit<RequestInfo, 'pathParameters'>,
  deps: IngestHttpDependencies,
): Promise<APIGatewayProxyResult> {
  const path = routePath(event);
  const matched = matchRoute(event, path);
  const request = { ...base, pathParameters: matched?.pathParameters ?? {} };
  const methods = matched === undefined ? undefined : ROUTES[matched.template];
  if (methods === undefined) {
    return Promise.resolve(
      errorResponse(404, { code: ErrorCode.notFound, message: `no resource at ${path}` }, request.requestId),
    );
  }
  const handler = methods[event.httpMethod.toUpperCase()];
  if (handler === undefined) {
    const allowed = Object.keys(methods).join(', ');
    return Promise.resolve(
      errorResponse(
        405,
        {
          code: ErrorCode.methodNotAllowed,
          message: `${event.httpMethod} is not allowed on ${matched?.template ?? path}; use ${allowed}`,
        },
        request.requestId,
        { Allow: allowed },
      ),
    );
  }
  return handler(event, request, deps);
}

async function postUsers(
  event: APIGatewayProxyEvent,
  { requestId, traceId }: RequestInfo,
  deps: IngestHttpDependencies,
): Promise<APIGatewayProxyResult> {
  const contentType = header(event, 'content-type');
  if (!isJsonContentType(contentType)) {
    return errorResponse(
      415,
      {
        code: ErrorCode.unsupportedMediaType,
        message: `Content-Type must be application/json (charset utf-8 if given); got ${contentType === undefined ? 'none' : JSON.stringify(contentType)}`,
      },
      requestId,
    );
  }
  const body = parseUsersBody(event.body, event.isBase64Encoded);
  if (!body.ok) {
    deps.metrics.addMetric(IngestHttpMetric.validationFailures, 'Count', 1);
    deps.logger.info('request rejected', { requestId, code: body.code, issueCount: body.issues.length });
    return errorResponse(body.status, body, requestId);
  }

  const ingestedAt = deps.now();
  const events = body.payloads.map((payload) =>
    buildUserCreatedEvent(payload, { source: INGEST_HTTP_SOURCE, now: () => ingestedAt }),
  );
  const unavailable = await publishOrRetryLater(events, { requestId, traceId }, deps);
  if (unavailable) return unavailable;
  deps.logger.info('users accepted', { requestId, traceId, kind: body.kind, events: events.length });
  const accepted: AcceptedBody = { accepted: events.length, event_ids: events.map((e) => e.event_id) };
  return jsonResponse(202, accepted, requestId);
}

/**
 * `DELETE /v1/users/{id}`: produces one user.deleted event (keyed by the user id, like the user's creates, so
 * it lands on the user's partition) and answers 202 with its event id once Kafka acknowledged it. Erasing a
 * user the stores never saw is accepted too: its tombstone refuses any older create that arrives later.
 */
async function deleteUser(
  event: APIGatewayProxyEvent,
  { requestId, traceId, pathParameters }: RequestInfo,
  deps: IngestHttpDependencies,
): Promise<APIGatewayProxyResult> {
  const parsed = parseDeleteUserRequest(pathParameters, event.queryStringParameters);
  if (!parsed.ok) {
    deps.metrics.addMetric(IngestHttpMetric.validationFailures, 'Count', 1);
    deps.logger.info('deletion rejected', { requestId, code: parsed.code, issueCount: parsed.issues.length });
    return errorResponse(parsed.status, parsed, requestId);
  }
  const ingestedAt = deps.now();
  const deletion = buildUserDeletedEvent(parsed.request, {
    source: INGEST_HTTP_SOURCE,
    now: () => ingestedAt,
  });
  const unavailable = await publishOrRetryLater([deletion], { requestId, traceId }, deps);
  if (unavailable) return unavailable;
  deps.logger.info('user deletion accepted', { requestId, traceId, eventId: deletion.event_id });
  const accepted: AcceptedBody = { accepted: 1, event_ids: [deletion.event_id] };
  return jsonResponse(202, accepted, requestId);
}

/**
 * Produces the events, records the produce metrics, and returns undefined once Kafka acknowledged them all,
 * or the 503 to answer when Kafka is unavailable. Any other failure propagates (a logged 500).
 */
async function publishOrRetryLater(
  events: readonly PipelineEvent[],
  { requestId, traceId }: Omit<RequestInfo, 'pathParameters'>,
  deps: IngestHttpDependencies,
): Promise<APIGatewayProxyResult | undefined> {
  const started = deps.now().getTime();
  try {
    await deps.publish(events, traceId);
  } catch (error) {
    deps.metrics.addMetric(IngestHttpMetric.produceFailures, 'Count', 1);
    if (!(error instanceof KafkaUnavailableError)) throw error;
    deps.logger.warn('Kafka unavailable; asking the client to retry', {
      requestId,
      events: events.length,
      error: describeError(error),
    });
    return errorResponse(
      503,
      {
        code: ErrorCode.kafkaUnavailable,
        message: `the event stream is temporarily unavailable and nothing was accepted; retry in ${deps.retryAfterSeconds} s`,
      },
      requestId,
      { 'Retry-After': String(deps.retryAfterSeconds) },
    );
  }
  deps.metrics.addMetric(IngestHttpMetric.produceLatency, 'Milliseconds', deps.now().getTime() - started);
  deps.metrics.addMetric(IngestHttpMetric.eventsProduced, 'Count', events.length);
  deps.metrics.addMetric(IngestHttpMetric.requestsAccepted, 'Count', 1);
  return undefined;
}

async function getHealth(
  _event: APIGatewayProxyEvent,
  { requestId }: RequestInfo,
  deps: IngestHttpDependencies,
): Promise<APIGatewayProxyResult> {
  const connected = deps.producerConnected?.();
  return jsonResponse(
    200,
    { status: 'ok', ...(connected === undefined ? {} : { kafka_producer_connected: connected }) },
    requestId,
  );
}

/**
 * The route of a request: with explicit resources (AWS) the resource API Gateway matched, and its path
 * parameters; with a greedy `/{proxy+}` (the local adapter, or an API that proxies everything) the path
 * matched against the templates of ROUTES, segment by segment.
 */
function matchRoute(
  event: APIGatewayProxyEvent,
  path: string,
): { template: string; pathParameters: Record<string, string> } | undefined {
  const resource = event.resource ?? '';
  if (ROUTES[resource] !== undefined) {
    const given = Object.entries(event.pathParameters ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    );
    return { template: resource, pathParameters: Object.fromEntries(given) };
  }
  const segments = path.split('/');
  for (const template of Object.keys(ROUTES)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const segment = segments[i] as string;
      const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
      if (parameter === undefined) return part === segment;
      pathParameters[parameter] = segment;
      return segment !== '';
    });
    if (matches) return { template, pathParameters };
  }
  return undefined;
}

/**
 * The path to route on. With a greedy resource (`/{proxy+}`) it is rebuilt from the resource and the proxy
 * parameter, which (unlike `path`) never includes a custom domain's base path.
 */
function routePath(event: APIGatewayProxyEvent): string {
  const resource = event.resource ?? '';
  const proxy = event.pathParameters?.proxy;
  let path = event.path;
  if (resource.includes('{proxy+}') && proxy !== undefined) path = resource.replace('{proxy+}', proxy);
  else if (resource !== '' && !resource.includes('{')) path = resource;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** `application/json`, optionally with `charset=utf-8`; header names and values are case-insensitive. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [mediaType = '', ...parameters] = value.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name = '', raw = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') return true;
    const charset = raw
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    return charset === 'utf-8' || charset === 'utf8';
  });
}

/** REST API events keep the client's header-name casing, so look-ups ignore case. */
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
}

function describeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause =
    error.cause !== undefined && depth < 3 ? { cause: describeError(error.cause, depth + 1) } : {};
  return { name: error.name, message: error.message, stack: error.stack, ...cause };
}
