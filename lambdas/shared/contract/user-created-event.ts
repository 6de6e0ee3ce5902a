import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { InvalidUserCreatedEventError } from './errors.js';
import { type ContractFailure, type ContractIssue, toContractIssues } from './issues.js';
import {
  contractErrorMap,
  isoDateTimeField,
  type UserPayload,
  type UserPayloadInput,
  userPayloadSchema,
  uuidField,
} from './user-payload.js';

export const USER_CREATED_EVENT_TYPE = 'user.created';

/** The version producers write. Consumers accept every version in SUPPORTED_SCHEMA_VERSIONS. */
export const CURRENT_SCHEMA_VERSION = 1;
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

/** Largest serialised event (UTF-8 bytes) a consumer parses; also far below MSK's default 1 MB message limit. */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Largest push-API request body (UTF-8 bytes) holding one user payload. */
export const MAX_USER_PAYLOAD_BYTES = 32 * 1024;

export const EVENT_SOURCE_MAX_LENGTH = 64;
/** Lower-case slug, e.g. 'ingest-http', 'ingest-pull', 'replay'; it becomes a metric dimension. */
export const EVENT_SOURCE_PATTERN = /^[a-z][a-z0-9._-]*$/;

export const userCreatedEventV1Schema = z
  .strictObject({
    event_id: uuidField().describe('Unique per produced event; a replay produces a new event_id.'),
    event_type: z.literal(USER_CREATED_EVENT_TYPE),
    schema_version: z.literal(1),
    source: z
      .string()
      .max(EVENT_SOURCE_MAX_LENGTH)
      .regex(EVENT_SOURCE_PATTERN, 'must be a lower-case slug such as ingest-http')
      .describe('Which producer created the event.'),
    occurred_at: isoDateTimeField().describe('When the user was created at the source.'),
    ingested_at: isoDateTimeField().describe('When the pipeline accepted the user and built this event.'),
    payload: userPayloadSchema,
  })
  .meta({ title: 'UserCreatedEvent', description: 'Envelope of a user.created event, schema_version 1.' });

/** The schema producers must satisfy today. */
export const userCreatedEventSchema = userCreatedEventV1Schema;

export type UserCreatedEvent = z.output<typeof userCreatedEventSchema>;
export type UserCreatedEventInput = z.input<typeof userCreatedEventSchema>;

const compiledGetters = new Map<z.ZodType, () => z.ZodType>();

/**
 * z.compile derives a fast path from the schema itself (no second copy of the rules) that accepts valid input
 * without zod's per-field allocations; whatever it does not accept is parsed again by the runtime parser, so
 * every issue is the runtime's. Compiled on first use, so that importers which never parse (CDK synth, JSON
 * Schema generation) do not pay for code generation.
 */
function compiledOnFirstUse<Schema extends z.ZodType>(schema: Schema): () => Schema {
  const known = compiledGetters.get(schema);
  if (known) return known as () => Schema; // userCreatedEventSchema is the v1 schema: compile it once
  let compiled: Schema | undefined;
  const getter = () => {
    compiled ??= z.compile(schema);
    return compiled;
  };
  compiledGetters.set(schema, getter);
  return getter;
}

const compiledEventV1Schema = compiledOnFirstUse(userCreatedEventV1Schema);
const compiledCurrentEventSchema = compiledOnFirstUse(userCreatedEventSchema);
const compiledUserPayloadSchema = compiledOnFirstUse(userPayloadSchema);

/**
 * One parser per accepted version. When v2 arrives, older entries map (upcast) into the current type so
 * that consumers only ever see UserCreatedEvent.
 */
const EVENT_SCHEMA_BY_VERSION: ReadonlyMap<number, () => z.ZodType<UserCreatedEvent, unknown>> = new Map([
  [1, compiledEventV1Schema],
]);

export type ParseUserCreatedEventResult =
  | { readonly ok: true; readonly event: UserCreatedEvent }
  | ContractFailure<'schema_violation' | 'unsupported_schema_version'>;

export type DecodeUserCreatedEventResult =
  | ParseUserCreatedEventResult
  | ContractFailure<'invalid_json' | 'oversize'>;

export type ParseUserPayloadResult =
  | { readonly ok: true; readonly payload: UserPayload }
  | ContractFailure<'schema_violation'>;

export type DecodeUserPayloadResult = ParseUserPayloadResult | ContractFailure<'invalid_json' | 'oversize'>;

