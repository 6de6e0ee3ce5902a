import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseUserCreatedEvent } from '../../../../../lambdas/shared/contract/index.js';
import {
  buildUserCreatedJsonSchema,
  renderUserCreatedJsonSchema,
  userCreatedJsonSchemaFile,
} from '../../../../../lambdas/shared/contract/json-schema.js';
import { sampleEvent, worstCaseSizeEvent } from './fixtures.js';

const committedPath = (version: 1 | 2) =>
  new URL(`../../../../../lambdas/shared/contract/${userCreatedJsonSchemaFile(version)}`, import.meta.url);

describe('committed JSON Schema', () => {
  it.each([1, 2] as const)(
    'v%i is identical to what the registry generates (npm run generate)',
    (version) => {
      expect(readFileSync(committedPath(version), 'utf8')).toBe(renderUserCreatedJsonSchema(version));
    },
  );

  it('v2 adds the optional nationality and nothing else', () => {
    const v1 = buildUserCreatedJsonSchema(1) as {
      properties: { payload: { properties: object; required: string[] } };
    };
    const v2 = buildUserCreatedJsonSchema(2) as {
      properties: { payload: { properties: object; required: string[] } };
    };
    const added = Object.keys(v2.properties.payload.properties).filter(
      (name) => !(name in v1.properties.payload.properties),
    );
    expect(added).toEqual(['nationality']);
    expect(v2.properties.payload.required).toEqual(v1.properties.payload.required);
  });

  it('is a draft 2020-12 schema with strict objects and all fields required', () => {
    const schema = buildUserCreatedJsonSchema(1) as {
      $schema: string;
      additionalProperties: boolean;
      required: string[];
      properties: { payload: { additionalProperties: boolean; required: string[] } };
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toHaveLength(7);
    expect(schema.properties.payload.additionalProperties).toBe(false);
    expect(schema.properties.payload.required).toHaveLength(12);
  });
});

describe('JSON Schema semantics agree with the zod contract', () => {
  // Formats are annotations in draft 2020-12; the schema carries explicit patterns instead.
  const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(readFileSync(committedPath(1), 'utf8')) as object);

  const samples: Array<[string, unknown, boolean]> = [
    ['the tutorial sample', sampleEvent(), true],
    ['a numeric post_code', sampleEvent({}, { post_code: 93451 }), true],
    [
      'unicode names and email',
      sampleEvent({}, { first_name: 'Zoë', email: 'ülkü.özbey@example.com' }),
      true,
    ],
    ['injection-looking text', sampleEvent({}, { last_name: "'; DROP TABLE users;--" }), true],
    ['the worst-case size event', worstCaseSizeEvent(), true],
    ['an unknown payload field', sampleEvent({}, { nickname: 'x' } as Record<string, unknown>), false],
    ['an unknown envelope field', { ...sampleEvent(), extra: true }, false],
    ['a future schema_version', sampleEvent({ schema_version: 3 }), false],
    ['a bad uuid', sampleEvent({}, { id: 'nope' }), false],
    ['the nil uuid', sampleEvent({}, { id: '00000000-0000-0000-0000-000000000000' }), false],
    ['a bad email', sampleEvent({}, { email: 'user@localhost' }), false],
    ['a date without zone', sampleEvent({}, { dob: '1993-07-20T09:44:18' }), false],
    ['a non-http picture', sampleEvent({}, { picture: 'ftp://example.com/a.jpg' }), false],
    ['a too-long address', sampleEvent({}, { address: 'a'.repeat(501) }), false],
    ['a negative post_code', sampleEvent({}, { post_code: -5 }), false],
    ['a boolean post_code', sampleEvent({}, { post_code: true }), false],
    ['a NUL in a name', sampleEvent({}, { first_name: 'a\u0000b' }), false],
    ['a missing field', { ...sampleEvent(), payload: { ...sampleEvent().payload, phone: undefined } }, false],
    ['an empty source', sampleEvent({ source: '' }), false],
    ['a wrong event_type', sampleEvent({ event_type: 'user.deleted' }), false],
  ];

  it.each(samples)('%s: JSON Schema and zod both say valid=%s', (_label, sample, expected) => {
    // JSON.stringify drops undefined members, as a producer's serialiser would.
    const document: unknown = JSON.parse(JSON.stringify(sample));
    expect(validate(document)).toBe(expected);
    expect(parseUserCreatedEvent(document).ok).toBe(expected);
  });

  it('documents where only zod is stricter: URL parsing and lone surrogates', () => {
    for (const sample of [
      sampleEvent({}, { picture: 'http://exa mple.com' }),
      sampleEvent({}, { picture: 'https://[not-an-ip]/a.jpg' }),
      sampleEvent({}, { first_name: 'lone \uD800' }),
    ]) {
      expect(parseUserCreatedEvent(sample).ok).toBe(false);
    }
    expect(validate(sampleEvent({}, { picture: 'https://[not-an-ip]/a.jpg' }))).toBe(true);
  });
});
