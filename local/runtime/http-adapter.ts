import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createApiGate, type LocalApiAccess } from './api-gateway-access.js';
import {
  API_GATEWAY_MAX_PAYLOAD_BYTES,
  DEFAULT_BINARY_MEDIA_TYPES,
  isValidProxyResult,
  responseHeaders,
  toApiGatewayProxyEvent,
} from './http-api-event.js';
import { localLambdaContext } from './lambda-context.js';

export type ApiGatewayProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export interface HttpApiOptions {
  /** The Lambda handler API Gateway would invoke, e.g. lambdas/ingest-http/handler.ts `handler`. */
  readonly handler: ApiGatewayProxyHandler;
  /** @default 3000; 0 picks a free port */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 'local' */
  readonly stage?: string;
  /** The REST API's resources; unmatched paths get API Gateway's own 403. @default ['/{proxy+}'] */
  readonly resources?: readonly string[];
  readonly binaryMediaTypes?: readonly string[];
  /** @default 'ingest-http' */
  readonly functionName?: string;
  /** The function's timeout, as the context's remaining time. @default 29000 */
  readonly functionTimeoutMs?: number;
  /** API Gateway's integration timeout; 504 after it. @default 29000 */
  readonly integrationTimeoutMs?: number;
  /** @default API_GATEWAY_MAX_PAYLOAD_BYTES (10 MB) */
  readonly maxPayloadBytes?: number;
  /** Where adapter-level failures (handler threw, bad result) are reported. @default console.error */
  readonly log?: (message: string, detail?: object) => void;
  /**
   * Documents served as JSON on `GET <path>` before the integration runs (local mirror only: the deployed
   * API does not publish its OpenAPI document). @default {}
   */
  readonly documents?: Readonly<Record<string, string>>;
  /**
   * The stage's caller authentication and throttle, checked before the integration runs (documents stay
   * open). `npm start` and http-api-main.ts pass the stage's (stageApiAccess). @default none: a bare adapter,
   * for tests of the handler behind it
   */
  readonly access?: LocalApiAccess;
}

