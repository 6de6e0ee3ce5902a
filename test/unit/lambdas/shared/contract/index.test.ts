// Tests lambdas/shared/contract/index.ts (the compiled parsers); also issues.ts and user-payload.ts.
/**
 * The contract parses through z.compile'd schemas (a generated fast path for valid input, the runtime parser for
 * everything else). These differential tests hold the compiled parsers to the plain runtime parser of the very
 * same schemas: same decision, same output value, same issues, on valid and malformed inputs.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  buildUserCreatedEvent,
  InvalidUserCreatedEventError,
  parseUserCreatedEvent,
  parseUserPayload,
  USER_CREATED_EVENT_SCHEMAS,
  USER_FIELD_MAX_LENGTH,
  userPayloadSchema,
} from '../../../../../lambdas/shared/contract/index.js';
import { toContractIssues } from '../../../../../lambdas/shared/contract/issues.js';
import { contractErrorMap, textField } from '../../../../../lambdas/shared/contract/user-payload.js';
import { userEvent, userPayload } from '../../../../support/user-events.js';
import { sampleEvent, sampleUserPayload, worstCaseSizeEvent } from './fixtures.js';

const CURRENT_EVENT_SCHEMA = USER_CREATED_EVENT_SCHEMAS.get(2) as z.ZodType;
/** The schema parseUserCreatedEvent judges an input by: its declared version's, else the current one. */
function schemaFor(input: unknown): z.ZodType {
  const version = (input as { schema_version?: unknown } | null)?.schema_version;
  return (
    (typeof version === 'number' ? USER_CREATED_EVENT_SCHEMAS.get(version as 1 | 2) : undefined) ??
    CURRENT_EVENT_SCHEMA
  );
}

type Json = Record<string, unknown>;

/** The runtime parser's verdict in the contract's wire format; what every compiled parse must reproduce. */
function runtimeVerdict(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input, { error: contractErrorMap });
  return result.success
    ? { ok: true as const, value: result.data }
    : { ok: false as const, issues: toContractIssues(result.error.issues) };
}

const MISSING = Symbol('missing');

/** Values every field is tried with: wrong types, bounds, NUL, lone surrogates, non-ASCII, absence. */
const ANY_FIELD: readonly unknown[] = [
  MISSING,
  null,
  true,
  0,
  -0,
  1,
  -1,
  1.5,
  1e21,
  '',
  ' ',
  'x',
  'é',
  '😀',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'a\uDBFFb',
  '\uDC00',
  '\uDC00\uD800',
  '😀\uD83D',
  'x'.repeat(3000),
  [],
  ['x'],
  {},
  { value: 'x' },
];

const UUIDS = [
  '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
  '5D6F3C0E-8A3B-4C2F-9E1D-7B6A5C4D3E2F',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '5d6f3c0e-8a3b-9c2f-9e1d-7b6a5c4d3e2f',
  '5d6f3c0e-8a3b-4c2f-7e1d-7b6a5c4d3e2f',
  '5d6f3c0e8a3b4c2f9e1d7b6a5c4d3e2f',
  ' 5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
];
const DATE_TIMES = [
  '2024-05-01T12:00:00Z',
  '2024-05-01T12:00:00.123456789Z',
  '2024-05-01T12:00:00+02:00',
  '2024-05-01T12:00:00-23:59',
  '2024-02-29T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-05-01T12:00:00',
  '2024-05-01T24:00:00Z',
  '2024-05-01 12:00:00Z',
  '2024-05-01t12:00:00z',
  '2024-05-01',
  '0000-01-01T00:30:00+01:00',
  `2024-05-01T12:00:00.${'1'.repeat(19)}Z`,
  `2024-05-01T12:00:00.${'1'.repeat(20)}Z`,
];
const EMAILS = [
  'a@b.co',
  'a@b',
  'a@b.c',
  'a b@c.de',
  '"a"@b.cd',
  'ülkü.özbey@example.com',
  `${'e'.repeat(64)}@example.com`,
  `${'e'.repeat(65)}@example.com`,
  `${'e'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(58)}`,
  `${'e'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(59)}`,
];
const PICTURES = [
  'https://randomuser.me/api/portraits/men/75.jpg',
  'http://a',
  'HTTPS://EXAMPLE.COM/X',
  'ftp://example.com/x',
  'https:/example.com',
  'https:example.com',
  ' https://example.com/x',
  'https://example.com/x ',
  'https://exa mple.com',
  'https://exa\nmple.com',
  'https://',
  'javascript:alert(1)',
  `https://example.com/${'p'.repeat(2048 - 20)}`,
  `https://example.com/${'p'.repeat(2048 - 19)}`,
];
const SOURCES = ['ingest-http', 'replay', 'a.b_c-d9', 'Ingest', '1abc', '-x', 'a'.repeat(64), 'a'.repeat(65)];
const POST_CODES = [
  0,
  90_000,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 60,
  '01234',
  'SW1A 1AA',
  'x'.repeat(32),
  'x'.repeat(33),
];

