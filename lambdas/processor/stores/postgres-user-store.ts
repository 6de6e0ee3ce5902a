import type pg from 'pg';
import { deadLetterFingerprint } from '../../shared/schema/postgres/dead-letter-fingerprint.js';
import type { AcceptedEvent, RelationalUserStore } from '../process-batch.js';
import type { DeadLetter } from './dead-letter.js';

/** The users columns the processor writes, in the order of userRow's values. */
export const USER_COLUMN_NAMES = [
  'user_id',
  'first_name',
  'last_name',
  'gender',
  'address',
  'post_code',
  'email',
  'username',
  'dob',
  'registered_date',
  'phone',
  'picture',
  'event_id',
  'schema_version',
  'source',
  'occurred_at',
  'ingested_at',
  'kafka_topic',
  'kafka_partition',
  'kafka_offset',
] as const;

// One statement per table per batch: unnest() turns column arrays into rows, so the statement text and its
// 20 parameters stay the same whatever the batch size (no 65,535-parameter ceiling, one plan).
const UPSERT_USERS = `
insert into users (${USER_COLUMN_NAMES.join(', ')})
select * from unnest(
  $1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[], $13::uuid[], $14::int[], $15::text[],
  $16::timestamptz[], $17::timestamptz[], $18::text[], $19::int[], $20::bigint[]
)
on conflict (user_id) do update set
  first_name = excluded.first_name, last_name = excluded.last_name, gender = excluded.gender,
  address = excluded.address, post_code = excluded.post_code, email = excluded.email,
  username = excluded.username, dob = excluded.dob, registered_date = excluded.registered_date,
  phone = excluded.phone, picture = excluded.picture, event_id = excluded.event_id,
  schema_version = excluded.schema_version, source = excluded.source, occurred_at = excluded.occurred_at,
  ingested_at = excluded.ingested_at, kafka_topic = excluded.kafka_topic,
  kafka_partition = excluded.kafka_partition, kafka_offset = excluded.kafka_offset
-- Only a newer event replaces a row: a replay or a late, older event changes nothing.
where (users.occurred_at, users.ingested_at) < (excluded.occurred_at, excluded.ingested_at)`;

// A record redelivered by a retry or a replay is the same dead letter: it is counted, not duplicated.
const UPSERT_DEAD_LETTERS = `
insert into dead_letters (
  fingerprint, reason, detail, raw_key, raw_value, headers, kafka_topic, kafka_partition, kafka_offset
)
select f, r, d::jsonb, k, v, h::jsonb, t, p, o
from unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::int[],
  $9::bigint[]) as x(f, r, d, k, v, h, t, p, o)
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
export function userRow({ event, source }: AcceptedEvent): unknown[] {
  const p = event.payload;
  return [
    p.id,
    p.first_name,
    p.last_name,
    p.gender,
    p.address,
    p.post_code,
    p.email,
    p.username,
    p.dob,
    p.registered_date,
    p.phone,
    p.picture,
    event.event_id,
    event.schema_version,
    event.source,
    event.occurred_at,
    event.ingested_at,
    source.topic,
    source.partition,
    source.offset,
  ];
}

/** Exported for the record-CPU benchmark, which measures building these columns. */
export function userColumns(users: readonly AcceptedEvent[]): unknown[][] {
  return transpose(users.map(userRow), USER_COLUMN_NAMES.length);
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

/** PostgreSQL side of the processor: users and dead letters of one batch in one transaction. */
export class PostgresUserStore implements RelationalUserStore {
  constructor(private readonly pool: pg.Pool) {}

  async write(batch: { users: readonly AcceptedEvent[]; deadLetters: readonly DeadLetter[] }): Promise<void> {
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
