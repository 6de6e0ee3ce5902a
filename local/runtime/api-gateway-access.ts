/**
 * What API Gateway decides before the integration runs, as the stage configures it: the caller's
 * authentication (api.auth: an API key or SigV4) and the stage throttle (a token bucket). The local adapter
 * answers the way API Gateway does: 403 `{"message":"Forbidden"}` (ForbiddenException) for a missing or wrong
 * API key, 403 `{"message":"Missing Authentication Token"}` for an unsigned call to an IAM method, and 429
 * `{"message":"Too Many Requests"}` once the bucket is empty.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiAuthMode } from '../../bin/config/index.js';
import { loadStageConfig } from '../../bin/config/index.js';
import { isPublicRoute, PUSH_API_ROUTES } from '../../lambdas/ingest-http/routes.js';
import { matchResource, requestPath } from './http-api-event.js';
import { type ThrottleSettings, TokenBucket } from './token-bucket.js';

/** The caller authentication the local adapter enforces on non-public routes. */
export type LocalApiAuth =
  | { readonly mode: 'apiKey'; readonly key: string }
  /** SigV4: an `Authorization: AWS4-HMAC-SHA256 …` header is required; its signature is not verified locally. */
  | { readonly mode: 'iam' };

/** The adapter's gate: who may call, how often. */
export interface LocalApiAccess {
  readonly auth: LocalApiAuth;
  /** The stage throttle; undefined turns it off (only when the caller says so, e.g. the fault suite). */
  readonly throttle?: ThrottleSettings;
}

/** An answer API Gateway gives by itself: status, `{"message": …}` and the `x-amzn-ErrorType` header. */
export interface GatewayRefusal {
  readonly status: number;
  readonly message: string;
  readonly errorType: string;
}

/** A missing or wrong API key on a method that requires one. */
export const FORBIDDEN: GatewayRefusal = {
  status: 403,
  message: 'Forbidden',
  errorType: 'ForbiddenException',
};
/** No SigV4 signature on an IAM-authorized method (also API Gateway's answer for an unknown resource). */
export const MISSING_AUTHENTICATION_TOKEN: GatewayRefusal = {
  status: 403,
  message: 'Missing Authentication Token',
  errorType: 'MissingAuthenticationTokenException',
};
/** The stage throttle's empty bucket. */
export const TOO_MANY_REQUESTS: GatewayRefusal = {
  status: 429,
  message: 'Too Many Requests',
  errorType: 'TooManyRequestsException',
};

const ROUTE_RESOURCES = PUSH_API_ROUTES.map((route) => route.resource);

/** The header API Gateway reads an API key from. */
export const API_KEY_HEADER = 'x-api-key';

/** The request as the gate sees it: method, URL (path and query), headers as Node lowercases them. */
export interface GateRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The authentication decision: null when the call may go on, else API Gateway's refusal. Public routes
 * (lambdas/ingest-http/routes.ts) are open; every other route, known or not, needs the stage's authentication.
 */
export function authRefusal(auth: LocalApiAuth, request: GateRequest): GatewayRefusal | null {
  const resource = matchResource(requestPath(request.url), ROUTE_RESOURCES)?.resource ?? '';
  if (isPublicRoute(request.method, resource)) return null;
  if (auth.mode === 'iam') {
    const authorization = firstValue(request.headers.authorization);
    return authorization?.startsWith('AWS4-HMAC-SHA256 ') ? null : MISSING_AUTHENTICATION_TOKEN;
  }
  const sent = firstValue(request.headers[API_KEY_HEADER]);
  return sent !== undefined && sameSecret(sent, auth.key) ? null : FORBIDDEN;
}

/** The adapter's whole gate: authentication first, then the throttle (a refused call takes no token). */
export function createApiGate(access: LocalApiAccess): (request: GateRequest) => GatewayRefusal | null {
  const bucket = access.throttle ? new TokenBucket(access.throttle) : undefined;
  return (request) => {
    const refused = authRefusal(access.auth, request);
    if (refused) return refused;
    return bucket && !bucket.tryTake() ? TOO_MANY_REQUESTS : null;
  };
}

/** Where the local API key of a state directory lives. */
export function localApiKeyFile(stateDir: string): string {
  return join(stateDir, 'api-key');
}

/** Thrown when the state directory's key file holds something API Gateway would not accept as a key. */
export class InvalidLocalApiKeyError extends Error {
  override readonly name = 'InvalidLocalApiKeyError';
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** API Gateway's generated keys: 40 characters (a key must have at least 20). */
const KEY_LENGTH = 40;
const MIN_KEY_LENGTH = 20;

/**
 * The state directory's API key, generated (random, 40 characters, file mode 0600) the first time and kept:
 * `npm start`, `npm run services -- env` and the tests all read the same one.
 */
export function ensureLocalApiKey(stateDir: string): string {
  const file = localApiKeyFile(stateDir);
  try {
    return readKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(stateDir, { recursive: true });
  const key = Array.from({ length: KEY_LENGTH }, () => KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]).join('');
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs, so there is only ever one key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKey(file);
    throw error;
  }
}

function readKey(file: string): string {
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < MIN_KEY_LENGTH || /\s/.test(key)) {
    throw new InvalidLocalApiKeyError(
      `${file} must hold one API key of at least ${MIN_KEY_LENGTH} characters; delete it to generate a new one`,
    );
  }
  return key;
}

/** Overrides of the stage throttle (`--api-rate`, `--api-burst`); an absent one keeps the stage's. */
export interface ThrottleOverride {
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

/**
 * The gate of a stage's API, as bin/config declares it: its api.auth (an API key of the state directory, or
 * SigV4) and its api throttle, unless overridden.
 */
export function stageApiAccess(
  stage: string,
  stateDir: string,
  override: ThrottleOverride = {},
): LocalApiAccess {
  const api = loadStageConfig(stage, {}).api;
  return {
    auth: localAuth(api.auth, stateDir),
    throttle: {
      rateLimit: override.rateLimit ?? api.throttleRateLimit,
      burstLimit: override.burstLimit ?? api.throttleBurstLimit,
    },
  };
}

function localAuth(mode: ApiAuthMode, stateDir: string): LocalApiAuth {
  return mode === 'iam' ? { mode } : { mode, key: ensureLocalApiKey(stateDir) };
}

/** One line for a banner: how callers authenticate and how fast they may call. */
export function describeApiAccess(access: LocalApiAccess): string {
  const auth =
    access.auth.mode === 'apiKey'
      ? `API key required (${API_KEY_HEADER} header)`
      : 'SigV4 Authorization header required (not verified locally)';
  const throttle = access.throttle
    ? `throttle ${access.throttle.rateLimit} req/s, burst ${access.throttle.burstLimit}`
    : 'throttle off';
  return `${auth}; ${throttle}`;
}

/**
 * An Authorization header the local adapter accepts on an IAM stage (it checks the scheme, not the signature);
 * only for local callers, such as the bench's runs with prod's settings.
 */
export const LOCAL_UNSIGNED_SIGV4 =
  'AWS4-HMAC-SHA256 Credential=LOCAL/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0';

/** The headers a local caller sends to pass the gate: the API key, or (IAM) the unsigned SigV4 stand-in. */
export function callerHeaders(auth: LocalApiAuth): Record<string, string> {
  return auth.mode === 'apiKey' ? { [API_KEY_HEADER]: auth.key } : { authorization: LOCAL_UNSIGNED_SIGV4 };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
