import { describe, expect, it } from 'vitest';
import {
  buildUserCreatedEvent,
  type ContractFailure,
  CURRENT_SCHEMA_VERSION,
  type DecodeUserCreatedEventResult,
  decodeUserCreatedEvent,
  InvalidUserCreatedEventError,
  MAX_EVENT_BYTES,
  parseUserCreatedEvent,
  USER_FIELD_MAX_LENGTH,
  type UserCreatedEvent,
} from '../../../../../lambdas/shared/contract/index.js';
import { sampleEvent, sampleUserPayload, worstCaseSizeEvent } from './fixtures.js';

function expectEvent(result: DecodeUserCreatedEventResult): UserCreatedEvent {
  if (!result.ok)
    throw new Error(`expected a valid event, got ${result.reason}: ${JSON.stringify(result.issues)}`);
  return result.event;
}

function expectFailure(result: { ok: boolean }): ContractFailure {
  expect(result.ok).toBe(false);
  return result as ContractFailure;
}

function issuePaths(result: { ok: boolean }): string[] {
  return expectFailure(result).issues.map((issue) => issue.path);
}

describe('parseUserCreatedEvent: valid events', () => {
  it('accepts a tutorial-shaped (v1) event and returns it unchanged: no nationality, version kept', () => {
    const input = sampleEvent();
    const event = expectEvent(parseUserCreatedEvent(input));
    expect(event).toEqual(input);
    expect(event.schema_version).toBe(1);
    expect(event.payload.nationality).toBeUndefined();
  });

  it('accepts a v2 event with or without nationality', () => {
    const withNationality = sampleEvent({ schema_version: 2 }, { nationality: 'FR' });
    expect(expectEvent(parseUserCreatedEvent(withNationality)).payload.nationality).toBe('FR');
    expect(expectEvent(parseUserCreatedEvent(sampleEvent({ schema_version: 2 }))).schema_version).toBe(2);
  });

  it.each(['fr', 'FRA', 'F', '', 'F1', 42, null])(
    'rejects the malformed nationality %j, naming the field',
    (value) => {
      const failure = expectFailure(
        parseUserCreatedEvent(sampleEvent({ schema_version: 2 }, { nationality: value })),
      );
      expect(failure.reason).toBe('schema_violation');
      expect(failure.issues.map((issue) => issue.path)).toEqual(['payload.nationality']);
    },
  );

  it('a v1 event may not carry nationality (v1 is closed; it is a v2 field)', () => {
    const failure = expectFailure(parseUserCreatedEvent(sampleEvent({}, { nationality: 'FR' })));
    expect(failure.issues.map((issue) => issue.path)).toEqual(['payload.nationality']);
  });

  it('coerces a numeric post_code to its decimal string', () => {
    const event = expectEvent(parseUserCreatedEvent(sampleEvent({}, { post_code: 93451 })));
    expect(event.payload.post_code).toBe('93451');
    expect(typeof event.payload.post_code).toBe('string');
    expect(expectEvent(parseUserCreatedEvent(sampleEvent({}, { post_code: 0 }))).payload.post_code).toBe('0');
  });

  it.each([
    ['a negative number', -1],
    ['a fraction', 12.5],
    ['a boolean', true],
    ['null', null],
    ['an object', { code: '1234' }],
    ['an array', ['1234']],
  ])('rejects a post_code that is %s', (_label, postCode) => {
    expect(issuePaths(parseUserCreatedEvent(sampleEvent({}, { post_code: postCode })))).toEqual([
      'payload.post_code',
    ]);
  });

  it('keeps string post codes verbatim, including leading zeros and letters', () => {
    for (const postCode of ['01234', 'SW1A 1AA', 'H0H 0H0', '']) {
      expect(
        expectEvent(parseUserCreatedEvent(sampleEvent({}, { post_code: postCode }))).payload.post_code,
      ).toBe(postCode);
    }
  });

  it('accepts unicode names, addresses and internationalised emails', () => {
    const payload = {
      first_name: 'Zoë Ælfrida',
      last_name: '李 محمد Ørsted 🙂',
      address: '12 Straße des 17. Juni, Berlin, Berlin, Deutschland',
      email: 'ülkü.özbey@example.com',
      username: 'ýmir_þór',
      gender: 'non-binary',
    };
    const event = expectEvent(parseUserCreatedEvent(sampleEvent({}, payload)));
    expect(event.payload).toMatchObject(payload);
  });

  it('accepts SQL/CQL-injection-looking strings verbatim: they are data', () => {
    const payload = {
      first_name: "Robert'); DROP TABLE users;--",
      last_name: "x' OR '1'='1",
      address: '\'; DROP KEYSPACE pipeline; -- $$ \\ " `',
      username: 'admin"--',
      phone: '1; SELECT pg_sleep(10)',
    };
    const event = expectEvent(parseUserCreatedEvent(sampleEvent({}, payload)));
    expect(event.payload).toMatchObject(payload);
  });

  it('does not trim or normalise strings', () => {
    const event = expectEvent(
      parseUserCreatedEvent(sampleEvent({}, { first_name: '  Louis\t', gender: '' })),
    );
    expect(event.payload.first_name).toBe('  Louis\t');
    expect(event.payload.gender).toBe('');
  });

  it('accepts date-times with a zone offset and upper-case UUIDs', () => {
    const event = expectEvent(
      parseUserCreatedEvent(
        sampleEvent(
          { occurred_at: '2024-05-01T14:00:00+02:00' },
          { id: '5D6F3C0E-8A3B-4C2F-9E1D-7B6A5C4D3E2F', dob: '1993-07-20T09:44:18-05:30' },
        ),
      ),
    );
    expect(event.payload.id).toBe('5D6F3C0E-8A3B-4C2F-9E1D-7B6A5C4D3E2F');
  });
});

