// A namespace import lets esbuild tree-shake zod (`import { z }` drags in every locale, ~260 KB).
import * as z from 'zod';

/**
 * Maximum lengths, in UTF-16 code units (JavaScript `string.length`). They are generous for real data and
 * small enough that a valid event always fits in MAX_EVENT_BYTES even when every character needs JSON
 * escaping (a test checks that invariant).
 */
export const USER_FIELD_MAX_LENGTH = {
  first_name: 200,
  last_name: 200,
  gender: 100,
  address: 500,
  post_code: 32,
  email: 254,
  username: 100,
  phone: 64,
  picture: 2048,
  datetime: 40,
} as const;

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
function unlessMissing(message: string) {
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
    .max(USER_FIELD_MAX_LENGTH.datetime);
}

/** RFC 9562 UUID (versions 1-8, either letter case); the nil and max UUIDs are rejected as placeholders. */
export function uuidField() {
  return z.stringFormat('uuid', UUID_PATTERN, { error: unlessMissing('must be a UUID') });
}

/**
 * randomuser.me sends numeric post codes for some countries, so a non-negative integer is accepted and
 * turned into its decimal string (leading zeros a producer already lost cannot be restored). Everything
 * else that is not a string is rejected.
 */
const postCodeField = z
  .union(
    [
      z.string().max(USER_FIELD_MAX_LENGTH.post_code).regex(NO_NUL_CHARACTER, NO_NUL_MESSAGE),
      z
        .number()
        .int()
        .nonnegative()
        .transform((value) => String(value)),
    ],
    { error: unlessMissing('must be a string or a non-negative integer') },
  )
  .describe('Postal code. Always a string after parsing; a non-negative integer input is converted.');

/** The 12 fields of the tutorial's `created_users` row, all required. Unknown fields are rejected. */
export const userPayloadSchema = z
  .strictObject({
    id: uuidField().describe('User id; also the Kafka message key and the primary key in both stores.'),
    first_name: textField({ min: 1, max: USER_FIELD_MAX_LENGTH.first_name }),
    last_name: textField({ min: 1, max: USER_FIELD_MAX_LENGTH.last_name }),
    gender: textField({ min: 0, max: USER_FIELD_MAX_LENGTH.gender }).describe(
      'Free text (not an enumeration); may be empty.',
    ),
    address: textField({ min: 1, max: USER_FIELD_MAX_LENGTH.address }).describe(
      'Single line, tutorial format: "<number> <street>, <city>, <state>, <country>".',
    ),
    post_code: postCodeField,
    email: z
      .email({ pattern: EMAIL_PATTERN, error: unlessMissing('must be an email address') })
      .max(USER_FIELD_MAX_LENGTH.email)
      .meta({ format: 'idn-email' }),
    username: textField({ min: 1, max: USER_FIELD_MAX_LENGTH.username }),
    dob: isoDateTimeField().describe('Date of birth as an ISO-8601 date-time with zone.'),
    registered_date: isoDateTimeField().describe('When the user registered, ISO-8601 date-time with zone.'),
    phone: textField({ min: 1, max: USER_FIELD_MAX_LENGTH.phone }),
    picture: z
      .url({ protocol: /^https?$/, error: unlessMissing('must be an http(s) URL') })
      .max(USER_FIELD_MAX_LENGTH.picture)
      .regex(HTTP_URL_PATTERN, 'must be an http(s) URL')
      .meta({ format: 'uri' }),
  })
  .meta({ title: 'UserPayload', description: 'A user as produced by randomuser.me-compatible sources.' });

/** What a producer may send (post_code may be a number). */
export type UserPayloadInput = z.input<typeof userPayloadSchema>;
/** What consumers get after parsing (post_code is always a string). */
export type UserPayload = z.output<typeof userPayloadSchema>;