/** Validates an already JSON-parsed event. Never throws. */
export function parseUserCreatedEvent(input: unknown): ParseUserCreatedEventResult {
  const declaredVersion = readDeclaredSchemaVersion(input);
  let schema: () => z.ZodType<UserCreatedEvent, unknown> = compiledCurrentEventSchema;
  if (declaredVersion !== undefined) {
    const versionSchema = EVENT_SCHEMA_BY_VERSION.get(declaredVersion);
    // A newer (or retired) version is not a broken event: it is dead-lettered for replay after an upgrade,
    // so it gets its own reason and the rest of the document is deliberately not judged by v1 rules.
    if (versionSchema === undefined && declaredVersion >= 1) {
      return {
        ok: false,
        reason: 'unsupported_schema_version',
        issues: [
          {
            path: 'schema_version',
            message: `schema_version ${declaredVersion} is not supported; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}`,
          },
        ],
      };
    }
    schema = versionSchema ?? schema;
  }
  const result = schema().safeParse(input, { error: contractErrorMap });
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, reason: 'schema_violation', issues: toContractIssues(result.error.issues) };
}

/** Decodes raw Kafka value bytes (or a string) into an event: size limit, UTF-8, JSON, then the contract. */
export function decodeUserCreatedEvent(bytes: Uint8Array | string): DecodeUserCreatedEventResult {
  const document = decodeJsonDocument(bytes, MAX_EVENT_BYTES);
  return document.ok ? parseUserCreatedEvent(document.value) : document;
}

/** Validates an already JSON-parsed user payload (push API). Never throws. */
export function parseUserPayload(input: unknown): ParseUserPayloadResult {
  const result = compiledUserPayloadSchema().safeParse(input, { error: contractErrorMap });
  if (result.success) return { ok: true, payload: result.data };
  return { ok: false, reason: 'schema_violation', issues: toContractIssues(result.error.issues) };
}

/** Decodes a push-API request body holding one user payload. */
export function decodeUserPayload(body: Uint8Array | string): DecodeUserPayloadResult {
  const document = decodeJsonDocument(body, MAX_USER_PAYLOAD_BYTES);
  return document.ok ? parseUserPayload(document.value) : document;
}

export interface BuildUserCreatedEventOptions {
  /** Producer slug, e.g. 'ingest-http'. */
  readonly source: string;
  /** When the user was created at the source; defaults to the ingestion time. */
  readonly occurredAt?: Date | string;
  /** Defaults to a new random UUID. */
  readonly eventId?: string;
  /** Clock for ingested_at; defaults to the system clock. */
  readonly now?: () => Date;
}

/**
 * Wraps a payload in a current-version envelope and validates the result, so a producer can never emit an
 * event that consumers would reject. Throws InvalidUserCreatedEventError listing every issue.
 */
export function buildUserCreatedEvent(
  payload: UserPayloadInput,
  options: BuildUserCreatedEventOptions,
): UserCreatedEvent {
  const ingestedAt = options.now ? options.now() : new Date();
  const candidate: Record<keyof UserCreatedEventInput, unknown> = {
    event_id: options.eventId ?? randomUUID(),
    event_type: USER_CREATED_EVENT_TYPE,
    schema_version: CURRENT_SCHEMA_VERSION,
    source: options.source,
    occurred_at: toIsoString(options.occurredAt ?? ingestedAt),
    ingested_at: toIsoString(ingestedAt),
    payload,
  };
  const result = compiledCurrentEventSchema().safeParse(candidate, { error: contractErrorMap });
  if (!result.success) throw new InvalidUserCreatedEventError(toContractIssues(result.error.issues));
  return result.data;
}

function readDeclaredSchemaVersion(input: unknown): number | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  if (!Object.hasOwn(input, 'schema_version')) return undefined;
  const version: unknown = (input as { schema_version: unknown }).schema_version;
  return typeof version === 'number' && Number.isSafeInteger(version) ? version : undefined;
}

function toIsoString(value: Date | string): string {
  if (typeof value === 'string') return value;
  // An invalid Date would make toISOString throw a RangeError; let the schema report it as a field issue.
  return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
}

export type JsonDocument =
  | { readonly ok: true; readonly value: unknown }
  | ContractFailure<'invalid_json' | 'oversize'>;

const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Size limit, strict UTF-8, JSON.parse; exported so the record-CPU benchmark can time this step alone. */
export function decodeJsonDocument(bytes: Uint8Array | string, maxBytes: number): JsonDocument {
  const sizeBytes = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.byteLength;
  if (sizeBytes > maxBytes) {
    return failure('oversize', {
      path: '',
      message: `document is ${sizeBytes} bytes; the limit is ${maxBytes}`,
    });
  }
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    try {
      // Fatal decoding: replacing bad bytes with U+FFFD would silently change the data.
      text = strictUtf8Decoder.decode(bytes);
    } catch {
      return failure('invalid_json', { path: '', message: 'document is not valid UTF-8' });
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // The engine's message quotes the input; only the position is passed on, to keep data out of responses.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position === undefined ? '' : ` (at position ${position})`;
    return failure('invalid_json', { path: '', message: `document is not valid JSON${where}` });
  }
}

function failure<Reason extends 'invalid_json' | 'oversize'>(
  reason: Reason,
  issue: ContractIssue,
): ContractFailure<Reason> {
  return { ok: false, reason, issues: [issue] };
}
