import type pg from 'pg';
import {
  inStoreColumnOrder,
  type LineageColumnName,
  postgresColumnOf,
  type UserField,
  userField,
} from '../../../shared/contract/fields.js';
import { deadLetterFingerprint } from '../../../shared/schema/postgres/dead-letter-fingerprint.js';
import type { DeadLetter } from '../../dead-letter.js';
import type { AcceptedDeletion, AcceptedEvent, Sink, SinkBatch } from '../../process-batch.js';
import { POSTGRES_SINK_NAME } from './name.js';
import { eraseUsers, orderRowOf } from './postgres-erasure.js';

type Payload = AcceptedEvent['event']['payload'];

interface UserColumn {
  readonly name: string;
  /** Element type of the unnest() array parameter. */
  readonly type: string;
  readonly value: (row: AcceptedEvent) => unknown;
}

/** Lineage values by column; a lineage column added to the registry fails to compile until it has one. */
const LINEAGE_VALUE: Readonly<Record<LineageColumnName, (row: AcceptedEvent) => unknown>> = {
  event_id: ({ event }) => event.event_id,
  schema_version: ({ event }) => event.schema_version,
  source: ({ event }) => event.source,
  occurred_at: ({ event }) => event.occurred_at,
  ingested_at: ({ event }) => event.ingested_at,
  kafka_topic: ({ source }) => source.topic,
  kafka_partition: ({ source }) => source.partition,
  kafka_offset: ({ source }) => source.offset,
};

function payloadColumn(field: UserField): UserColumn {
  const name = field.name as keyof Payload;
  // A field an older event version lacks is stored as NULL (the newest event is the whole row).
  return {
    name: postgresColumnOf(field),
    type: field.postgres.type,
    value: ({ event }) => event.payload[name] ?? null,
  };
}

/**
 * The users columns the processor writes, from the field registry: the tutorial's fields, lineage, then
 * fields later schema versions added (the same order as the Cassandra tables).
 */
const USER_COLUMNS: readonly UserColumn[] = inStoreColumnOrder<UserColumn>(payloadColumn, (column) => ({
  name: column.name,
  type: column.postgres.type,
  value: LINEAGE_VALUE[column.name as LineageColumnName],
}));

export const USER_COLUMN_NAMES: readonly string[] = USER_COLUMNS.map((column) => column.name);
const USER_KEY_COLUMN = postgresColumnOf(userField('id'));

// One statement per table per batch: unnest() turns column arrays into rows, so the statement text and its
// parameters stay the same whatever the batch size (no 65,535-parameter ceiling, one plan).
const UPSERT_USERS = `
insert into users (${USER_COLUMN_NAMES.join(', ')})
select * from unnest(${USER_COLUMNS.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ')})
  as incoming(${USER_COLUMN_NAMES.join(', ')})
-- A create that is not newer than the user's deletion never lands (migration 0007's tombstones).
where not exists (
  select 1 from user_tombstones
  where user_tombstones.${USER_KEY_COLUMN} = incoming.${USER_KEY_COLUMN}
    and ${orderRowOf('user_tombstones')} >= ${orderRowOf('incoming')})
on conflict (${USER_KEY_COLUMN}) do update set
  ${USER_COLUMN_NAMES.filter((name) => name !== USER_KEY_COLUMN)
    .map((name) => `${name} = excluded.${name}`)
    .join(', ')}
-- Only a newer event replaces a row: a replay or a late, older event changes nothing.
where ${orderRowOf('users')} < ${orderRowOf('excluded')}`;

// A record redelivered by a retry or a replay is the same dead letter: it is counted, not duplicated. A dead
// letter keyed by an erased user (a tombstone, and no re-created row) arrives too late for its erasure: it is
// kept without its raw bytes, marked as the erasure would have marked it.
const UPSERT_DEAD_LETTERS = `
insert into dead_letters (
  fingerprint, reason, detail, raw_key, raw_value, headers, kafka_topic, kafka_partition, kafka_offset,
  raw_purged_at, raw_purge_reason
)
select f, r, d::jsonb, case when erased then null else k end, case when erased then null else v end, h::jsonb,
  t, p, o, case when erased then now() end, case when erased then 'erasure' end
from (
  select x.*, exists (
    select 1 from user_tombstones
    where user_tombstones.${USER_KEY_COLUMN} = (
        case when pg_input_is_valid(encode(x.k, 'escape'), 'uuid') then encode(x.k, 'escape')::uuid end)
      and not exists (select 1 from users where users.${USER_KEY_COLUMN} = user_tombstones.${USER_KEY_COLUMN})
  ) as erased
  from unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::int[],
    $9::bigint[]) as x(f, r, d, k, v, h, t, p, o)
) as incoming
on conflict (fingerprint) do update set
  last_seen_at = now(), attempt_count = dead_letters.attempt_count + 1`;

/** Rows → one array per column, the shape unnest() takes. */
function transpose(rows: readonly unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) {
    for (let i = 0; i < width; i++) (columns[i] as unknown[]).push(row[i]);
  }
  return columns;
}

/** One users row: the values of USER_COLUMN_NAMES, in order. */
export function userRow(row: AcceptedEvent): unknown[] {
  return USER_COLUMNS.map((column) => column.value(row));
}

/** Exported for the record-CPU benchmark, which measures building these columns. */
export function userColumns(users: readonly AcceptedEvent[]): unknown[][] {
  // Column-major directly: no row arrays in between.
  return USER_COLUMNS.map((column) => users.map(column.value));
}

function deadLetterColumns(deadLetters: readonly DeadLetter[]): unknown[][] {
  const rows = deadLetters.map((dead) => {
    const r = dead.record;
    return [
      // The Kafka position identifies the record, so a redelivery maps to the same row.
      deadLetterFingerprint({ kind: 'kafka', topic: r.topic, partition: r.partition, offset: r.offset }),
      dead.reason,
      JSON.stringify({ issues: dead.issues, kafka_timestamp: new Date(r.timestamp).toISOString() }),
      r.key === null ? null : Buffer.from(r.key, 'utf8'),
      r.value,
      JSON.stringify(r.headers),
      r.topic,
      r.partition,
      r.offset,
    ];
  });
  return transpose(rows, 9);
}

/** The PostgreSQL sink: users and the batch's dead letters in one transaction; erasures through erase_users(). */
export class PostgresSink implements Sink {
  readonly name = POSTGRES_SINK_NAME;
  constructor(private readonly pool: pg.Pool) {}

  /** Tombstones, row deletes and dead-letter purges of the batch's deletions, atomically (postgres-erasure.ts). */
  async delete(deletions: readonly AcceptedDeletion[]): Promise<void> {
    await eraseUsers(this.pool, deletions);
  }

  async write(batch: SinkBatch): Promise<void> {
    if (batch.users.length === 0 && batch.deadLetters.length === 0) return;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      if (batch.users.length > 0) await client.query(UPSERT_USERS, userColumns(batch.users));
      if (batch.deadLetters.length > 0)
        await client.query(UPSERT_DEAD_LETTERS, deadLetterColumns(batch.deadLetters));
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        broken = rollbackError; // the connection is unusable: drop it rather than return it to the pool
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
