/**
 * The processor's newest-wins decision for Cassandra / Keyspaces (cassandra-stored-state.ts): which of a
 * batch's events are written, given what is stored, and at which write time. What Cassandra does with the
 * statements is proven on the real node in test/integration/lambdas/shared/clients/keyspaces-write-time.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AcceptedDeletion, AcceptedEvent } from '../../../../../../lambdas/processor/process-batch.js';
import {
  compareStored,
  createsToWrite,
  deletionsToWrite,
  eventMicros,
  type StoredState,
  type StoredVersion,
} from '../../../../../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import { buildUserDeletedEvent } from '../../../../../../lambdas/shared/contract/index.js';
import { userEvent, userPayload } from '../../../../../support/user-events.js';

const source = { topic: 'users_created', partition: 0, offset: 1, timestamp: 0 };
const T = '2024-05-01T12:00:00.000Z';
const EARLIER = '2024-04-01T00:00:00.000Z';
const LATER = '2024-06-01T00:00:00.000Z';
const LOW_ID = '11111111-1111-4111-8111-111111111111';
const HIGH_ID = 'eeeeeeee-1111-4111-8111-111111111111';
/** The processor's clock, µs. */
const NOW = 1_796_558_400_000_000n;

/** One payload per user index (userPayload draws a fresh id and email on every call). */
const PAYLOADS = [1, 2].map((index) => userPayload(index));
const INGESTED_AT = '2026-12-06T11:59:00.000Z';
const payloadOf = (index: number) => PAYLOADS[index - 1] as ReturnType<typeof userPayload>;
const idOf = (index: number) => (payloadOf(index).id as string).toLowerCase();

function create(index: number, occurredAt: string, eventId = LOW_ID): AcceptedEvent {
  const event = userEvent(payloadOf(index), occurredAt);
  return { event: { ...event, event_id: eventId, ingested_at: INGESTED_AT }, source };
}

function deletion(index: number, occurredAt: string, eventId = LOW_ID): AcceptedDeletion {
  const id = payloadOf(index).id as string;
  const event = buildUserDeletedEvent({ id }, { source: 'ingest-http', occurredAt, eventId });
  return { event: { ...event, ingested_at: INGESTED_AT }, source };
}

function version(occurredAt: string, writeTime: bigint, eventId = LOW_ID): StoredVersion {
  return { occurredAtMicros: eventMicros(occurredAt), eventId, writeTime };
}

/** What is stored: created_users rows (the row is its label here) and tombstones, by user index. */
function stored(
  users: Record<number, StoredVersion> = {},
  tombstones: Record<number, StoredVersion> = {},
): StoredState<string> {
  return {
    users: new Map(
      Object.entries(users).map(([i, v]) => [idOf(Number(i)), { version: v, row: `row of ${i}` }]),
    ),
    tombstones: new Map(Object.entries(tombstones).map(([i, v]) => [idOf(Number(i)), v])),
  };
}

describe('eventMicros and compareStored', () => {
  it('is occurred_at in µs, rounded as PostgreSQL rounds, exact before 1970', () => {
    expect(eventMicros('2024-05-01T12:00:00.123456789+02:00')).toBe(1_714_557_600_123_457n);
    expect(eventMicros('1969-12-31T23:59:59.999Z')).toBe(-1_000n);
  });

  it('orders by the stored occurred_at µs, then event id (either letter case), never by the write time', () => {
    const stored = version(T, NOW + 999n);
    expect(compareStored(stored, { occurred_at: T, event_id: HIGH_ID })).toBeLessThan(0);
    expect(compareStored(stored, { occurred_at: T, event_id: LOW_ID.toUpperCase() })).toBe(0);
    expect(compareStored(stored, { occurred_at: '2024-05-01T11:59:59.999999Z', event_id: HIGH_ID })).toBe(1);
  });
});

