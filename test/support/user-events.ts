import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import {
  buildUserCreatedEvent,
  buildUserDeletedEvent,
  exampleUserPayload,
  type PipelineEvent,
  toKafkaMessage,
  type UserCreatedEvent,
  type UserDeletedEvent,
  type UserPayloadInput,
} from '../../lambdas/shared/contract/index.js';

const FIRST = ['Ada', 'Zoë', 'Jürgen', 'Maël', 'Søren', 'Ana', 'Ngozi', 'Hiroshi', 'Élodie', 'Ravi'];
const LAST = ['Lovelace', 'Müller', 'Ó Briain', 'Nakamura', 'García', 'Okafor', 'Dubois', 'Singh'];
const COUNTRIES = ['Ireland', 'Germany', 'Japan', 'Brazil', 'Nigeria', 'France', 'India', 'Canada'];
const NATIONALITIES = ['IE', 'DE', 'JP', 'BR', 'NG', 'FR', 'IN', 'CA'];

/**
 * A valid payload of the current schema version, varied by index so rows are distinguishable. Fields not
 * varied here take their example from the field registry, so a new field is covered without editing this.
 */
export function userPayload(index: number, overrides: Partial<UserPayloadInput> = {}): UserPayloadInput {
  const first = FIRST[index % FIRST.length] as string;
  const last = LAST[index % LAST.length] as string;
  const day = 1 + (index % 28);
  return {
    ...(exampleUserPayload() as unknown as UserPayloadInput),
    id: randomUUID(),
    first_name: first,
    last_name: last,
    gender: index % 2 === 0 ? 'female' : 'male',
    address: `${index} Main Street, Springfield, State ${index % 7}, ${COUNTRIES[index % COUNTRIES.length]}`,
    post_code: index % 3 === 0 ? 90_000 + index : `PC-${index}`,
    email: `user${index}.${randomUUID().slice(0, 8)}@example.com`,
    username: `user_${index}`,
    dob: `19${50 + (index % 50)}-0${1 + (index % 9)}-${String(day).padStart(2, '0')}T10:00:00.000Z`,
    registered_date: `2020-0${1 + (index % 9)}-${String(day).padStart(2, '0')}T08:30:00.000Z`,
    phone: `+1-555-${String(index).padStart(4, '0')}`,
    picture: `https://randomuser.me/api/portraits/women/${index % 100}.jpg`,
    nationality: NATIONALITIES[index % NATIONALITIES.length] as string,
    ...overrides,
  };
}

export function userEvent(
  payload: UserPayloadInput,
  occurredAt: string,
  source = 'ingest-http',
): UserCreatedEvent {
  return buildUserCreatedEvent(payload, { source, occurredAt });
}

/** A user.deleted event for `id`, as the push API builds it (optionally with a chosen event id). */
export function deletionEvent(id: string, occurredAt: string, eventId?: string): UserDeletedEvent {
  return buildUserDeletedEvent(
    { id },
    { source: 'ingest-http', occurredAt, ...(eventId ? { eventId } : {}) },
  );
}

export function messageOf(event: PipelineEvent): Message {
  const m = toKafkaMessage(event, randomUUID());
  return { key: m.key, value: m.value, headers: { ...m.headers } };
}

/** Kafka messages the processor must dead-letter, one per failure kind, cycling. */
export function invalidMessage(index: number): { message: Message; reason: string } {
  const valid = userEvent(userPayload(index), '2024-01-01T00:00:00.000Z');
  switch (index % 5) {
    case 0:
      return { message: { key: valid.payload.id, value: '{"truncated": ' }, reason: 'invalid_json' };
    case 1:
      return {
        message: {
          key: valid.payload.id,
          value: JSON.stringify({ ...valid, payload: { ...valid.payload, email: 'nope' } }),
        },
        reason: 'schema_violation',
      };
    case 2:
      return {
        message: { key: valid.payload.id, value: JSON.stringify({ ...valid, schema_version: 99 }) },
        reason: 'unsupported_schema_version',
      };
    case 3:
      return { message: { key: randomUUID(), value: JSON.stringify(valid) }, reason: 'key_mismatch' };
    default:
      return { message: { key: valid.payload.id, value: null }, reason: 'empty_value' };
  }
}
