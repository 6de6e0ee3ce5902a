/**
 * The statements of the Cassandra erasure, from the stored state the processor read (cassandra-stored-state.ts
 * decides which deletion wins; its own tests cover that), and the order erase() sends them in, against an
 * in-memory stand-in that answers the single-partition reads and records the writes. What Cassandra then does
 * with them is proven on the real node in test/integration/scenarios/erasure.test.ts and
 * test/integration/lambdas/shared/clients/keyspaces-write-time.test.ts.
 */
import { type Client, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { AcceptedDeletion, AcceptedEvent } from '../../../../../../lambdas/processor/process-batch.js';
import {
  CassandraErasure,
  deleteStatement,
} from '../../../../../../lambdas/processor/sinks/cassandra/cassandra-erasure.js';
import { cassandraRow } from '../../../../../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import {
  eventMicros,
  type Row,
  type StoredState,
  StoredStateReader,
} from '../../../../../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import { buildUserDeletedEvent } from '../../../../../../lambdas/shared/contract/index.js';
import {
  CREATED_USERS_TABLE,
  type TableDefinition,
  USERS_BY_SIGNUP_DAY_TABLE,
  usersBySignupDayPartition,
} from '../../../../../../lambdas/shared/schema/cassandra/index.js';
import { userEvent, userPayload } from '../../../../../support/user-events.js';

const source = { topic: 'users_created', partition: 0, offset: 1, timestamp: 0 };
const T = '2024-05-01T12:00:00.000Z';
const LOW_ID = '11111111-1111-4111-8111-111111111111';
const NOW_MS = Date.parse('2026-12-06T12:00:00.000Z');
const NOW = BigInt(NOW_MS) * 1_000n;
const long = (micros: bigint) => types.Long.fromString(micros.toString());

function deletion(id: string, occurredAt: string, eventId = LOW_ID): AcceptedDeletion {
  return { event: buildUserDeletedEvent({ id }, { source: 'ingest-http', occurredAt, eventId }), source };
}

function create(index: number, occurredAt: string, eventId = LOW_ID): AcceptedEvent {
  const event = userEvent(userPayload(index), occurredAt);
  return { event: { ...event, event_id: eventId }, source };
}

/** A created_users row as the driver returns it, from the insert's own values; `micros`: the order key. */
function storedRow(user: AcceptedEvent, written: bigint, micros: types.Long | null = null): Row {
  const values: Record<string, unknown> = {
    ...rowOf(CREATED_USERS_TABLE, user),
    id: types.Uuid.fromString(user.event.payload.id),
    event_id: types.Uuid.fromString(user.event.event_id),
    occurred_at_micros: micros,
    written: long(written),
  };
  return { get: (name: string) => values[name] ?? null };
}

/** The stored state of one user: its created_users row, as the reader builds it. */
function storedState(user: AcceptedEvent, written: bigint): StoredState<Row> {
  const version = {
    occurredAtMicros: eventMicros(user.event.occurred_at),
    eventId: LOW_ID,
    writeTime: written,
  };
  return {
    users: new Map([[user.event.payload.id.toLowerCase(), { version, row: storedRow(user, written) }]]),
    tombstones: new Map(),
  };
}

const EMPTY: StoredState<Row> = { users: new Map(), tombstones: new Map() };