describe('parseUserCreatedEvent: each violation names its field', () => {
  const payloadViolations: Array<[string, unknown]> = [
    ['id', 'not-a-uuid'],
    ['id', '00000000-0000-0000-0000-000000000000'],
    ['id', 42],
    ['first_name', ''],
    ['first_name', 7],
    ['last_name', ''],
    ['gender', 3],
    ['address', ''],
    ['email', 'not-an-email'],
    ['email', 'user@localhost'],
    ['email', 'two words@example.com'],
    ['username', ''],
    ['dob', '1993-07-20'],
    ['dob', '1993-07-20T09:44:18'],
    ['dob', '1993-02-30T09:44:18Z'],
    ['dob', 743161458674],
    ['registered_date', 'yesterday'],
    ['phone', ''],
    ['picture', 'not a url'],
    ['picture', 'javascript:alert(1)'],
    ['picture', 'ftp://example.com/a.jpg'],
    ['first_name', 'nul\u0000byte'],
    ['last_name', 'lone \uD800 surrogate'],
  ];

  it.each(payloadViolations)('payload.%s = %j is a schema_violation at that path', (field, value) => {
    const result = parseUserCreatedEvent(sampleEvent({}, { [field]: value }));
    expect(expectFailure(result).reason).toBe('schema_violation');
    expect(new Set(issuePaths(result))).toEqual(new Set([`payload.${field}`]));
  });

  it.each(Object.keys(sampleUserPayload()))('a missing payload.%s is reported at its path', (field) => {
    const payload: Record<string, unknown> = sampleUserPayload();
    delete payload[field];
    expect(expectFailure(parseUserCreatedEvent(sampleEvent({ payload }))).issues).toEqual([
      { path: `payload.${field}`, message: 'required' },
    ]);
  });

  const limitedFields = [
    'first_name',
    'last_name',
    'gender',
    'address',
    'post_code',
    'username',
    'phone',
  ] as const satisfies ReadonlyArray<keyof typeof USER_FIELD_MAX_LENGTH>;

  it.each(limitedFields)('payload.%s accepts its maximum length and rejects one more', (field) => {
    const limit = USER_FIELD_MAX_LENGTH[field];
    expect(parseUserCreatedEvent(sampleEvent({}, { [field]: 'x'.repeat(limit) })).ok).toBe(true);
    const result = parseUserCreatedEvent(sampleEvent({}, { [field]: 'x'.repeat(limit + 1) }));
    expect(expectFailure(result).issues).toEqual([
      { path: `payload.${field}`, message: expect.stringContaining(String(limit)) },
    ]);
  });

  it('a huge string is a validation error naming the field, not a crash', () => {
    const result = parseUserCreatedEvent(sampleEvent({}, { address: 'A'.repeat(1_000_000) }));
    expect(expectFailure(result).issues).toEqual([
      { path: 'payload.address', message: expect.stringContaining(String(USER_FIELD_MAX_LENGTH.address)) },
    ]);
  });

  it('an over-long email, picture or date-time names the field', () => {
    const longEmail = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`;
    const longPicture = `https://example.com/${'p'.repeat(USER_FIELD_MAX_LENGTH.picture)}`;
    const longDob = `1993-07-20T09:44:18.${'1'.repeat(40)}Z`;
    const result = parseUserCreatedEvent(
      sampleEvent({}, { email: longEmail, picture: longPicture, dob: longDob }),
    );
    expect(new Set(issuePaths(result))).toEqual(new Set(['payload.email', 'payload.picture', 'payload.dob']));
  });

  const envelopeViolations: Array<[string, unknown]> = [
    ['event_id', 'abc'],
    ['event_type', 'user.updated'],
    ['schema_version', 0],
    ['schema_version', -3],
    ['schema_version', 1.5],
    ['schema_version', '1'],
    ['source', ''],
    ['source', 'Ingest HTTP'],
    ['source', 's'.repeat(65)],
    ['occurred_at', '2024-05-01 12:00:00'],
    ['ingested_at', null],
    ['payload', 'a string'],
  ];

  it.each(envelopeViolations)('%s = %j is a schema_violation at that path', (field, value) => {
    const result = parseUserCreatedEvent(sampleEvent({ [field]: value }));
    expect(expectFailure(result).reason).toBe('schema_violation');
    expect(issuePaths(result)).toEqual([field]);
  });

  it.each(['event_id', 'event_type', 'schema_version', 'source', 'occurred_at', 'ingested_at', 'payload'])(
    'a missing %s reads "required"',
    (field) => {
      const event: Record<string, unknown> = sampleEvent();
      delete event[field];
      expect(expectFailure(parseUserCreatedEvent(event)).issues).toEqual([
        { path: field, message: 'required' },
      ]);
    },
  );

  it('reports every problem at once, not only the first', () => {
    const result = parseUserCreatedEvent(sampleEvent({ event_id: 'x' }, { email: 'x', phone: '' }));
    expect(new Set(issuePaths(result))).toEqual(new Set(['event_id', 'payload.email', 'payload.phone']));
  });

  it.each([
    ['null', null],
    ['an array', [sampleEvent()]],
    ['a string', 'user.created'],
    ['a number', 1],
  ])('rejects a document that is %s with a root issue', (_label, input) => {
    const failure = expectFailure(parseUserCreatedEvent(input));
    expect(failure.reason).toBe('schema_violation');
    expect(failure.issues.map((issue) => issue.path)).toEqual(['']);
  });
});

