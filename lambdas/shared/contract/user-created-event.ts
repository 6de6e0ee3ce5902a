import * as z from 'zod';
import {
  type BuildEventOptions,
  EVENT_SOURCE_MAX_LENGTH,
  EVENT_SOURCE_PATTERN,
  envelopeShape,
  envelopeValues,
} from './envelope.js';
import { InvalidUserCreatedEventError } from './errors.js';
import { CURRENT_SCHEMA_VERSION, SCHEMA_VERSIONS, type SchemaVersion } from './fields.js';
import { type ContractFailure, type ContractIssue, toContractIssues } from './issues.js';
import {
  contractErrorMap,
  USER_PAYLOAD_SCHEMAS,
  type UserPayload,
  type UserPayloadInput,
  userPayloadSchema,
} from './user-payload.js';

export {
  CURRENT_SCHEMA_VERSION,
  EVENT_SOURCE_MAX_LENGTH,
  EVENT_SOURCE_PATTERN,
  SCHEMA_VERSIONS,
  type SchemaVersion,
};

export const USER_CREATED_EVENT_TYPE = 'user.created';

/** Versions consumers accept: every version of the registry (older ones are upcast to the current type). */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = SCHEMA_VERSIONS;

/** Largest serialised event (UTF-8 bytes) a consumer parses; also far below MSK's default 1 MB message limit. */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Largest push-API request body (UTF-8 bytes) holding one user payload. */
export const MAX_USER_PAYLOAD_BYTES = 32 * 1024;

/** The envelope of one schema version around that version's payload schema. */
function userCreatedEventSchemaOf(version: SchemaVersion) {
  return z
    .strictObject(
      envelopeShape(
        USER_CREATED_EVENT_TYPE,
        version,
        'When the user was created at the source.',
        USER_PAYLOAD_SCHEMAS.get(version) as z.ZodType<UserPayload, UserPayloadInput>,
      ),
    )
    .meta({
      title: 'UserCreatedEvent',
      description: `Envelope of a user.created event, schema_version ${version}.`,
    });
}

/** Event schemas by version, built once. */
export const USER_CREATED_EVENT_SCHEMAS: ReadonlyMap<
  SchemaVersion,
  ReturnType<typeof userCreatedEventSchemaOf>
> = new Map(SCHEMA_VERSIONS.map((version) => [version, userCreatedEventSchemaOf(version)]));

/** The schema producers must satisfy today (the current version). */
export const userCreatedEventSchema = USER_CREATED_EVENT_SCHEMAS.get(CURRENT_SCHEMA_VERSION) as ReturnType<
  typeof userCreatedEventSchemaOf
>;

/**
 * The one shape downstream code sees, whatever version was on the wire: the current payload type (fields
 * added since an event's version are absent, i.e. null in the stores) and the version the producer wrote.
 */
export type UserCreatedEvent = Omit<z.output<typeof userCreatedEventSchema>, 'schema_version'> & {
  readonly schema_version: SchemaVersion;
};
export type UserCreatedEventInput = z.input<typeof userCreatedEventSchema>;

const compiledGetters = new Map<z.ZodType, () => z.ZodType>();

/**
 * z.compile derives a fast path from the schema itself (no second copy of the rules) that accepts valid input
 * without zod's per-field allocations; whatever it does not accept is parsed again by the runtime parser, so
 * every issue is the runtime's. Compiled on first use, so that importers which never parse (CDK synth, JSON
 * Schema generation) do not pay for code generation.
 */
export function compiledOnFirstUse<Schema extends z.ZodType>(schema: Schema): () => Schema {
  const known = compiledGetters.get(schema);
  if (known) return known as () => Schema; // one compilation per schema, however many names it has
  let compiled: Schema | undefined;
  const getter = () => {
    compiled ??= z.compile(schema);
    return compiled;
  };
  compiledGetters.set(schema, getter);
  return getter;
}

const compiledCurrentEventSchema = compiledOnFirstUse(userCreatedEventSchema);
const compiledUserPayloadSchema = compiledOnFirstUse(userPayloadSchema);

/**
 * One parser per accepted version. An older version's output is already a UserCreatedEvent: every field added
 * since is optional, so upcasting it is the identity (a future version that renames or retypes a field adds
 * its conversion here, and only here).
 */
const EVENT_SCHEMA_BY_VERSION: ReadonlyMap<number, () => z.ZodType<UserCreatedEvent, unknown>> = new Map(
  [...USER_CREATED_EVENT_SCHEMAS].map(([version, schema]) => [
    version,
    compiledOnFirstUse(schema) as () => z.ZodType<UserCreatedEvent, unknown>,
  ]),
);

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

/**
 * Validates an already JSON-parsed event. Never throws. `supportedVersions` narrows what is accepted (an
 * older build knows fewer versions); by default every version of the registry is.
 */
export function parseUserCreatedEvent(
  input: unknown,
  supportedVersions: readonly number[] = SUPPORTED_SCHEMA_VERSIONS,
): ParseUserCreatedEventResult {
  const declaredVersion = readDeclaredSchemaVersion(input);
  let schema = compiledCurrentEventSchema as () => z.ZodType<UserCreatedEvent, unknown>;
  if (declaredVersion !== undefined) {
    const versionSchema = supportedVersions.includes(declaredVersion)
      ? EVENT_SCHEMA_BY_VERSION.get(declaredVersion)
      : undefined;
    // A newer (or retired) version is not a broken event: it is dead-lettered for replay after an upgrade,
    // so it gets its own reason and the rest of the document is deliberately not judged by older rules.
    if (versionSchema === undefined && declaredVersion >= 1) {
      return {
        ok: false,
        reason: 'unsupported_schema_version',
        issues: [
          {
            path: 'schema_version',
            message: `schema_version ${declaredVersion} is not supported; supported: ${supportedVersions.join(', ')}`,
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
export function decodeUserCreatedEvent(
  bytes: Uint8Array | string,
  supportedVersions?: readonly number[],
): DecodeUserCreatedEventResult {
  const document = decodeJsonDocument(bytes, MAX_EVENT_BYTES);
  return document.ok ? parseUserCreatedEvent(document.value, supportedVersions) : document;
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

export type BuildUserCreatedEventOptions = BuildEventOptions;

/**
 * Wraps a payload in a current-version envelope and validates the result, so a producer can never emit an
 * event that consumers would reject. Throws InvalidUserCreatedEventError listing every issue.
 */
export function buildUserCreatedEvent(
  payload: UserPayloadInput,
  options: BuildUserCreatedEventOptions,
): UserCreatedEvent {
  const { event_id, source, occurred_at, ingested_at } = envelopeValues(options);
  const candidate: Record<keyof UserCreatedEventInput, unknown> = {
    event_id,
    event_type: USER_CREATED_EVENT_TYPE,
    schema_version: CURRENT_SCHEMA_VERSION,
    source,
    occurred_at,
    ingested_at,
    payload,
  };
  const result = compiledCurrentEventSchema().safeParse(candidate, { error: contractErrorMap });
  if (!result.success) throw new InvalidUserCreatedEventError(toContractIssues(result.error.issues));
  return result.data;
}

export function readDeclaredSchemaVersion(input: unknown): number | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  if (!Object.hasOwn(input, 'schema_version')) return undefined;
  const version: unknown = (input as { schema_version: unknown }).schema_version;
  return typeof version === 'number' && Number.isSafeInteger(version) ? version : undefined;
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
