import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { localLambdaContext } from './lambda-context.js';

export type InvocableHandler = (event: never, context: Context) => Promise<unknown>;

export interface LambdaInvokeServerOptions {
  /** Function name → the very handler Lambda runs. */
  readonly functions: Readonly<Record<string, InvocableHandler>>;
  /** @default 3001 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Lambda's synchronous payload limit (6 MB). */
  readonly maxPayloadBytes?: number;
  /**
   * The event source mappings GetEventSourceMapping and ListEventSourceMappings describe (the MSK bridge's
   * settings, as Lambda describes an ESM), read on every request. @default none
   */
  readonly eventSourceMappings?: () => readonly EventSourceMappingConfiguration[];
}

export interface LambdaInvokeServer {
  readonly url: string;
  readonly invocations: Record<string, number>;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const MAPPINGS_PATH = /^\/2015-03-31\/event-source-mappings\/?([^/]*)$/;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Name from a plain name, a partial ARN or a full ARN, as the Invoke API accepts. */
function functionNameOf(raw: string): string {
  const decoded = decodeURIComponent(raw);
  const arn = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::.*)?$/.exec(decoded);
  return arn?.[1] ?? decoded.split(':')[0] ?? decoded;
}

/**
 * GetEventSourceMapping (`GET …/event-source-mappings/{UUID}`) and ListEventSourceMappings (`GET
 * …/event-source-mappings/?FunctionName=`), answered as Lambda answers them.
 */
function serveEventSourceMappings(
  res: ServerResponse,
  mappings: readonly EventSourceMappingConfiguration[],
  uuid: string,
  url: URL,
): void {
  if (uuid === '') {
    const functionName = url.searchParams.get('FunctionName');
    const matching = mappings.filter(
      (m) => !functionName || functionNameOf(m.FunctionArn ?? '') === functionNameOf(functionName),
    );
    send(res, 200, { EventSourceMappings: matching });
    return;
  }
  const mapping = mappings.find((m) => m.UUID === decodeURIComponent(uuid));
  if (mapping) send(res, 200, mapping);
  else
    send(
      res,
      404,
      { Type: 'User', message: `The resource you requested does not exist. (UUID ${uuid})` },
      { 'x-amzn-errortype': 'ResourceNotFoundException' },
    );
}

/**
 * A Lambda Invoke API endpoint for the project's functions (like `sam local start-lambda`): the AWS SDK and
 * Airflow's LambdaInvokeFunctionOperator reach it through an endpoint URL, so DAG code is the same locally
 * and in AWS. RequestResponse only; a handler error is reported the way Lambda reports it
 * (200 + X-Amz-Function-Error + { errorType, errorMessage, trace }). It also describes the local event source
 * mapping (GetEventSourceMapping, ListEventSourceMappings), so `npm run verify` reads it as it reads the ESM.
 */
export async function startLambdaInvokeServer(
  options: LambdaInvokeServerOptions,
): Promise<LambdaInvokeServer> {
  const invocations: Record<string, number> = {};
  const limit = options.maxPayloadBytes ?? 6 * 1024 * 1024;
  const server = createServer((req, res) => {
    serveRequest(options, { invocations, limit }, req, res).catch((error: unknown) => {
      send(res, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3001, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    invocations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Lambda's error answer for a request it refuses: the status, a message and `x-amzn-errortype`. */
function refuse(res: ServerResponse, status: number, errorType: string, message: string, user = true): void {
  send(res, status, user ? { Type: 'User', message } : { message }, { 'x-amzn-errortype': errorType });
}

/** One request: a mapping description (GET), or an invocation (POST). */
async function serveRequest(
  options: LambdaInvokeServerOptions,
  state: { readonly invocations: Record<string, number>; readonly limit: number },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const mappings = MAPPINGS_PATH.exec(url.pathname);
  if (req.method === 'GET' && mappings) {
    serveEventSourceMappings(res, options.eventSourceMappings?.() ?? [], mappings[1] ?? '', url);
    return;
  }
  const invocation = await readInvocation(options, state.limit, req, res);
  if (!invocation) return;
  if (invocation.type === 'DryRun') {
    send(res, 204, undefined);
    return;
  }
  const { name, handler, event } = invocation;
  const context = localLambdaContext(name);
  const headers = { 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': context.awsRequestId };
  state.invocations[name] = (state.invocations[name] ?? 0) + 1;
  try {
    const result = await handler(event as never, context);
    send(res, 200, result ?? null, headers);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    send(
      res,
      200,
      { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') },
      { ...headers, 'x-amz-function-error': 'Unhandled' },
    );
  }
}

/** The function, invocation type and event of an Invoke request; undefined once it answered a refusal. */
async function readInvocation(
  options: LambdaInvokeServerOptions,
  limit: number,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const match = INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://local').pathname);
  if (req.method !== 'POST' || !match?.[1]) {
    const message = 'Only POST /2015-03-31/functions/{name}/invocations is served';
    refuse(res, 404, 'UnknownOperationException', message, false);
    return undefined;
  }
  const name = functionNameOf(match[1]);
  const handler = options.functions[name];
  if (!handler) {
    refuse(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    return undefined;
  }
  const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (type !== 'RequestResponse' && type !== 'DryRun') {
    refuse(res, 400, 'InvalidParameterValueException', `InvocationType ${type} is not supported locally`);
    return undefined;
  }
  const body = await readBody(req, limit);
  if (body === undefined) {
    refuse(res, 413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes`);
    return undefined;
  }
  try {
    const event: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    return { name, handler, type, event };
  } catch {
    refuse(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    return undefined;
  }
}
