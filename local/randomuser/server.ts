import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateRandomUsers } from './generate.js';
import { NATIONALITIES } from './nationalities.js';

/** randomuser.me's documented per-request maximum. */
export const MAX_RESULTS_PER_REQUEST = 5000;
export const RANDOMUSER_API_VERSION = '1.4';

/**
 * One failure the server answers with instead of users, consumed one per request in order:
 * - a status code (429 and 503 carry `Retry-After: 1`),
 * - `{ status, retryAfter?, body? }` for full control,
 * - `'reset'`: the connection is destroyed without a response (a network error for the client),
 * - `'hang'`: no response at all until the server closes (for client timeouts).
 */
export type InjectedFailure =
  | number
  | { readonly status: number; readonly retryAfter?: string; readonly body?: string }
  | 'reset'
  | 'hang';

export interface RandomUserServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly failures?: readonly InjectedFailure[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly query: Readonly<Record<string, string>>;
  /** Status sent; 0 for 'reset' and 'hang'. */
  readonly status: number;
}

export interface RandomUserServer {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Queues more failures for the next requests. */
  failNext(...failures: InjectedFailure[]): void;
  close(): Promise<void>;
}

/**
 * A local, deterministic stand-in for https://randomuser.me: `GET /api/?results=N&seed=S&page=P[&nat=US,CA]`
 * answers `{ results: [...], info: { seed, results, page, version } }` with randomuser.me's result shape.
 * Users are a pure function of (seed, position), position = (page - 1) * results + i, so paging with a
 * fixed `results` walks one stream, as on randomuser.me. Without a seed a random one is chosen and reported.
 */
export async function startRandomUserServer(
  options: RandomUserServerOptions = {},
): Promise<RandomUserServer> {
  const failures: InjectedFailure[] = [...(options.failures ?? [])];
  const requests: RecordedRequest[] = [];

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const record = (status: number) =>
      requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', query, status });

    const failure = failures.shift();
    if (failure !== undefined) {
      if (failure === 'reset') {
        record(0);
        request.socket.destroy();
        return;
      }
      if (failure === 'hang') {
        record(0);
        return;
      }
      const spec = typeof failure === 'number' ? { status: failure } : failure;
      const retryAfter =
        'retryAfter' in spec ? spec.retryAfter : spec.status === 429 || spec.status === 503 ? '1' : undefined;
      record(spec.status);
      send(
        response,
        spec.status,
        'body' in spec && spec.body !== undefined ? spec.body : errorBody(spec.status),
        {
          ...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter }),
        },
      );
      return;
    }

    const answer = answerApiRequest(request, url);
    record(answer.status);
    send(response, answer.status, answer.body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    requests,
    failNext: (...more) => {
      failures.push(...more);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging requests and keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function answerApiRequest(request: IncomingMessage, url: URL): { status: number; body: string } {
  if (!/^\/api(\/1\.4)?\/?$/.test(url.pathname)) {
    return { status: 404, body: JSON.stringify({ error: `no resource at ${url.pathname}` }) };
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return { status: 405, body: JSON.stringify({ error: 'only GET is supported' }) };
  }
  const results = clamp(positiveInteger(url.searchParams.get('results')) ?? 1, 1, MAX_RESULTS_PER_REQUEST);
  const page = positiveInteger(url.searchParams.get('page')) ?? 1;
  const seed = url.searchParams.get('seed') || randomBytes(8).toString('hex');
  const wanted = (url.searchParams.get('nat') ?? '')
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code !== '');
  const selected = NATIONALITIES.filter((nat) => wanted.includes(nat.code));
  const users = generateRandomUsers(
    seed,
    (page - 1) * results,
    results,
    selected.length > 0 ? selected : NATIONALITIES,
  );
  return {
    status: 200,
    body: JSON.stringify({ results: users, info: { seed, results, page, version: RANDOMUSER_API_VERSION } }),
  };
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

function errorBody(status: number): string {
  return JSON.stringify({ error: `injected failure (HTTP ${status})` });
}

function positiveInteger(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 ? value : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