describe('parseUserCreatedEvent: unknown fields are rejected', () => {
  it('rejects an unknown payload field and names it', () => {
    const result = parseUserCreatedEvent(sampleEvent({}, { nickname: 'lou' } as Record<string, unknown>));
    const failure = expectFailure(result);
    expect(failure.reason).toBe('schema_violation');
    expect(failure.issues).toEqual([
      { path: 'payload.nickname', message: expect.stringContaining('unknown field') },
    ]);
  });

  it('rejects unknown envelope fields, one issue per field', () => {
    const result = parseUserCreatedEvent({ ...sampleEvent(), traceId: 't', extra: 1 });
    expect(issuePaths(result)).toEqual(['traceId', 'extra']);
  });

  it('rejects a __proto__ key coming from JSON instead of dropping it', () => {
    const json = JSON.stringify(sampleEvent()).replace(
      '"payload":{',
      '"payload":{"__proto__":{"admin":true},',
    );
    expect(issuePaths(decodeUserCreatedEvent(json))).toEqual(['payload.__proto__']);
  });
});

describe('parseUserCreatedEvent: schema versions', () => {
  it('rejects a future schema_version with a distinct reason, whatever the rest looks like', () => {
    const future = {
      ...sampleEvent({ schema_version: CURRENT_SCHEMA_VERSION + 1 }),
      payload: { v2: 'shape' },
    };
    const failure = expectFailure(parseUserCreatedEvent(future));
    expect(failure.reason).toBe('unsupported_schema_version');
    expect(failure.issues).toEqual([{ path: 'schema_version', message: expect.stringContaining('1, 2') }]);
  });

  it('treats a very large version the same way', () => {
    expect(expectFailure(parseUserCreatedEvent(sampleEvent({ schema_version: 1000 }))).reason).toBe(
      'unsupported_schema_version',
    );
  });

  it('accepts every version of the registry', () => {
    expect(parseUserCreatedEvent(sampleEvent({ schema_version: 1 })).ok).toBe(true);
    expect(parseUserCreatedEvent(sampleEvent({ schema_version: 2 })).ok).toBe(true);
  });

  it('an older build (supported versions [1]) dead-letters v2 as unsupported, not as broken', () => {
    const failure = expectFailure(parseUserCreatedEvent(sampleEvent({ schema_version: 2 }), [1]));
    expect(failure.reason).toBe('unsupported_schema_version');
  });

  it('treats a missing version as a schema violation, not as a future one', () => {
    const { schema_version: _omitted, ...withoutVersion } = sampleEvent();
    const failure = expectFailure(parseUserCreatedEvent(withoutVersion));
    expect(failure.reason).toBe('schema_violation');
    expect(failure.issues.map((issue) => issue.path)).toEqual(['schema_version']);
  });
});

