import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
  const stage = options.stage ?? 'local';
  const resources = options.resources ?? ['/{proxy+}'];
  const binaryMediaTypes = options.binaryMediaTypes ?? DEFAULT_BINARY_MEDIA_TYPES;
  const maxPayloadBytes = options.maxPayloadBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? 29_000;
  const log = options.log ?? ((message: string, detail?: object) => console.error(message, detail ?? ''));
  const gate = options.access ? createApiGate(options.access) : undefined;

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      log('http adapter failed to serve a request', { error: String(error) });
      if (!response.headersSent) gatewayError(response, 500, 'Internal server error', randomUUID());
      else response.destroy();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const receivedAt = new Date();
    const document = options.documents?.[(request.url ?? '/').split('?')[0] ?? '/'];
    if (document !== undefined && (request.method === 'GET' || request.method === 'HEAD')) {
      request.resume();
      serveDocument(response, document, request.method === 'HEAD', requestId);
      return;
    }
    const refused = gate?.({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headers,
    });
    if (refused) {
      request.resume();
      gatewayError(response, refused.status, refused.message, requestId, refused.errorType);
      return;
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxPayloadBytes) {
      request.resume(); // discard the upload so the client can read the answer
      gatewayError(response, 413, 'Request Too Long', requestId);
      return;
    }
    const body = await readBody(request, maxPayloadBytes);
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
      { stage, resources, binaryMediaTypes, requestId },
    );
    if (event === null) {
      gatewayError(
        response,
        403,
        'Missing Authentication Token',
        requestId,
        'MissingAuthenticationTokenException',
      );
      return;
    }

    const context = localLambdaContext(
      options.functionName ?? 'ingest-http',
      options.functionTimeoutMs ?? 29_000,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), integrationTimeoutMs);
    });
    let result: unknown;
    try {
      result = await Promise.race([options.handler(event, context), timedOut]);
    } catch (error) {
      log('handler threw; API Gateway answers 502', { requestId, error: String(error) });
      gatewayError(response, 502, 'Internal server error', requestId, 'InternalServerErrorException');
      return;
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout') {
      gatewayError(response, 504, 'Endpoint request timed out', requestId);
      return;
    }
    if (!isValidProxyResult(result)) {
      log('handler returned a malformed proxy result; API Gateway answers 502', { requestId });
      gatewayError(response, 502, 'Internal server error', requestId, 'InternalServerErrorException');
      return;
    }
    const payload =
      result.body === undefined || result.body === null
        ? Buffer.alloc(0)
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    const headers = responseHeaders(result);
    headers['x-amzn-RequestId'] ??= [requestId];
    response.writeHead(result.statusCode, { ...headers, 'Content-Length': String(payload.length) });
    response.end(payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
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