/** Text at, below and above its bounds, in UTF-16 units and in code points (emoji are two units each). */
function textBounds(max: number): unknown[] {
  return ['a'.repeat(max), 'a'.repeat(max + 1), '😀'.repeat(max / 2), '😀'.repeat(max), '😀'.repeat(max + 1)];
}

const FIELD_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  event_id: UUIDS,
  event_type: ['user.created', 'user.updated', 'USER.CREATED'],
  schema_version: [1, 1.0, '1', 0, -1, 1.5],
  source: SOURCES,
  occurred_at: DATE_TIMES,
  ingested_at: DATE_TIMES,
  'payload.id': UUIDS,
  'payload.first_name': textBounds(USER_FIELD_MAX_LENGTH.first_name),
  'payload.last_name': textBounds(USER_FIELD_MAX_LENGTH.last_name),
  'payload.gender': textBounds(USER_FIELD_MAX_LENGTH.gender),
  'payload.address': textBounds(USER_FIELD_MAX_LENGTH.address),
  'payload.post_code': POST_CODES,
  'payload.email': EMAILS,
  'payload.username': textBounds(USER_FIELD_MAX_LENGTH.username),
  'payload.dob': DATE_TIMES,
  'payload.registered_date': DATE_TIMES,
  'payload.phone': textBounds(USER_FIELD_MAX_LENGTH.phone),
  'payload.picture': PICTURES,
};

function withField(event: Json, path: string, value: unknown): Json {
  const copy: Json = { ...event, payload: { ...(event.payload as Json) } };
  const [first, second] = path.split('.') as [string, string | undefined];
  const target = second === undefined ? copy : (copy.payload as Json);
  const key = second ?? first;
  if (value === MISSING) delete target[key];
  else target[key] = value;
  return copy;
}

/** Valid bases: the fixture, generated users (numeric and string post codes) and the largest valid event. */
const BASES: readonly Json[] = [
  sampleEvent(),
  ...[0, 1, 2, 3].map((i) => userEvent(userPayload(i), '2024-05-01T12:00:00.000Z') as unknown as Json),
  { ...sampleEvent(), payload: sampleUserPayload({ post_code: 93451 }) },
  worstCaseSizeEvent(),
];

/** Every base with every field replaced by every value, plus documents broken as a whole. */
function eventCorpus(): { label: string; input: unknown }[] {
  const corpus: { label: string; input: unknown }[] = BASES.map((input, i) => ({
    label: `base ${i}`,
    input,
  }));
  for (const [b, base] of BASES.entries()) {
    for (const [path, specific] of Object.entries(FIELD_VALUES)) {
      for (const value of [...specific, ...ANY_FIELD]) {
        corpus.push({ label: `base ${b}, ${path} = ${String(value)}`, input: withField(base, path, value) });
      }
    }
  }
  // Two broken fields at once, so issue order is compared too.
  corpus.push({
    label: 'two bad fields',
    input: withField(withField(sampleEvent(), 'payload.email', 'x'), 'source', 'X'),
  });
  corpus.push(
    { label: 'unknown envelope field', input: { ...sampleEvent(), extra: 1 } },
    {
      label: 'unknown payload field',
      input: { ...sampleEvent(), payload: { ...sampleUserPayload(), x: 1 } },
    },
    {
      label: '__proto__ from JSON',
      input: JSON.parse(JSON.stringify(sampleEvent()).replace('{', '{"__proto__":{"x":1},')),
    },
    {
      label: 'payload __proto__ from JSON',
      input: JSON.parse(JSON.stringify(sampleEvent()).replace('"payload":{', '"payload":{"__proto__":1,')),
    },
    { label: 'payload is an array', input: { ...sampleEvent(), payload: [sampleUserPayload()] } },
    { label: 'empty object', input: {} },
    { label: 'null', input: null },
    { label: 'array', input: [sampleEvent()] },
    { label: 'string', input: JSON.stringify(sampleEvent()) },
    { label: 'number', input: 1 },
  );
  return corpus;
}

const EVENTS = eventCorpus();
const PAYLOADS = EVENTS.filter(({ input }) => typeof input === 'object' && input !== null).map(
  ({ label, input }) => ({ label, input: (input as Json).payload }),
);