describe('decodeUserCreatedEvent', () => {
  it('decodes a Buffer and a string', () => {
    const json = JSON.stringify(sampleEvent({}, { post_code: 1234 }));
    expect(expectEvent(decodeUserCreatedEvent(Buffer.from(json))).payload.post_code).toBe('1234');
    expect(expectEvent(decodeUserCreatedEvent(json)).payload.post_code).toBe('1234');
  });

  it.each(['', '   ', '{', '{"event_id": }', 'undefined', "{'single': 'quotes'}"])(
    'reports invalid JSON %j without echoing it',
    (text) => {
      const failure = expectFailure(decodeUserCreatedEvent(text));
      expect(failure.reason).toBe('invalid_json');
      expect(failure.issues).toHaveLength(1);
      expect(failure.issues[0]?.path).toBe('');
      expect(failure.issues[0]?.message).toMatch(/^document is not valid JSON/);
      if (text.length > 3) expect(failure.issues[0]?.message).not.toContain(text);
    },
  );

  it('reports bytes that are not UTF-8 as invalid_json instead of replacing them', () => {
    const json = Buffer.from(JSON.stringify(sampleEvent({}, { first_name: 'XX' })));
    const index = json.indexOf('XX');
    json[index] = 0xff;
    const failure = expectFailure(decodeUserCreatedEvent(json));
    expect(failure.reason).toBe('invalid_json');
    expect(failure.issues[0]?.message).toContain('UTF-8');
  });

  it('rejects a document over MAX_EVENT_BYTES before parsing it', () => {
    const json = JSON.stringify(sampleEvent());
    const padded = json + ' '.repeat(MAX_EVENT_BYTES - Buffer.byteLength(json));
    expect(decodeUserCreatedEvent(padded).ok).toBe(true);
    const failure = expectFailure(decodeUserCreatedEvent(`${padded} `));
    expect(failure.reason).toBe('oversize');
    expect(failure.issues[0]?.message).toContain(String(MAX_EVENT_BYTES));
    // Not valid JSON either, but size is checked first so nothing big is ever parsed.
    expect(expectFailure(decodeUserCreatedEvent('x'.repeat(MAX_EVENT_BYTES + 1))).reason).toBe('oversize');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const json = JSON.stringify(sampleEvent());
    const multiByte = '€'.repeat(Math.ceil((MAX_EVENT_BYTES - Buffer.byteLength(json)) / 3) + 1);
    expect(json.length + multiByte.length).toBeLessThan(MAX_EVENT_BYTES);
    expect(expectFailure(decodeUserCreatedEvent(json + multiByte)).reason).toBe('oversize');
  });

  it('a valid event can never be oversize: the worst case still fits', () => {
    const worstCase = worstCaseSizeEvent();
    const event = expectEvent(parseUserCreatedEvent(worstCase));
    const bytes = Buffer.byteLength(JSON.stringify(event));
    expect(bytes).toBeLessThan(MAX_EVENT_BYTES);
    expect(decodeUserCreatedEvent(JSON.stringify(event)).ok).toBe(true);
  });
});

