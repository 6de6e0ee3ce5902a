import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** API Gateway REST's request payload limit (10 MB). */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** Content types API Gateway base64-encodes by default in this mirror (a REST API's binaryMediaTypes). */
export const DEFAULT_BINARY_MEDIA_TYPES: readonly string[] = [
  'application/octet-stream',
  'application/zip',
  'application/gzip',
  'application/pdf',
  'image/*',
  'audio/*',
  'video/*',
];

/** What the adapter knows about one HTTP request, independent of Node's http types. */
export interface RawHttpRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/v1/users?dry=1`. */
  readonly url: string;
  /** Alternating names and values, in the client's casing and order (Node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly localPort: number;
  readonly receivedAt: Date;
}

export interface ApiEventOptions {
  readonly stage: string;
  /** The API's resources, e.g. ['/v1/users', '/{proxy+}']; the most specific match wins. */
  readonly resources: readonly string[];
  readonly binaryMediaTypes: readonly string[];
  readonly requestId?: string;
}

export interface MatchedResource {
  readonly resource: string;
  readonly pathParameters: Record<string, string> | null;
}

/**
 * Builds the Lambda proxy integration event API Gateway (REST, payload format 1.0) would send, or null when
 * no resource matches (API Gateway then answers 403 itself without invoking the function).
 */
export function toApiGatewayProxyEvent(
  request: RawHttpRequest,
  options: ApiEventOptions,
): APIGatewayProxyEvent | null {
  const path = requestPath(request.url);
  const match = matchResource(path, options.resources);
  if (match === null) return null;
  const { headers, multiValueHeaders } = eventHeaders(request);
  const query = queryParameters(new URL(request.url, 'http://local'));
  const headerValue = (wanted: string) =>
    Object.entries(headers).find(([name]) => name.toLowerCase() === wanted)?.[1];
  const isBase64Encoded =
    request.body.length > 0 && isBinary(headerValue('content-type'), options.binaryMediaTypes);
  return {
    resource: match.resource,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    ...query,
    pathParameters: match.pathParameters,
    stageVariables: null,
    requestContext: requestContextOf(request, options, {
      path,
      resource: match.resource,
      host: headerValue('host') ?? 'localhost',
      userAgent: headerValue('user-agent') ?? null,
    }),
    body: request.body.length === 0 ? null : request.body.toString(isBase64Encoded ? 'base64' : 'utf8'),
    isBase64Encoded,
  };
}

/** The client's headers (their casing kept; a repeated one keeps its last value in `headers`) and API Gateway's. */
function eventHeaders(request: RawHttpRequest): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const addHeader = (name: string, value: string) => {
    const key = Object.keys(multiValueHeaders).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    headers[key] = value;
    multiValueHeaders[key] = [...(multiValueHeaders[key] ?? []), value];
  };
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    addHeader(request.rawHeaders[i] as string, request.rawHeaders[i + 1] as string);
  }
  // Headers API Gateway adds in front of the integration.
  const existing = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (!existing.has('x-amzn-trace-id')) addHeader('X-Amzn-Trace-Id', newTraceId(request.receivedAt));
  if (!existing.has('x-forwarded-for')) addHeader('X-Forwarded-For', request.sourceIp);
  if (!existing.has('x-forwarded-port')) addHeader('X-Forwarded-Port', String(request.localPort));
  if (!existing.has('x-forwarded-proto')) addHeader('X-Forwarded-Proto', 'http');
  return { headers, multiValueHeaders };
}

/** The query string as both maps, each null when there is none. */
function queryParameters(
  url: URL,
): Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'> {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  const hasQuery = Object.keys(single).length > 0;
  return {
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
  };
}

function requestContextOf(
  request: RawHttpRequest,
  options: ApiEventOptions,
  seen: { path: string; resource: string; host: string; userAgent: string | null },
): APIGatewayProxyEvent['requestContext'] {
  const { path, resource, host, userAgent } = seen;
  return {
    accountId: '000000000000',
    apiId: 'local',
    authorizer: null,
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    extendedRequestId: randomBytes(8).toString('base64url'),
    httpMethod: request.method,
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
      sourceIp: request.sourceIp,
      user: null,
      userAgent,
      userArn: null,
    },
    path: `/${options.stage}${path}`,
    protocol: 'HTTP/1.1',
    requestId: options.requestId ?? randomUUID(),
    requestTime: formatRequestTime(request.receivedAt),
    requestTimeEpoch: request.receivedAt.getTime(),
    resourceId: 'local',
    resourcePath: resource,
    stage: options.stage,
  };
}

/**
 * Matches a path against resource templates: `{name}` takes one segment, `{name+}` one or more. A literal
 * segment beats a parameter, a parameter beats a greedy one, as in API Gateway.
 */
export function matchResource(path: string, resources: readonly string[]): MatchedResource | null {
  const segments = splitPath(path);
  let best: { match: MatchedResource; score: number[] } | null = null;
  for (const resource of resources) {
    const template = splitPath(resource);
    const parameters: Record<string, string> = {};
    const score: number[] = [];
    let matched = true;
    for (let i = 0; i < template.length; i += 1) {
      const part = template[i] as string;
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy) {
        const rest = segments.slice(i);
        matched = rest.length > 0 && i === template.length - 1;
        if (matched) parameters[greedy[1] as string] = rest.join('/');
        score.push(0);
        break;
      }
      const segment = segments[i];
      if (segment === undefined) {
        matched = false;
        break;
      }
      const parameter = /^\{(.+)\}$/.exec(part);
      if (parameter) {
        parameters[parameter[1] as string] = segment;
        score.push(1);
      } else if (part === segment) {
        score.push(2);
      } else {
        matched = false;
        break;
      }
      if (i === template.length - 1 && segments.length !== template.length) matched = false;
    }
    if (template.length === 0) matched = segments.length === 0;
    if (!matched) continue;
    const match = {
      resource,
      pathParameters: Object.keys(parameters).length > 0 ? parameters : null,
    };
    if (best === null || compareScores(score, best.score) > 0) best = { match, score };
  }
  return best?.match ?? null;
}

/** Response headers as API Gateway merges them: multiValueHeaders win over headers with the same name. */
export function responseHeaders(result: APIGatewayProxyResult): Record<string, string[]> {
  const merged: Record<string, string[]> = {};
  const lower = new Set<string>();
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    merged[name] = values.map(String);
    lower.add(name.toLowerCase());
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (!lower.has(name.toLowerCase())) merged[name] = [String(value)];
  }
  return merged;
}

/** True when the result is something API Gateway accepts from a proxy integration. */
export function isValidProxyResult(result: unknown): result is APIGatewayProxyResult {
  if (typeof result !== 'object' || result === null) return false;
  const { statusCode, body } = result as { statusCode?: unknown; body?: unknown };
  return (
    typeof statusCode === 'number' &&
    Number.isInteger(statusCode) &&
    statusCode >= 100 &&
    statusCode <= 599 &&
    (body === undefined || body === null || typeof body === 'string')
  );
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/** The decoded path of a request URL (`/v1/users/a%20b?x=1` → `/v1/users/a b`), as resources match it. */
export function requestPath(url: string): string {
  const { pathname } = new URL(url, 'http://local');
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname; // malformed escapes are passed through as sent
  }
}

function isBinary(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (contentType === undefined) return false;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const wanted = pattern.toLowerCase();
    if (wanted === '*/*') return true;
    if (wanted.endsWith('/*')) return mediaType.startsWith(wanted.slice(0, -1));
    return mediaType === wanted;
  });
}

/** X-Ray trace header format: Root=1-<epoch seconds, hex>-<96 random bits, hex>. */
function newTraceId(at: Date): string {
  return `Root=1-${Math.floor(at.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's requestTime format, e.g. 09/Apr/2015:12:34:56 +0000. */
function formatRequestTime(at: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(
    at.getUTCMinutes(),
  )}:${pad(at.getUTCSeconds())} +0000`;
}