describe('compiled contract parsers agree with the runtime parser', () => {
  it('the corpus holds both accepted and rejected events', () => {
    const accepted = EVENTS.filter(({ input }) => runtimeVerdict(schemaFor(input), input).ok).length;
    expect(accepted).toBeGreaterThan(200);
    expect(EVENTS.length - accepted).toBeGreaterThan(1000);
  });

  it.each([1, 2] as const)(
    'z.compile of the v%i event schema: same verdict, value and issues on every input',
    (version) => {
      const schema = USER_CREATED_EVENT_SCHEMAS.get(version) as z.ZodType;
      const compiled = z.compile(schema);
      for (const { label, input } of EVENTS) {
        expect(runtimeVerdict(compiled, input), label).toStrictEqual(runtimeVerdict(schema, input));
      }
    },
  );

  it('parseUserCreatedEvent returns exactly what the runtime parse of the declared version schema gives', () => {
    for (const { label, input } of EVENTS) {
      const expected = runtimeVerdict(schemaFor(input), input);
      expect(parseUserCreatedEvent(input), label).toStrictEqual(
        expected.ok
          ? { ok: true, event: expected.value }
          : { ok: false, reason: 'schema_violation', issues: expected.issues },
      );
    }
  });

  it('parseUserPayload returns exactly what the runtime parse of the payload schema gives', () => {
    for (const { label, input } of PAYLOADS) {
      const expected = runtimeVerdict(userPayloadSchema, input);
      expect(parseUserPayload(input), label).toStrictEqual(
        expected.ok
          ? { ok: true, payload: expected.value }
          : { ok: false, reason: 'schema_violation', issues: expected.issues },
      );
    }
  });

  it('buildUserCreatedEvent returns or throws exactly what the runtime parse gives', () => {
    const envelope = {
      event_id: '0b9f5c1a-2d3e-4f60-8a7b-9c8d7e6f5a4b',
      event_type: 'user.created',
      schema_version: 2,
      source: 'ingest-http',
      occurred_at: '2024-05-01T12:00:00.000Z',
      ingested_at: '2024-05-01T12:00:01.250Z',
    };
    const options = {
      source: envelope.source,
      eventId: envelope.event_id,
      occurredAt: envelope.occurred_at,
      now: () => new Date(envelope.ingested_at),
    };
    let thrown = 0;
    for (const { label, input } of PAYLOADS) {
      const expected = runtimeVerdict(CURRENT_EVENT_SCHEMA, { ...envelope, payload: input });
      if (expected.ok) {
        expect(buildUserCreatedEvent(input as never, options), label).toStrictEqual(expected.value);
        continue;
      }
      thrown++;
      expect(() => buildUserCreatedEvent(input as never, options), label).toThrow(
        InvalidUserCreatedEventError,
      );
      try {
        buildUserCreatedEvent(input as never, options);
      } catch (error) {
        expect((error as InvalidUserCreatedEventError).issues, label).toStrictEqual(expected.issues);
      }
    }
    expect(thrown).toBeGreaterThan(100);
  });

  it('a parsed event is a fresh object: the input is neither returned nor mutated', () => {
    const input = sampleEvent({}, { post_code: 1234 });
    const snapshot = structuredClone(input);
    const result = parseUserCreatedEvent(input);
    expect(result.ok && result.event !== input && result.event.payload !== input.payload).toBe(true);
    expect(input).toStrictEqual(snapshot);
  });
});

describe('text fields reject lone surrogates (String#isWellFormed)', () => {
  const field = textField({ min: 0, max: 1000 });
  const MESSAGE = 'must be well-formed Unicode (no lone surrogates)';
  const messagesOf = (value: string) => {
    const result = field.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => issue.message);
  };

  it.each([
    ['a lone high surrogate', '\uD800'],
    ['a lone high surrogate at the end', 'abc\uDBFF'],
    ['a lone low surrogate', '\uDC00'],
    ['a lone low surrogate in the middle', 'a\uDFFFb'],
    ['a reversed pair', '\uDC00\uD800'],
    ['two high surrogates then a low one', '\uD800\uD800\uDC00'],
    ['a pair then a lone low surrogate', '😀\uDE00'],
  ])('rejects %s', (_label, value) => {
    expect(messagesOf(value)).toEqual([MESSAGE]);
  });

  it.each([
    ['ASCII', 'Louis'],
    ['Latin-1', 'Zoë Ørsted'],
    ['a surrogate pair', '🙂'],
    ['CJK and Arabic', '李 محمد'],
    ['nothing', ''],
  ])('accepts %s', (_label, value) => {
    expect(messagesOf(value)).toEqual([]);
  });

  it('decides like the look-around regex it replaced, on every short mix of surrogates and letters', () => {
    // The previous implementation, kept here only as the oracle.
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const units = ['a', 'é', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE00'];
    let strings = [''];
    let checked = 0;
    for (let length = 1; length <= 4; length++) {
      strings = strings.flatMap((prefix) => units.map((unit) => prefix + unit));
      for (const value of strings) {
        expect(messagesOf(value).includes(MESSAGE), JSON.stringify(value)).toBe(loneSurrogate.test(value));
        checked++;
      }
    }
    expect(checked).toBe(8 + 64 + 512 + 4096);
  });
});
