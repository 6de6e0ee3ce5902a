// Tests lambdas/shared/clients/keyspaces-write-time.ts on the real Cassandra; also the processor's Cassandra sink.
/**
 * Amazon Keyspaces refuses a `USING TIMESTAMP` outside [now − 2 days, now + 5 minutes]; local Cassandra takes
 * any. On the real local Cassandra, through the processor's own Cassandra sink: events years old (a pulled
 * user's occurred_at is its registered_date) are written at a window-safe write time, and newest-wins still
 * holds because the sink compares each event with what is stored (cassandra-stored-state.ts). The shared
 * write path refuses the statement the previous release sent, as Keyspaces would.
 */
import type { Client } from 'cassandra-driver';
import { beforeAll, describe, expect, it } from 'vitest';
import { INGEST_PULL_SOURCE } from '../../../../../lambdas/ingest-pull/pull-users.js';
import type { AcceptedDeletion, AcceptedEvent } from '../../../../../lambdas/processor/process-batch.js';
import {
  CassandraSink,
  cassandraRow,
  insertStatement,
} from '../../../../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import {
  eventMicros,
  longOf,
} from '../../../../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import { executeIdempotentWrites } from '../../../../../lambdas/shared/clients/keyspaces-retry.js';
import {
  KEYSPACES_WRITE_TIME_WINDOW,
  WriteTimeOutsideKeyspacesWindowError,
} from '../../../../../lambdas/shared/clients/keyspaces-write-time.js';
import type { UserCreatedEvent } from '../../../../../lambdas/shared/contract/index.js';
import {
  applyCassandraSchema,
  CREATED_USERS_TABLE,
  ORDER_MICROS_COLUMN,
  type SignupDayLayout,
  USERS_BY_SIGNUP_DAY_TABLE,
} from '../../../../../lambdas/shared/schema/cassandra/index.js';
import { throwawayKeyspace } from '../../../../support/local-services.js';
import { deletionEvent, userEvent, userPayload } from '../../../../support/user-events.js';

const store = throwawayKeyspace('keyspaces_window');
const keyspace = store.name;
const signupDay: SignupDayLayout = { buckets: 4, legacyTable: 'none' };
const source = { topic: 'users_created', partition: 0, offset: 0, timestamp: 0 };
const YEARS_AGO = new Date(Date.now() - 5 * 365 * 86_400_000).toISOString();
const T1 = '2024-06-01T10:00:00.000Z';
const T2 = '2024-06-01T11:00:00.000Z';
const T3 = '2024-06-01T12:00:00.000Z';
let cassandra: Client;
let sink: CassandraSink;
let index = 0;

/** A user.created event; a fresh user with its own signup day and country unless `id` is given. */
function created(occurredAt: string, overrides: Record<string, unknown> = {}): AcceptedEvent {
  const n = ++index;
  const payload = userPayload(n, {
    registered_date: `2019-0${1 + (n % 9)}-1${n % 10}T08:00:00.000Z`,
    address: `${n} Window Lane, Springfield, State, Country ${n}`,
    ...overrides,
  });
  return { event: userEvent(payload, occurredAt), source };
}

const deleted = (id: string, occurredAt: string): AcceptedDeletion => ({
  event: deletionEvent(id, occurredAt),
  source,
});

const write = (...users: AcceptedEvent[]) => sink.write({ users, deadLetters: [] });

/** The event id and write time of the user's created_users row, and of its day row at each given version. */
async function stored(id: string, dayRowsOf: readonly UserCreatedEvent[]) {
  const wide = await cassandra.execute(
    `SELECT event_id, WRITETIME(event_id) AS written FROM ${keyspace}.created_users WHERE id = ?`,
    [id],
    { prepare: true },
  );
  const byDay: (string | null)[] = [];
  for (const event of dayRowsOf) {
    const row = cassandraRow(USERS_BY_SIGNUP_DAY_TABLE, { event, source }, signupDay.buckets);
    const key = [
      ...USERS_BY_SIGNUP_DAY_TABLE.partitionKey,
      ...USERS_BY_SIGNUP_DAY_TABLE.clusteringKey.map((c) => c.name),
    ];
    const result = await cassandra.execute(
      `SELECT event_id FROM ${keyspace}.${USERS_BY_SIGNUP_DAY_TABLE.name} WHERE ${key.map((k) => `${k} = ?`).join(' AND ')}`,
      key.map((k) => row[k]),
      { prepare: true },
    );
    byDay.push(result.rows[0]?.get('event_id')?.toString() ?? null);
  }
  const first = wide.rows[0];
  return {
    createdUsers: first?.get('event_id')?.toString() ?? null,
    writtenMicros: first ? BigInt(String(first.get('written'))) : null,
    byDay,
  };
}

beforeAll(async () => {
  cassandra = store.client();
  await applyCassandraSchema(cassandra, { keyspace, signupDay });
  sink = new CassandraSink(cassandra, { keyspace, signupDay, concurrency: 8 });
});

