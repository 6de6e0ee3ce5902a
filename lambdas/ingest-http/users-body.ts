import { MAX_USER_PAYLOAD_BYTES, parseUserPayload, type UserPayload } from '../shared/contract/index.js';
import { type ApiIssue, ErrorCode, MAX_REQUEST_BODY_BYTES, MAX_USERS_PER_REQUEST } from './api.js';

export type UsersBody =
  | { readonly ok: true; readonly kind: 'single' | 'batch'; readonly payloads: readonly UserPayload[] }
  | {
      readonly ok: false;
      readonly status: 400 | 413;
      readonly code: ErrorCode;
      readonly message: string;
      readonly issues: readonly ApiIssue[];
    };

const ACCEPTED_SHAPES = 'send one user object, or {"users": [ ... ]} with 1 to 500 user objects';
const UNKNOWN_FIELD = 'unknown field (unknown fields are rejected)';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and validates a `POST /v1/users` body. The accepted shapes are exactly one user object, or an
 * object whose only field is `users`, an array of 1..MAX_USERS_PER_REQUEST user objects; anything else (a
 * bare array included) is refused. Every item is validated, and any invalid item fails the whole request,
 * so a request is accepted completely or not at all. Never throws.
 */
export function parseUsersBody(body: string | null, isBase64Encoded: boolean): UsersBody {
  if (body === null || body === '') {
    return invalid(400, ErrorCode.invalidJson, `the request body is empty; ${ACCEPTED_SHAPES}`);
  }
  // The size is checked on the raw bytes, before any parsing work.
  const bytes = isBase64Encoded ? Buffer.from(body, 'base64') : undefined;
  const sizeBytes = bytes ? bytes.byteLength : Buffer.byteLength(body, 'utf8');
  if (sizeBytes > MAX_REQUEST_BODY_BYTES) {
    return invalid(
      413,
      ErrorCode.payloadTooLarge,
      `the request body is ${sizeBytes} bytes; the limit is ${MAX_REQUEST_BODY_BYTES} bytes`,
    );
  }
  let text = body;
  if (bytes) {
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      return invalid(400, ErrorCode.invalidJson, 'the request body is not valid UTF-8');
    }
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // The engine's message quotes the input; only the position is passed on.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position === undefined ? '' : ` (at position ${position})`;
    return invalid(400, ErrorCode.invalidJson, `the request body is not valid JSON${where}`);
  }

  if (Array.isArray(document)) {
    return invalid(400, ErrorCode.invalidBodyShape, `a JSON array is not accepted; ${ACCEPTED_SHAPES}`);
  }
  if (typeof document !== 'object' || document === null) {
    return invalid(400, ErrorCode.invalidBodyShape, `the body must be a JSON object; ${ACCEPTED_SHAPES}`);
  }
  if (Object.hasOwn(document, 'users')) return parseBatch(document as Record<string, unknown>);

  if (sizeBytes > MAX_USER_PAYLOAD_BYTES) {
    return invalid(
      413,
      ErrorCode.payloadTooLarge,
      `a single-user body is ${sizeBytes} bytes; the limit is ${MAX_USER_PAYLOAD_BYTES} bytes`,
    );
  }
  const result = parseUserPayload(document);
  if (result.ok) return { ok: true, kind: 'single', payloads: [result.payload] };
  return invalid(
    400,
    ErrorCode.validationFailed,
    'the user is invalid; nothing was accepted',
    result.issues.map(({ path, message }) => ({ path, message })),
  );
}

function parseBatch(document: Record<string, unknown>): UsersBody {
  const unknownFields = Object.keys(document).filter((key) => key !== 'users');
  if (unknownFields.length > 0) {
    return invalid(
      400,
      ErrorCode.invalidBodyShape,
      `a batch body has exactly one field, "users"; ${ACCEPTED_SHAPES}`,
      unknownFields.map((path) => ({ path, message: UNKNOWN_FIELD })),
    );
  }
  const users = document.users;
  if (!Array.isArray(users)) {
    return invalid(400, ErrorCode.invalidBodyShape, `"users" must be an array; ${ACCEPTED_SHAPES}`, [
      { path: 'users', message: 'must be an array of user objects' },
    ]);
  }
  if (users.length === 0) {
    return invalid(
      400,
      ErrorCode.emptyBatch,
      `"users" is empty; send 1 to ${MAX_USERS_PER_REQUEST} users per request`,
    );
  }
  if (users.length > MAX_USERS_PER_REQUEST) {
    return invalid(
      400,
      ErrorCode.batchTooLarge,
      `"users" has ${users.length} entries; the limit is ${MAX_USERS_PER_REQUEST} users per request`,
    );
  }
  const payloads: UserPayload[] = [];
  const issues: ApiIssue[] = [];
  let invalidUsers = 0;
  users.forEach((user: unknown, index) => {
    const result = parseUserPayload(user);
    if (result.ok) {
      payloads.push(result.payload);
      return;
    }
    invalidUsers += 1;
    for (const { path, message } of result.issues) issues.push({ index, path, message });
  });
  if (invalidUsers > 0) {
    return invalid(
      400,
      ErrorCode.validationFailed,
      `${invalidUsers} of ${users.length} users are invalid; nothing was accepted`,
      issues,
    );
  }
  return { ok: true, kind: 'batch', payloads };
}

function invalid(
  status: 400 | 413,
  code: ErrorCode,
  message: string,
  issues: readonly ApiIssue[] = [],
): UsersBody {
  return { ok: false, status, code, message, issues };
}