/** A client whose single-partition reads answer `rows` by table, and that records every write. */
function fakeClient(rows: { created_users?: Row; user_tombstones?: Row }) {
  const writes: { query: string; params: unknown[] }[] = [];
  const client = {
    execute: async (query: string, params: unknown[]) => {
      if (query.startsWith('SELECT')) {
        const row = query.includes('FROM ks.user_tombstones') ? rows.user_tombstones : rows.created_users;
        return { rows: row ? [row] : [] };
      }
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
    storedState: new StoredStateReader(client, { keyspace: 'ks', concurrency: 4 }),
    now: () => NOW_MS,
  });
const noClient = {} as Client;

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

describe('CassandraErasure.plan', () => {
  it('a user the sink never stored: no data delete, the tombstone with the order key, at now', () => {
    const id = userPayload(1).id as string;
    const plan = erasure(noClient).plan([deletion(id, T)], EMPTY);
    expect(plan.dayDeletes).toEqual([]);
    expect(plan.userDeletes).toEqual([]);
    expect(plan.tombstones).toEqual([
      {
        query:
          'INSERT INTO ks.user_tombstones (id, event_id, occurred_at, reason, occurred_at_micros) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?',
        params: [id, LOW_ID, new Date(T), 'user_request', long(eventMicros(T)), long(NOW)],
      },
    ]);
  });

  it('an older stored user: both rows go, the day row by the partition the key function gives, after the stored write', () => {
    const user = create(2, '2024-04-01T00:00:00.000Z');
    const written = NOW + 50n; // a writer whose clock was ahead
    const plan = erasure(noClient).plan([deletion(user.event.payload.id, T)], storedState(user, written));
    const key = usersBySignupDayPartition(user.event.payload, BUCKETS);
    const insertRow = rowOf(USERS_BY_SIGNUP_DAY_TABLE, user);
    expect(plan.dayDeletes).toEqual([
      {
        query: deleteStatement('ks', USERS_BY_SIGNUP_DAY_TABLE),
        params: [
          long(written + 1n),
          ...[
            ...USERS_BY_SIGNUP_DAY_TABLE.partitionKey,
            ...USERS_BY_SIGNUP_DAY_TABLE.clusteringKey.map((c) => c.name),
          ].map((name) => insertRow[name]),
        ],
      },
    ]);
    expect(plan.dayDeletes[0]?.params).toContain(key.country);
    expect(plan.userDeletes).toEqual([
      {
        query: deleteStatement('ks', CREATED_USERS_TABLE),
        params: [long(written + 1n), user.event.payload.id.toLowerCase()],
      },
    ]);
  });

  it('a newer stored user (a re-creation): the data stays, the tombstone is recorded', () => {
    const user = create(3, '2024-06-01T00:00:00.000Z');
    const plan = erasure(noClient).plan([deletion(user.event.payload.id, T)], storedState(user, NOW - 1n));
    expect(plan.dayDeletes).toEqual([]);
    expect(plan.userDeletes).toEqual([]);
    expect(plan.tombstones).toHaveLength(1);
  });

  it('erase() reads, then sends the day rows, then created_users, then the tombstone', async () => {
    const user = create(6, '2024-04-01T00:00:00.000Z');
    // A row of the previous release: no order key, its write time is its occurred_at in µs.
    const { client, writes } = fakeClient({
      created_users: storedRow(user, eventMicros(user.event.occurred_at)),
    });
    await erasure(client).erase([deletion(user.event.payload.id, T)]);
    expect(writes.map((w) => w.query.split(' ').slice(0, 3).join(' '))).toEqual([
      `DELETE FROM ks.${USERS_BY_SIGNUP_DAY_TABLE.name}`,
      'DELETE FROM ks.created_users',
      'INSERT INTO ks.user_tombstones',
    ]);
    expect(writes.map((w) => w.params.at(w.query.startsWith('DELETE') ? 0 : -1))).toEqual([
      long(NOW),
      long(NOW),
      long(NOW),
    ]);
  });

  it('erase() of a deletion older than the stored row of the previous release (order key from its write time): no data delete', async () => {
    const user = create(7, '2024-06-01T00:00:00.000Z');
    const { client, writes } = fakeClient({
      created_users: storedRow(user, eventMicros(user.event.occurred_at)),
    });
    await erasure(client).erase([deletion(user.event.payload.id, T)]);
    expect(writes.map((w) => w.query.split(' ').slice(0, 3).join(' '))).toEqual([
      'INSERT INTO ks.user_tombstones',
    ]);
  });
});
