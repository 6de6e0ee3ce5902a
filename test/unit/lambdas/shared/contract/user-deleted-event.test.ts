import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  buildUserDeletedEvent,
  compareEvents,
  DELETION_REASONS,
  decodePipelineEvent,
  EVENT_TYPE_NAMES,
  InvalidUserDeletedEventError,
  occurredAtMicros,
  parsePipelineEvent,
  toKafkaMessage,
} from '../../../../../lambdas/shared/contract/index.js';
import {
  eventJsonSchemaFile,
  renderEventJsonSchema,
} from '../../../../../lambdas/shared/contract/json-schema.js';
import { sampleDeletion, sampleEvent } from './fixtures.js';

const USER = '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f';

function deletion(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return sampleDeletion(overrides, { reason: 'consent_withdrawn', ...payload });
}

describe('the registry of event types', () => {
  it('has user.created and user.deleted', () => {
    expect(EVENT_TYPE_NAMES).toEqual(['user.created', 'user.deleted']);
  });
});

describe('user.deleted', () => {
  it('parses a deletion: the user id and a reason code, nothing else', () => {
    const result = parsePipelineEvent(deletion());
    expect(result).toEqual({ ok: true, event: deletion() });
  });

  it.each([
    ['a free-text reason', deletion({}, { reason: 'Jane asked by phone' }), 'payload.reason'],
    ['a missing reason', deletion({}, { reason: undefined }), 'payload.reason'],
    ['personal data in the payload', deletion({}, { email: 'jane@example.com' }), 'payload.email'],
    ['a bad id', deletion({}, { id: 'jane' }), 'payload.id'],
    ['an unknown envelope field', { ...deletion(), extra: 1 }, 'extra'],
    ['a missing occurred_at', deletion({ occurred_at: undefined }), 'occurred_at'],
  ])('refuses %s, naming the field', (_, input, path) => {
    const result = parsePipelineEvent(JSON.parse(JSON.stringify(input)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('schema_violation');
    expect(result.issues.map((issue) => issue.path)).toContain(path);
    expect(JSON.stringify(result.issues)).not.toContain('Jane');
  });

  it('a future version of user.deleted is unsupported_schema_version (replayable after an upgrade)', () => {
    const result = parsePipelineEvent(deletion({ schema_version: 2 }));
    expect(result).toMatchObject({ ok: false, reason: 'unsupported_schema_version' });
  });

  it('builds a valid deletion with the default reason, or throws naming the field', () => {
    const event = buildUserDeletedEvent({ id: USER }, { source: 'ingest-http' });
    expect(event).toMatchObject({ event_type: 'user.deleted', schema_version: 1, payload: { id: USER } });
    expect(event.payload.reason).toBe('user_request');
    expect(event.occurred_at).toBe(event.ingested_at);
    expect(() => buildUserDeletedEvent({ id: 'nope' }, { source: 'ingest-http' })).toThrow(
      InvalidUserDeletedEventError,
    );
  });

  it("is keyed by the user id like the creates, so both share the user's partition", () => {
    const created = toKafkaMessage(parsePipelineEventOk(sampleEvent()));
    const deleted = toKafkaMessage(buildUserDeletedEvent({ id: USER }, { source: 'ingest-http' }));
    expect(deleted.key).toBe(created.key);
    expect(deleted.headers.event_type).toBe('user.deleted');
  });
});

function parsePipelineEventOk(input: unknown) {
  const result = parsePipelineEvent(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

describe('dispatch on event_type', () => {
  it('an unknown event_type is unsupported_event_type, without echoing it', () => {
    const result = decodePipelineEvent(JSON.stringify(sampleEvent({ event_type: 'user.merged' })));
    expect(result).toEqual({
      ok: false,
      reason: 'unsupported_event_type',
      issues: [
        {
          path: 'event_type',
          message: 'this event_type is not supported; supported: user.created, user.deleted',
        },
      ],
    });
  });

  it('a missing or non-string event_type is judged as user.created (a schema violation naming it)', () => {
    for (const eventType of [undefined, 7]) {
      const result = parsePipelineEvent(JSON.parse(JSON.stringify(sampleEvent({ event_type: eventType }))));
      expect(result).toMatchObject({ ok: false, reason: 'schema_violation' });
      if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain('event_type');
    }
  });

  it('an older build that lists only user.created refuses user.deleted as unsupported_event_type', () => {
    expect(parsePipelineEvent(deletion(), { eventTypes: ['user.created'] })).toMatchObject({
      ok: false,
      reason: 'unsupported_event_type',
    });
  });
});

describe("the order of one user's events (event-order.ts)", () => {
  const at = (occurred_at: string, event_id: string) => ({ occurred_at, event_id });
  const A = '11111111-1111-4111-8111-111111111111';
  const B = 'bbbbbbbb-1111-4111-8111-111111111111';

  it('is occurred_at first, compared as instants to the microsecond', () => {
    expect(compareEvents(at('2024-05-01T12:00:00Z', B), at('2024-05-01T13:00:00+01:00', A))).toBeGreaterThan(
      0,
    );
    expect(
      compareEvents(at('2024-05-01T12:00:00.000001Z', A), at('2024-05-01T12:00:00Z', B)),
    ).toBeGreaterThan(0);
    expect(compareEvents(at('2024-05-01T12:00:00.0000004Z', A), at('2024-05-01T12:00:00Z', B))).toBeLessThan(
      0,
    );
  });

  it('then the event id as a UUID (letter case does not matter)', () => {
    expect(compareEvents(at('2024-05-01T12:00:00Z', A), at('2024-05-01T12:00:00.000Z', B))).toBeLessThan(0);
    expect(
      compareEvents(at('2024-05-01T12:00:00Z', B.toUpperCase()), at('2024-05-01T12:00:00Z', A)),
    ).toBeGreaterThan(0);
    expect(compareEvents(at('2024-05-01T12:00:00Z', B.toUpperCase()), at('2024-05-01T12:00:00Z', B))).toBe(0);
  });

  it('rounds a fraction to microseconds as PostgreSQL does (half to even on the parsed value)', () => {
    expect(occurredAtMicros('2024-05-01T12:00:00.123456789Z')).toBe(1_714_564_800_123_457);
    expect(occurredAtMicros('2024-05-01T12:00:00.9999999Z')).toBe(1_714_564_801_000_000);
    expect(occurredAtMicros('1969-12-31T23:59:59.999Z')).toBe(-1_000);
  });
});

describe('the user.deleted JSON Schema', () => {
  const file = new URL(
    `../../../../../lambdas/shared/contract/${eventJsonSchemaFile('user.deleted', 1)}`,
    import.meta.url,
  );
  const text = readFileSync(file, 'utf8');

  it('is the committed, generated file', () => {
    expect(text).toBe(renderEventJsonSchema('user.deleted', 1));
  });

  it('agrees with the zod contract on samples', () => {
    const validate = new Ajv2020({ strict: true, validateFormats: false }).compile(
      JSON.parse(text) as object,
    );
    const samples: Array<[unknown, boolean]> = [
      [deletion(), true],
      ...DELETION_REASONS.map((reason): [unknown, boolean] => [deletion({}, { reason }), true]),
      [deletion({}, { reason: 'other' }), false],
      [deletion({}, { email: 'x@example.com' }), false],
      [deletion({ schema_version: 2 }), false],
      [deletion({ event_type: 'user.created' }), false],
    ];
    for (const [sample, valid] of samples) {
      expect(validate(sample), JSON.stringify(sample)).toBe(valid);
      expect(parsePipelineEvent(sample).ok, JSON.stringify(sample)).toBe(valid);
    }
  });
});
