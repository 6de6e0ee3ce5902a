// A namespace import lets esbuild tree-shake zod (`import { z }` drags in every locale, ~260 KB).
import * as z from 'zod';

import {
  CURRENT_SCHEMA_VERSION,
  type FieldKind,
  fieldsOfVersion,
  SCHEMA_VERSIONS,
  type SchemaVersion,
  USER_FIELDS,
  type UserField,
  type UserPayload,
  type UserPayloadInput,
} from './fields.js';

export type { UserPayload, UserPayloadInput };

/** Longest ISO-8601 date-time accepted (a zone and nanoseconds fit). */
const DATE_TIME_MAX_LENGTH = 40;

/**
 * Maximum lengths, in UTF-16 code units (JavaScript `string.length`), from the field registry. They are
 * generous for real data and small enough that a valid event always fits in MAX_EVENT_BYTES even when every
 * character needs JSON escaping (a test checks that invariant).
 */
type LimitedFieldName = Extract<(typeof USER_FIELDS)[number], { readonly maxLength: number }>['name'];

export const USER_FIELD_MAX_LENGTH = {
  ...Object.fromEntries(
    (USER_FIELDS as readonly UserField[])
      .filter((field) => field.maxLength !== undefined)
      .map((field) => [field.name, field.maxLength]),
  ),
  datetime: DATE_TIME_MAX_LENGTH,
} as Readonly<Record<LimitedFieldName | 'datetime', number>>;

// PostgreSQL `text` cannot hold U+0000, so a NUL would make a valid event unstorable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the purpose of this pattern.
const NO_NUL_CHARACTER = /^[^\u0000]*$/;
const NO_NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

// ES2024 (Node 20+); the project's `lib` is ES2023.
declare global {
  interface String {
    isWellFormed(): boolean;
  }
}

/**
 * Internationalised addresses (non-ASCII letters, as names from many countries produce) are accepted.
 * Written without \p{...} classes so that the exported JSON Schema pattern also works in Python's `re`.
 */
const EMAIL_PATTERN =
  /^[^\s@"(),:;<>[\]\\]{1,64}@(?:[^\s@."(),:;<>[\]\\]{1,63}\.)+[^\s@."(),:;<>[\]\\]{2,63}$/;

const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

const HTTP_URL_PATTERN = /^https?:\/\/\S+$/;

export const REQUIRED_MESSAGE = 'required';

/** Error option for a schema-level message that still says 'required' when the field is missing. */
export function unlessMissing(message: string) {
  return (issue: { readonly input?: unknown }) => (issue.input === undefined ? REQUIRED_MESSAGE : message);
}

/** Per-parse error map: a missing field reads 'required' rather than "expected string, received undefined". */
export const contractErrorMap = (issue: { readonly code?: string; readonly input?: unknown }) =>
  issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')
    ? REQUIRED_MESSAGE
    : undefined;

/** Free text stored verbatim: no trimming, no normalisation. */
export function textField(options: { min: number; max: number }) {
  // A lone surrogate would be silently replaced by U+FFFD when encoded as UTF-8 for the stores.
  // isWellFormed() is exactly "no lone surrogate", natively, without a look-around regex.
  return z
    .string()
    .min(options.min)
    .max(options.max)
    .regex(NO_NUL_CHARACTER, NO_NUL_MESSAGE)
    .refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');
}

/** ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`), because the stores keep instants. */
export function isoDateTimeField() {
  return z.iso
    .datetime({
      offset: true,
      error: unlessMissing('must be an ISO-8601 date-time with a zone, e.g. 2024-05-01T12:00:00Z'),
    })
    .max(DATE_TIME_MAX_LENGTH);
}

/** RFC 9562 UUID (versions 1-8, either letter case); the nil and max UUIDs are rejected as placeholders. */
export function uuidField() {
  return z.stringFormat('uuid', UUID_PATTERN, { error: unlessMissing('must be a UUID') });
}

const COUNTRY_CODE_PATTERN = /^[A-Z]{2}$/;

/**
 * randomuser.me sends numeric post codes for some countries, so a non-negative integer is accepted and
 * turned into its decimal string (leading zeros a producer already lost cannot be restored). Everything
 * else that is not a string is rejected.
 */
function postCodeField(maxLength: number) {
  return z.union(
    [
      z.string().max(maxLength).regex(NO_NUL_CHARACTER, NO_NUL_MESSAGE),
      z
        .number()
        .int()
        .nonnegative()
        .transform((value) => String(value)),
    ],
    { error: unlessMissing('must be a string or a non-negative integer') },
  );
}

class MissingFieldLimitError extends Error {
  constructor(field: UserField, limit: string) {
    super(`field ${field.name} (${field.kind}) needs ${limit} in the field registry`);
    this.name = 'MissingFieldLimitError';
  }
}

function maxLengthOf(field: UserField): number {
  if (field.maxLength === undefined) throw new MissingFieldLimitError(field, 'maxLength');
  return field.maxLength;
}

/** The zod rules of each field kind; the registry says which kind a field is and its limits. */
const SCHEMA_OF_KIND: Readonly<Record<FieldKind, (field: UserField) => z.ZodType>> = {
  uuid: () => uuidField(),
  text: (field) => textField({ min: field.minLength ?? 0, max: maxLengthOf(field) }),
  email: (field) =>
    z
      .email({ pattern: EMAIL_PATTERN, error: unlessMissing('must be an email address') })
      .max(maxLengthOf(field))
      .meta({ format: 'idn-email' }),
  httpUrl: (field) =>
    z
      .url({ protocol: /^https?$/, error: unlessMissing('must be an http(s) URL') })
      .max(maxLengthOf(field))
      .regex(HTTP_URL_PATTERN, 'must be an http(s) URL')
      .meta({ format: 'uri' }),
  dateTime: () => isoDateTimeField(),
  postCode: (field) => postCodeField(maxLengthOf(field)),
  countryCode: () =>
    z.string({ error: unlessMissing('must be a string') }).regex(COUNTRY_CODE_PATTERN, {
      error: unlessMissing('must be an ISO 3166-1 alpha-2 code in upper case, e.g. FR'),
    }),
};

function fieldSchema(field: UserField): z.ZodType {
  const schema = SCHEMA_OF_KIND[field.kind](field).meta({
    description: field.description,
    examples: [field.example],
  });
  return field.required ? schema : schema.optional();
}

/** The payload schema of one version: its fields from the registry, all others rejected. */
export function userPayloadSchemaOf(version: SchemaVersion) {
  const shape = Object.fromEntries(fieldsOfVersion(version).map((field) => [field.name, fieldSchema(field)]));
  return z.strictObject(shape).meta({
    title: `UserPayloadV${version}`,
    description: `A user as produced by randomuser.me-compatible sources (schema_version ${version}).`,
  });
}

/** Payload schemas by version, built once. */
export const USER_PAYLOAD_SCHEMAS: ReadonlyMap<SchemaVersion, z.ZodType> = new Map(
  SCHEMA_VERSIONS.map((version) => [version, userPayloadSchemaOf(version)]),
);

/** The current version's payload schema (what the push API accepts and producers write). */
export const userPayloadSchema = USER_PAYLOAD_SCHEMAS.get(CURRENT_SCHEMA_VERSION) as z.ZodType<
  UserPayload,
  UserPayloadInput
>;
