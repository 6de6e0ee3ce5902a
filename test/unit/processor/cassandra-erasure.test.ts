/**
 * The decisions of the Cassandra erasure, against an in-memory stand-in that answers the two reads (tombstones,
 * created_users rows) and records the writes. What Cassandra then does with them (write times, deletion wins a
 * tie) is proven on the real node in test/integration/erasure.test.ts.
 */
import { type Client, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { AcceptedDeletion, AcceptedEvent } from '../../../lambdas/processor/process-batch.js';
import {
  CassandraErasure,
  compareStored,
  deleteStatement,
  tombstoneAdmission,
  writeTimeMicros,
} from '../../../lambdas/processor/stores/cassandra-erasure.js';
import { cassandraRow } from '../../../lambdas/processor/stores/cassandra-user-store.js';
import { buildUserDeletedEvent } from '../../../lambdas/shared/contract/index.js';
import {
  CREATED_USERS_TABLE,
  type TableDefinition,
  USERS_BY_SIGNUP_DAY_TABLE,
  usersBySignupDayPartition,
} from '../../../lambdas/shared/schema/cassandra/index.js';
import { userEvent, userPayload } from '../../support/user-events.js';

const source = { topic: 'users_created', partition: 0, offset: 1, timestamp: 0 };
const T = '2024-05-01T12:00:00.000Z';
const LOW_ID = '11111111-1111-4111-8111-111111111111';
const HIGH_ID = 'eeeeeeee-1111-4111-8111-111111111111';

function deletion(id: string, occurredAt: string, eventId = LOW_ID): AcceptedDeletion {
  return { event: buildUserDeletedEvent({ id }, { source: 'ingest-http', occurredAt, eventId }), source };
}

function create(index: number, occurredAt: string, eventId = LOW_ID): AcceptedEvent {
  const event = userEvent(userPayload(index), occurredAt);
  return { event: { ...event, event_id: eventId }, source };
}

/** A created_users row as the driver returns it, from the insert's own values. */
function storedRow(user: AcceptedEvent, written: bigint) {
  const values: Record<string, unknown> = {
    ...rowOf(CREATED_USERS_TABLE, user),
    id: types.Uuid.fromString(user.event.payload.id),
    event_id: types.Uuid.fromString(user.event.event_id),
    written: types.Long.fromString(written.toString()),
  };
  return { get: (name: string) => values[name] ?? null };
}

function tombstoneRow(id: string, eventId: string, written: bigint) {
  const values: Record<string, unknown> = {
    id: types.Uuid.fromString(id),
    event_id: types.Uuid.fromString(eventId),
    written: types.Long.fromString(written.toString()),
  };
  return { get: (name: string) => values[name] };
}

function fakeClient(state: {
  users?: ReturnType<typeof storedRow>[];
  tombstones?: ReturnType<typeof tombstoneRow>[];
}) {
  const writes: { query: string; params: unknown[] }[] = [];
  const client = {
    execute: async (query: string, params: unknown[]) => {
      if (query.includes('FROM ks.user_tombstones')) return { rows: state.tombstones ?? [] };
      if (query.startsWith('SELECT')) return { rows: state.users ?? [] };
      writes.push({ query, params });
      return { rows: [] };
    },
  } as unknown as Client;
  return { client, writes };
}

/** The dev stage's bucket count; any count works, the deletion derives the key as the insert does. */
const BUCKETS = 4;
const rowOf = (table: TableDefinition, user: AcceptedEvent) => cassandraRow(table, user, BUCKETS);
const erasure = (client: Client) =>
  new CassandraErasure(client, {
    keyspace: 'ks',
    dayTables: [USERS_BY_SIGNUP_DAY_TABLE],
    rowOf,
    concurrency: 4,
  });

describe('deleteStatement', () => {
  it('deletes by every primary key column of the definition, at the bound write time', () => {
    expect(deleteStatement('ks', USERS_BY_SIGNUP_DAY_TABLE)).toBe(
      `DELETE FROM ks.${USERS_BY_SIGNUP_DAY_TABLE.name} USING TIMESTAMP ? WHERE ${[
        ...USERS_BY_SIGNUP_DAY_TABLE.partitionKey,
        ...USERS_BY_SIGNUP_DAY_TABLE.clusteringKey.map((c) => c.name),
      ]
        .map((name) => `${name} = ?`)
        .join(' AND ')}`,
    );
    expect(deleteStatement('ks', CREATED_USERS_TABLE)).toBe(
      'DELETE FROM ks.created_users USING TIMESTAMP ? WHERE id = ?',
    );
  });
});

describe('writeTimeMicros and compareStored', () => {
  it('is occurred_at in µs, rounded as PostgreSQL rounds', () => {
    expect(writeTimeMicros('2024-05-01T12:00:00.123456789+02:00')).toBe(1_714_557_600_123_457n);
    expect(writeTimeMicros('1969-12-31T23:59:59.999Z')).toBe(-1_000n);
  });

  it('orders by write time, then event id (either letter case)', () => {
    const stored = { writeTime: writeTimeMicros(T), eventId: LOW_ID };
    expect(compareStored(stored, { occurred_at: T, event_id: HIGH_ID })).toBeLessThan(0);
    expect(compareStored(stored, { occurred_at: T, event_id: LOW_ID.toUpperCase() })).toBe(0);
    expect(compareStored(stored, { occurred_at: '2024-05-01T11:59:59.999999Z', event_id: HIGH_ID })).toBe(1);
  });
});

describe('CassandraErasure.plan', () => {
  it('a user the sink never stored: shadows created_users, no day-table delete, records the tombstone', async () => {
    const id = userPayload(1).id as string;
    const { client } = fakeClient({});
    const plan = await erasure(client).plan([deletion(id, T)]);
    expect(plan.dataDeletes.map((s) => s.query)).toEqual([deleteStatement('ks', CREATED_USERS_TABLE)]);
    expect(plan.dataDeletes[0]?.params).toEqual([types.Long.fromString(writeTimeMicros(T).toString()), id]);
    expect(plan.tombstones).toHaveLength(1);
    expect(plan.tombstones[0]?.params.slice(0, 4)).toEqual([id, LOW_ID, new Date(T), 'user_request']);
  });

  it('an older stored user: deletes both rows, the day row by the partition the key function gives', async () => {
    const user = create(2, '2024-04-01T00:00:00.000Z');
    const { client } = fakeClient({ users: [storedRow(user, writeTimeMicros(user.event.occurred_at))] });
    const plan = await erasure(client).plan([deletion(user.event.payload.id, T)]);
    const byDay = plan.dataDeletes.find((s) => s.query.includes(USERS_BY_SIGNUP_DAY_TABLE.name));
    const key = usersBySignupDayPartition(user.event.payload, BUCKETS);
    const insertRow = rowOf(USERS_BY_SIGNUP_DAY_TABLE, user);
    expect(byDay?.params).toEqual([
      types.Long.fromString(writeTimeMicros(T).toString()),
      ...[
        ...USERS_BY_SIGNUP_DAY_TABLE.partitionKey,
        ...USERS_BY_SIGNUP_DAY_TABLE.clusteringKey.map((c) => c.name),
      ].map((name) => insertRow[name]),
    ]);
    expect(byDay?.params).toContain(key.country);
  });

  it('a newer stored user (a re-creation): the data stays, the tombstone is recorded', async () => {
    const user = create(3, '2024-06-01T00:00:00.000Z');
    const { client } = fakeClient({ users: [storedRow(user, writeTimeMicros(user.event.occurred_at))] });
    const plan = await erasure(client).plan([deletion(user.event.payload.id, T)]);
    expect(plan.dataDeletes).toEqual([]);
    expect(plan.tombstones).toHaveLength(1);
  });

  it.each([
    ['the stored row has the greater event id: the row stays', HIGH_ID, LOW_ID, 0],
    ['the deletion has the greater event id: both rows go', LOW_ID, HIGH_ID, 2],
  ])('same microsecond, %s', async (_, rowEventId, deletionEventId, deletes) => {
    const user = create(4, T, rowEventId);
    const { client } = fakeClient({ users: [storedRow(user, writeTimeMicros(T))] });
    const plan = await erasure(client).plan([deletion(user.event.payload.id, T, deletionEventId)]);
    expect(plan.dataDeletes).toHaveLength(deletes);
  });

  it('a deletion not newer than the recorded tombstone does nothing (already erased by it)', async () => {
    const id = userPayload(5).id as string;
    const { client } = fakeClient({ tombstones: [tombstoneRow(id, LOW_ID, writeTimeMicros(T))] });
    const plan = await erasure(client).plan([
      deletion(id, '2024-04-01T00:00:00.000Z', HIGH_ID),
      deletion(id, T),
    ]);
    expect(plan).toEqual({ dataDeletes: [], tombstones: [] });
  });

  it('erase() sends the data deletes before the tombstones', async () => {
    const user = create(6, '2024-04-01T00:00:00.000Z');
    const { client, writes } = fakeClient({
      users: [storedRow(user, writeTimeMicros(user.event.occurred_at))],
    });
    await erasure(client).erase([deletion(user.event.payload.id, T)]);
    expect(writes.map((w) => w.query.split(' ').slice(0, 3).join(' '))).toEqual([
      'DELETE FROM ks.created_users',
      `DELETE FROM ks.${USERS_BY_SIGNUP_DAY_TABLE.name}`,
      'INSERT INTO ks.user_tombstones',
    ]);
  });
});

describe('tombstoneAdmission', () => {
  const erased = create(7, T);
  const tombstones = [
    tombstoneRow(erased.event.payload.id, '77777777-1111-4111-8111-111111111111', writeTimeMicros(T)),
  ];

  it('drops a create that is older than the deletion, or loses its microsecond tie', async () => {
    const { client } = fakeClient({ tombstones });
    const older = create(7, '2024-04-01T00:00:00.000Z');
    const older2 = { ...older, event: { ...older.event, payload: erased.event.payload } };
    const tieLost = { ...erased, event: { ...erased.event, event_id: LOW_ID } };
    expect(await tombstoneAdmission(client, 'ks', [older2, tieLost])).toEqual([]);
  });

  it('writes a create that wins the tie 1 µs after the deletion, and a newer one at its own time', async () => {
    const { client } = fakeClient({ tombstones });
    const tieWon = { ...erased, event: { ...erased.event, event_id: HIGH_ID } };
    const newer = { ...erased, event: { ...erased.event, occurred_at: '2024-05-01T12:00:00.001Z' } };
    const other = create(8, T);
    const admitted = await tombstoneAdmission(client, 'ks', [tieWon, newer, other]);
    expect(admitted.map((a) => a.writeTime?.toString())).toEqual([
      (writeTimeMicros(T) + 1n).toString(),
      undefined,
      undefined,
    ]);
  });
});