describe('createsToWrite', () => {
  it('a new user: written at now', () => {
    const writes = createsToWrite([create(1, T)], stored(), NOW);
    expect(writes).toEqual([{ accepted: create(1, T), writeTime: NOW }]);
  });

  it('newer than the stored create: written 1 µs after the stored write time when the clock is behind it', () => {
    const ahead = NOW + 5_000n;
    const writes = createsToWrite([create(1, LATER)], stored({ 1: version(T, ahead) }), NOW);
    expect(writes).toEqual([{ accepted: create(1, LATER), writeTime: ahead + 1n, previous: 'row of 1' }]);
    const behind = createsToWrite([create(1, LATER)], stored({ 1: version(T, NOW - 5_000n) }), NOW);
    expect(behind.map((w) => w.writeTime)).toEqual([NOW]);
  });

  it('older than the stored create, or the same event again (a redelivery): nothing is written', () => {
    expect(createsToWrite([create(1, EARLIER)], stored({ 1: version(T, NOW) }), NOW)).toEqual([]);
    expect(createsToWrite([create(1, T)], stored({ 1: version(T, NOW - 1n) }), NOW)).toEqual([]);
  });

  it('same microsecond: the greater event id wins', () => {
    const storedHigh = stored({ 1: version(T, NOW, HIGH_ID) });
    expect(createsToWrite([create(1, T, LOW_ID)], storedHigh, NOW)).toEqual([]);
    const storedLow = stored({ 1: version(T, NOW - 10n, LOW_ID) });
    expect(createsToWrite([create(1, T, HIGH_ID)], storedLow, NOW)).toHaveLength(1);
  });

  it('tombstoned: a create not newer than the deletion stays erased; a newer one is written after it', () => {
    const erased = stored({}, { 1: version(T, NOW + 7n, HIGH_ID) });
    expect(createsToWrite([create(1, EARLIER)], erased, NOW)).toEqual([]);
    expect(createsToWrite([create(1, T, LOW_ID)], erased, NOW)).toEqual([]);
    expect(createsToWrite([create(1, LATER)], erased, NOW)).toEqual([
      { accepted: create(1, LATER), writeTime: NOW + 8n },
    ]);
  });

  it('several events of one user in the batch: only the newest counts, in either order', () => {
    const events = [create(1, T), create(1, LATER), create(1, EARLIER), create(2, T)];
    for (const batch of [events, [...events].reverse()]) {
      const writes = createsToWrite(batch, stored(), NOW);
      expect(writes.map((w) => [w.accepted.event.payload.id, w.accepted.event.occurred_at]).sort()).toEqual(
        [
          [payloadOf(1).id, LATER],
          [payloadOf(2).id, T],
        ].sort(),
      );
    }
  });

  it('a pulled user registered years ago is written at now, not at its occurred_at', () => {
    const [write] = createsToWrite([create(1, '2019-03-04T05:06:07.000Z')], stored(), NOW);
    expect(write?.writeTime).toBe(NOW);
  });
});

describe('deletionsToWrite', () => {
  it('an older stored create: erased, at a write time after it', () => {
    const writes = deletionsToWrite([deletion(1, T)], stored({ 1: version(EARLIER, NOW + 3n) }), NOW);
    expect(writes).toEqual([{ deletion: deletion(1, T), writeTime: NOW + 4n, erases: 'row of 1' }]);
  });

  it('a newer stored create (a re-creation): kept, the deletion is still recorded', () => {
    const writes = deletionsToWrite([deletion(1, T)], stored({ 1: version(LATER, NOW - 9n) }), NOW);
    expect(writes).toEqual([{ deletion: deletion(1, T), writeTime: NOW }]);
  });

  it('a user never stored: recorded at now', () => {
    expect(deletionsToWrite([deletion(1, T)], stored(), NOW)).toEqual([
      { deletion: deletion(1, T), writeTime: NOW },
    ]);
  });

  it('not newer than the recorded tombstone (a redelivery, an older deletion): nothing', () => {
    const erased = stored({}, { 1: version(T, NOW - 1n) });
    expect(deletionsToWrite([deletion(1, T), deletion(1, EARLIER, HIGH_ID)], erased, NOW)).toEqual([]);
  });

  it('same microsecond as the stored create: the greater event id wins', () => {
    const row = stored({ 1: version(T, NOW, HIGH_ID) });
    expect(deletionsToWrite([deletion(1, T, LOW_ID)], row, NOW)[0]?.erases).toBeUndefined();
    const lowRow = stored({ 1: version(T, NOW, LOW_ID) });
    expect(deletionsToWrite([deletion(1, T, HIGH_ID)], lowRow, NOW)[0]?.erases).toBe('row of 1');
  });
});
