import type { APIGatewayProxyResult } from 'aws-lambda';

/** Users one `POST /v1/users` may carry (`{ "users": [...] }`). */
export const MAX_USERS_PER_REQUEST = 500;

/**
 * Largest request body, in bytes after base64 decoding. Sized so that a full batch, once wrapped in the
 * event envelope, still fits Kafka's default max.message.bytes (1 MiB) even if every user lands on one
 * partition. A single user object is additionally held to the contract's MAX_USER_PAYLOAD_BYTES.
 */
export const MAX_REQUEST_BODY_BYTES = 512 * 1024;

/** Cap on issues listed in one error response; `issue_count` always has the total. */
export const MAX_REPORTED_ISSUES = 200;

export const ErrorCode = {
  invalidJson: 'invalid_json',
  invalidBodyShape: 'invalid_body_shape',
  validationFailed: 'validation_failed',
  emptyBatch: 'empty_batch',
  batchTooLarge: 'batch_too_large',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  methodNotAllowed: 'method_not_allowed',
  notFound: 'not_found',
  kafkaUnavailable: 'kafka_unavailable',
  internalError: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem with the request. `index` is the position in `users` (batches only); `path` a field name. */
export interface ApiIssue {
  readonly index?: number;
  readonly path: string;
  readonly message: string;
}

export interface ApiErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly request_id: string;
    readonly issues: readonly ApiIssue[];
    /** Present when issues were truncated to MAX_REPORTED_ISSUES. */
    readonly issue_count?: number;
  };
}

export interface AcceptedBody {
  readonly accepted: number;
  readonly event_ids: readonly string[];
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Request-Id': requestId,
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  statusCode: number,
  error: { code: ErrorCode; message: string; issues?: readonly ApiIssue[] },
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  const issues = error.issues ?? [];
  const body: ApiErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      issues: issues.slice(0, MAX_REPORTED_ISSUES),
      ...(issues.length > MAX_REPORTED_ISSUES ? { issue_count: issues.length } : {}),
    },
  };
  return jsonResponse(statusCode, body, requestId, headers);
}