export interface HttpApi {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A local stand-in for an API Gateway REST API with a Lambda proxy integration: every HTTP request becomes
 * the APIGatewayProxyEvent API Gateway would build, the given handler is invoked with a Lambda context, and
 * its result is written back. What API Gateway itself decides (payload limit, unknown resource, a failing
 * or slow integration) it answers the way API Gateway does; everything else is the handler's.
 */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const api = gatewaySettings(options);
  const server = createServer((request, response) => {
    void serveRequest(api, request, response).catch((error: unknown) => {
      api.log('http adapter failed to serve a request', { error: String(error) });
      if (!response.headersSent) gatewayError(response, 500, 'Internal server error', randomUUID());
      else response.destroy();
    });
  });
  await listen(server, options.port ?? 3000, options.host ?? '127.0.0.1');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The options with their defaults, resolved once per API. */
interface GatewaySettings {
  readonly options: HttpApiOptions;
  readonly stage: string;
  readonly resources: readonly string[];
  readonly binaryMediaTypes: readonly string[];
  readonly maxPayloadBytes: number;
  readonly integrationTimeoutMs: number;
  readonly log: (message: string, detail?: object) => void;
  readonly gate: ReturnType<typeof createApiGate> | undefined;
}

function gatewaySettings(options: HttpApiOptions): GatewaySettings {
  return {
    options,
    stage: options.stage ?? 'local',
    resources: options.resources ?? ['/{proxy+}'],
    binaryMediaTypes: options.binaryMediaTypes ?? DEFAULT_BINARY_MEDIA_TYPES,
    maxPayloadBytes: options.maxPayloadBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES,
    integrationTimeoutMs: options.integrationTimeoutMs ?? 29_000,
    log: options.log ?? ((message: string, detail?: object) => console.error(message, detail ?? '')),
    gate: options.access ? createApiGate(options.access) : undefined,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** One request, as API Gateway handles it: its own answers first, then the integration's. */
async function serveRequest(api: GatewaySettings, request: IncomingMessage, response: ServerResponse) {
  const requestId = randomUUID();
  const receivedAt = new Date();
  if (answeredByGateway(api, request, response, requestId)) return;
  const body = await readBody(request, api.maxPayloadBytes);
  if (body === null) {
    gatewayError(response, 413, 'Request Too Long', requestId);
    return;
  }
  const event = toApiGatewayProxyEvent(
    {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      localPort: request.socket.localPort ?? 0,
      receivedAt,
    },
    { stage: api.stage, resources: api.resources, binaryMediaTypes: api.binaryMediaTypes, requestId },
  );
  if (event === null) {
    const errorType = 'MissingAuthenticationTokenException';
    gatewayError(response, 403, 'Missing Authentication Token', requestId, errorType);
    return;
  }
  const outcome = await invokeIntegration(api, event, requestId);
  if ('refused' in outcome) {
    const { status, message, errorType } = outcome.refused;
    gatewayError(response, status, message, requestId, errorType);
    return;
  }
  writeProxyResult(response, outcome.result, requestId);
}

/**
 * What API Gateway answers before any integration: a served document (GET/HEAD), the caller's auth and
 * throttle, a declared payload over the limit. true when it answered.
 */
function answeredByGateway(
  api: GatewaySettings,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): boolean {
  const document = api.options.documents?.[(request.url ?? '/').split('?')[0] ?? '/'];
  if (document !== undefined && (request.method === 'GET' || request.method === 'HEAD')) {
    request.resume();
    serveDocument(response, document, request.method === 'HEAD', requestId);
    return true;
  }
  const refused = api.gate?.({
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
  });
  if (refused) {
    request.resume();
    gatewayError(response, refused.status, refused.message, requestId, refused.errorType);
    return true;
  }
  if (Number(request.headers['content-length'] ?? 0) > api.maxPayloadBytes) {
    request.resume(); // discard the upload so the client can read the answer
    gatewayError(response, 413, 'Request Too Long', requestId);
    return true;
  }
  return false;
}

type IntegrationOutcome =
  | { readonly result: APIGatewayProxyResult }
  | { readonly refused: { readonly status: number; readonly message: string; readonly errorType?: string } };

const BAD_INTEGRATION = {
  status: 502,
  message: 'Internal server error',
  errorType: 'InternalServerErrorException',
} as const;

/** The handler, with API Gateway's integration timeout; a throw or a malformed result is its 502. */
async function invokeIntegration(
  api: GatewaySettings,
  event: APIGatewayProxyEvent,
  requestId: string,
): Promise<IntegrationOutcome> {
  const { options } = api;
  const context = localLambdaContext(
    options.functionName ?? 'ingest-http',
    options.functionTimeoutMs ?? 29_000,
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), api.integrationTimeoutMs);
  });
  let result: unknown;
  try {
    result = await Promise.race([options.handler(event, context), timedOut]);
  } catch (error) {
    api.log('handler threw; API Gateway answers 502', { requestId, error: String(error) });
    return { refused: BAD_INTEGRATION };
  } finally {
    clearTimeout(timer);
  }
  if (result === 'timeout') return { refused: { status: 504, message: 'Endpoint request timed out' } };
  if (!isValidProxyResult(result)) {
    api.log('handler returned a malformed proxy result; API Gateway answers 502', { requestId });
    return { refused: BAD_INTEGRATION };
  }
  return { result };
}

function writeProxyResult(response: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
  const payload =
    result.body === undefined || result.body === null
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers = responseHeaders(result);
  headers['x-amzn-RequestId'] ??= [requestId];
  response.writeHead(result.statusCode, { ...headers, 'Content-Length': String(payload.length) });
  response.end(payload);
}

/** The whole body, or null as soon as it exceeds the limit (the rest is drained, not kept). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function serveDocument(
  response: ServerResponse,
  document: string,
  headOnly: boolean,
  requestId: string,
): void {
  response.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(document)),
    'x-amzn-RequestId': requestId,
  });
  response.end(headOnly ? undefined : document);
}

/** An answer API Gateway gives by itself, without the integration: `{"message": ...}`. */
function gatewayError(
  response: ServerResponse,
  status: number,
  message: string,
  requestId: string,
  errorType?: string,
): void {
  const body = JSON.stringify({ message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': requestId,
    ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType }),
  });
  response.end(body);
}
