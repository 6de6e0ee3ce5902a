import { describe, expect, it } from 'vitest';
import {
  buildUserCreatedEvent,
  decodeUserCreatedEvent,
  EventTooLargeError,
  KAFKA_HEADER,
  MAX_EVENT_BYTES,
  toKafkaMessage,
  USERS_CREATED_TOPIC,
  type UserCreatedEvent,
} from '../../../../../lambdas/shared/contract/index.js';
import { sampleUserPayload } from './fixtures.js';

const event = buildUserCreatedEvent(sampleUserPayload(), {
  source: 'ingest-http',
  now: () => new Date('2024-05-01T12:00:00Z'),
});

describe('Kafka message contract', () => {
  it('names the default topic and headers', () => {
    expect(USERS_CREATED_TOPIC).toBe('users_created');
    expect(KAFKA_HEADER).toEqual({
      schemaVersion: 'schema_version',
      traceId: 'trace_id',
      eventType: 'event_type',
    });
  });

  it('keys by user id, carries the JSON event and the contract headers', () => {
    const message = toKafkaMessage(event, 'trace-123');
    expect(message.key).toBe(event.payload.id);
    expect(JSON.parse(message.value)).toEqual(event);
    expect(message.headers).toEqual({
      schema_version: '2',
      trace_id: 'trace-123',
      event_type: 'user.created',
    });
  });

  it('round-trips through decodeUserCreatedEvent', () => {
    const message = toKafkaMessage(event, 'trace-123');
    expect(decodeUserCreatedEvent(Buffer.from(message.value))).toEqual({ ok: true, event });
  });

  it('omits trace_id when there is none', () => {
    expect(toKafkaMessage(event).headers).toEqual({ schema_version: '2', event_type: 'user.created' });
    expect(Object.keys(toKafkaMessage(event, '').headers)).not.toContain('trace_id');
  });

  it('uses the user id verbatim as the key, so consumers can compare key and payload.id', () => {
    const upper = { ...event, payload: { ...event.payload, id: event.payload.id.toUpperCase() } };
    expect(toKafkaMessage(upper).key).toBe(upper.payload.id);
  });

  it('refuses to serialise an event above MAX_EVENT_BYTES', () => {
    // Only reachable by bypassing validation, which is exactly what this guard is for.
    const huge = {
      ...event,
      payload: { ...event.payload, address: 'x'.repeat(MAX_EVENT_BYTES) },
    } as UserCreatedEvent;
    expect(() => toKafkaMessage(huge)).toThrow(EventTooLargeError);
  });
});