describe('writes outside Keyspaces’ client-side timestamp window', () => {
  it('a pulled user registered 5 years ago is written at now; the old statement is refused before sending', async () => {
    const pulled = created(YEARS_AGO);
    const event = { ...pulled.event, source: INGEST_PULL_SOURCE };
    const user = { event, source };
    const before = BigInt(Date.now()) * 1_000n;
    await write(user);
    const after = BigInt(Date.now()) * 1_000n;
    const now = await stored(event.payload.id, [event]);
    expect(now.createdUsers).toBe(event.event_id);
    expect(now.byDay).toEqual([event.event_id]);
    expect(now.writtenMicros).toBeGreaterThanOrEqual(before);
    expect(now.writtenMicros).toBeLessThanOrEqual(after);

    // The previous release's statement: USING TIMESTAMP the event's occurred_at (5 years ago). Local
    // Cassandra would take it; the shared write path refuses it as Keyspaces does, and sends nothing.
    const other = created(YEARS_AGO);
    const row = cassandraRow(CREATED_USERS_TABLE, other, signupDay.buckets);
    const old = {
      query: insertStatement(keyspace, CREATED_USERS_TABLE),
      params: [
        ...CREATED_USERS_TABLE.columns.map((c) => row[c.name]),
        longOf(eventMicros(other.event.occurred_at)),
      ],
    };
    const refused = executeIdempotentWrites(cassandra, [old], { concurrencyLevel: 1 });
    await expect(refused).rejects.toBeInstanceOf(WriteTimeOutsideKeyspacesWindowError);
    expect((await stored(other.event.payload.id, [])).createdUsers).toBeNull();
    expect(KEYSPACES_WRITE_TIME_WINDOW.pastMicros).toBe(172_800_000_000n);
  });

  it('a replay of an older event does not overwrite a newer one, in either table', async () => {
    const newer = created(T2);
    // Older, with another signup day and country: its day row would be in another partition.
    const older = created(T1, { id: newer.event.payload.id });
    await write(newer);
    await write(older);
    expect(await stored(newer.event.payload.id, [newer.event, older.event])).toMatchObject({
      createdUsers: newer.event.event_id,
      byDay: [newer.event.event_id, null],
    });
    // The same event again (a redelivery) writes nothing: the write time stays.
    const first = await stored(newer.event.payload.id, []);
    await write(newer);
    expect((await stored(newer.event.payload.id, [])).writtenMicros).toBe(first.writtenMicros);
  });

  it('a newer event that moves the user to another day partition deletes the old day row', async () => {
    const older = created(T1);
    const newer = created(T2, { id: older.event.payload.id });
    await write(older);
    await write(newer);
    expect(await stored(older.event.payload.id, [older.event, newer.event])).toMatchObject({
      createdUsers: newer.event.event_id,
      byDay: [null, newer.event.event_id],
    });
  });

  it('several events of one user in one batch: the newest is written', async () => {
    const a = created(T1);
    const c = created(T3, { id: a.event.payload.id });
    const b = created(T2, { id: a.event.payload.id });
    await write(a, c, b);
    expect(await stored(a.event.payload.id, [a.event, b.event, c.event])).toMatchObject({
      createdUsers: c.event.event_id,
      byDay: [null, null, c.event.event_id],
    });
  });

  it('an old create after a delete stays erased, in any partition; a newer one comes back', async () => {
    const user = created(YEARS_AGO);
    const id = user.event.payload.id;
    await write(user);
    await sink.delete([deleted(id, T1)]);
    expect(await stored(id, [user.event])).toMatchObject({ createdUsers: null, byDay: [null] });
    const tombstone = await cassandra.execute(
      `SELECT ${ORDER_MICROS_COLUMN.name} FROM ${keyspace}.user_tombstones WHERE id = ?`,
      [id],
      { prepare: true },
    );
    expect(String(tombstone.rows[0]?.get(ORDER_MICROS_COLUMN.name))).toBe(String(eventMicros(T1)));

    const replayed = created(YEARS_AGO, { id }); // older than the deletion, another partition
    await write(replayed);
    await write(user);
    expect(await stored(id, [user.event, replayed.event])).toMatchObject({
      createdUsers: null,
      byDay: [null, null],
    });

    const again = created(T2, { id });
    await write(again);
    expect(await stored(id, [again.event])).toMatchObject({
      createdUsers: again.event.event_id,
      byDay: [again.event.event_id],
    });
  });

  it('a row of the previous release (no order key, write time = occurred_at) still orders by its occurred_at', async () => {
    const previous = created(T2);
    const row = cassandraRow(CREATED_USERS_TABLE, previous, signupDay.buckets);
    const values = CREATED_USERS_TABLE.columns.map((c) =>
      c.name === ORDER_MICROS_COLUMN.name ? null : row[c.name],
    );
    // Written directly, as that release did on local Cassandra (Keyspaces took it then: the event was recent).
    await cassandra.execute(
      insertStatement(keyspace, CREATED_USERS_TABLE),
      [...values, longOf(eventMicros(T2))],
      { prepare: true },
    );
    const id = previous.event.payload.id;
    await write(created(T1, { id }));
    expect((await stored(id, [])).createdUsers).toBe(previous.event.event_id);
    const newer = created(T3, { id });
    await write(newer);
    expect((await stored(id, [])).createdUsers).toBe(newer.event.event_id);
  });
});