describe('buildUserCreatedEvent', () => {
  const fixedNow = () => new Date('2024-05-01T12:00:05.000Z');

  it('wraps a payload in a current-version envelope', () => {
    const event = buildUserCreatedEvent(sampleUserPayload({ post_code: 1234 }), {
      source: 'ingest-http',
      now: fixedNow,
    });
    expect(event).toMatchObject({
      event_type: 'user.created',
      schema_version: CURRENT_SCHEMA_VERSION,
      source: 'ingest-http',
      occurred_at: '2024-05-01T12:00:05.000Z',
      ingested_at: '2024-05-01T12:00:05.000Z',
      payload: { ...sampleUserPayload(), post_code: '1234' },
    });
    expect(event.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseUserCreatedEvent(event)).toEqual({ ok: true, event });
  });

  it('gives every event a new id unless one is supplied', () => {
    const first = buildUserCreatedEvent(sampleUserPayload(), { source: 'ingest-http' });
    const second = buildUserCreatedEvent(sampleUserPayload(), { source: 'ingest-http' });
    expect(first.event_id).not.toBe(second.event_id);
    const eventId = '0b9f5c1a-2d3e-4f60-8a7b-9c8d7e6f5a4b';
    expect(buildUserCreatedEvent(sampleUserPayload(), { source: 'replay', eventId }).event_id).toBe(eventId);
  });

  it('uses occurredAt when given as a Date or a string', () => {
    const fromDate = buildUserCreatedEvent(sampleUserPayload(), {
      source: 'ingest-pull',
      occurredAt: new Date('2024-04-30T00:00:00Z'),
      now: fixedNow,
    });
    expect(fromDate.occurred_at).toBe('2024-04-30T00:00:00.000Z');
    const fromString = buildUserCreatedEvent(sampleUserPayload(), {
      source: 'replay',
      occurredAt: '2024-04-30T02:00:00+02:00',
      now: fixedNow,
    });
    expect(fromString.occurred_at).toBe('2024-04-30T02:00:00+02:00');
  });

  it('throws InvalidUserCreatedEventError listing every issue instead of emitting a bad event', () => {
    const build = () =>
      buildUserCreatedEvent(sampleUserPayload({ email: 'nope' }), {
        source: 'Not A Slug',
        occurredAt: new Date('not a date'),
      });
    expect(build).toThrow(InvalidUserCreatedEventError);
    try {
      build();
    } catch (error) {
      const issues = (error as InvalidUserCreatedEventError).issues.map((issue) => issue.path);
      expect(new Set(issues)).toEqual(new Set(['source', 'occurred_at', 'payload.email']));
      expect((error as Error).message).toContain('payload.email');
    }
  });

  it('rejects unknown payload fields at build time too', () => {
    const payload = { ...sampleUserPayload(), extra: 1 };
    expect(() => buildUserCreatedEvent(payload, { source: 'ingest-http' })).toThrow(/payload\.extra/);
  });
});
