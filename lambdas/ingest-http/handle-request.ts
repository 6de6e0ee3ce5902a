import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { buildUserCreatedEvent, type UserCreatedEvent } from '../shared/contract/index.js';
import { KafkaUnavailableError } from '../shared/kafka/errors.js';
import { type AcceptedBody, ErrorCode, errorResponse, jsonResponse } from './api.js';
import { IngestHttpMetric } from './metric-names.js';
import { parseUsersBody } from './users-body.js';

/** The `source` of every event this API produces. */
export const INGEST_HTTP_SOURCE = 'ingest-http';

export interface IngestHttpLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Structurally a Powertools `Metrics`. */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count' | 'Milliseconds', value: number): unknown;
}

/** Produces the events and resolves only once Kafka acknowledged all of them. */
export type PublishUserEvents = (events: readonly UserCreatedEvent[], traceId: string) => Promise<unknown>;

export interface IngestHttpDependencies {
  readonly publish: PublishUserEvents;
  readonly logger: IngestHttpLogger;
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
}

const ROUTES: Readonly<Record<string, Readonly<Record<string, RouteHandler>>>> = {
  '/v1/users': { POST: postUsers },
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
  request: RequestInfo,
  deps: IngestHttpDependencies,
): Promise<APIGatewayProxyResult> {
  const path = routePath(event);
  const methods = ROUTES[path];
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
          message: `${event.httpMethod} is not allowed on ${path}; use ${allowed}`,
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
  deps.logger.info('users accepted', { requestId, traceId, kind: body.kind, events: events.length });
  const accepted: AcceptedBody = { accepted: events.length, event_ids: events.map((e) => e.event_id) };
  return jsonResponse(202, accepted, requestId);
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
