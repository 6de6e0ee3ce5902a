import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseUserCreatedEvent, type UserCreatedEvent } from '../../../lambdas/shared/contract/index.js';
import {
  applyCassandraSchema,
  CASSANDRA_TABLES,
  CREATED_USERS_TABLE,
  cassandraTablesOf,
  USERS_BY_SIGNUP_DAY_TABLE,
  usersBySignupDayKey,
} from '../../../lambdas/shared/schema/cassandra/index.js';
import {
  deadLetterFingerprint,
  MIGRATION_ADVISORY_LOCK_KEY,
  MIGRATIONS,
  MigrationChecksumMismatchError,
  runMigrations,
} from '../../../lambdas/shared/schema/postgres/index.js';
import { throwawayKeyspace, throwawaySchema } from '../../support/local-services.js';

function sampleEvent(): UserCreatedEvent {
  const result = parseUserCreatedEvent({
    event_id: '0b9f5c1a-2d3e-4f60-8a7b-9c8d7e6f5a4b',
    event_type: 'user.created',
    schema_version: 1,
    source: 'ingest-pull',
    occurred_at: '2024-05-01T12:00:00.000Z',
    ingested_at: '2024-05-01T12:00:01.250Z',
    payload: {
      id: '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
      first_name: "Zoë'); DROP TABLE users;--",
      last_name: '李 Ørsted 🙂',
      gender: 'female',
      address: "6524 Grafton Street, Ballina, Laois, Ireland'; DROP KEYSPACE pipeline; --",
      post_code: 93451,
      email: 'ülkü.özbey@example.com',
      username: 'purpleswan123',
      dob: '1993-07-20T09:44:18.674Z',
      registered_date: '2009-12-17T06:21:19.520+02:00',
      phone: '041-917-8541',
      picture: 'https://randomuser.me/api/portraits/women/75.jpg',
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

/** How pg_locks shows a bigint advisory key: the high 32 bits as classid, the low 32 bits as objid. */
function advisoryLockParts(key: string): [string, string] {
  const value = BigInt.asUintN(64, BigInt(key));
  return [String(value >> 32n), String(value & 0xffff_ffffn)];
}

async function backendPid(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]?.pid ?? -1;
}

describe('PostgreSQL migrations against the local server', () => {
  const schema = throwawaySchema('schema_it');

  it('applies every migration once even when two deploys run concurrently', async () => {
    const [first, second] = await Promise.all([schema.session(), schema.session()]);
    try {
      const results = await Promise.all([
        runMigrations(first, { lockPollIntervalMs: 20 }),
        runMigrations(second, { lockPollIntervalMs: 20 }),
      ]);
      const appliedCounts = results.map((result) => result.applied.length).sort();
      expect(appliedCounts).toEqual([0, MIGRATIONS.length]);
      const { rows } = await first.query('SELECT version, checksum FROM schema_migrations ORDER BY version');
      expect(rows.map((row: { version: number }) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      first.release();
      second.release();
    }
  });

  it('is idempotent', async () => {
    const client = await schema.session();
    try {
      const result = await runMigrations(client);
      expect(result.applied).toEqual([]);
      expect(result.skipped).toHaveLength(MIGRATIONS.length);
    } finally {
      client.release();
    }
  });

  it('stores a contract event verbatim and maintains updated_at', async () => {
    const client = await schema.session();
    const event = sampleEvent();
    const p = event.payload;
    try {
      await client.query(
        `INSERT INTO users (user_id, first_name, last_name, gender, address, post_code, email, username, dob,
           registered_date, phone, picture, event_id, schema_version, source, occurred_at, ingested_at,
           kafka_topic, kafka_partition, kafka_offset)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)`,
        [
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
          'users_created',
          0,
          '9007199254740993',
        ],
      );
      const { rows } = await client.query(
        'SELECT first_name, last_name, address, post_code, email, registered_date, kafka_offset, updated_at FROM users WHERE user_id = $1',
        [p.id],
      );
      expect(rows[0]).toMatchObject({
        first_name: p.first_name,
        last_name: p.last_name,
        address: p.address,
        post_code: '93451',
        email: p.email,
        registered_date: new Date(p.registered_date),
        kafka_offset: '9007199254740993',
      });
      const before = rows[0].updated_at as Date;
      await client.query('UPDATE users SET phone = $2 WHERE user_id = $1', [p.id, '000']);
      const after = await client.query('SELECT updated_at FROM users WHERE user_id = $1', [p.id]);
      expect((after.rows[0].updated_at as Date).getTime()).toBeGreaterThan(before.getTime());
      // A Kafka position is all-or-nothing.
      await expect(
        client.query('UPDATE users SET kafka_topic = NULL WHERE user_id = $1', [p.id]),
      ).rejects.toThrow(/users_kafka_position_complete/);
    } finally {
      client.release();
    }
  });

  it('deduplicates dead letters by fingerprint and keeps raw bytes exactly', async () => {
    const client = await schema.session();
    const rawValue = Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x7d]);
    const fingerprint = deadLetterFingerprint({
      kind: 'kafka',
      topic: 'users_created',
      partition: 2,
      offset: 41,
    });
    const insert = `INSERT INTO dead_letters (fingerprint, reason, detail, raw_key, raw_value, headers,
        kafka_topic, kafka_partition, kafka_offset)
      VALUES ($1, 'invalid_json', $2, $3, $4, $5, 'users_created', 2, 41)
      ON CONFLICT (fingerprint) DO UPDATE SET last_seen_at = now(), attempt_count = dead_letters.attempt_count + 1
      RETURNING attempt_count, raw_value`;
    const values = [fingerprint, { issues: [] }, Buffer.from('key'), rawValue, { trace_id: 't' }];
    try {
      const first = await client.query(insert, values);
      const second = await client.query(insert, values);
      expect(first.rows[0].attempt_count).toBe(1);
      expect(second.rows[0].attempt_count).toBe(2);
      expect(Buffer.compare(second.rows[0].raw_value as Buffer, rawValue)).toBe(0);
      const { rows } = await client.query('SELECT count(*)::int AS n FROM dead_letters');
      expect(rows[0].n).toBe(1);
    } finally {
      client.release();
    }
  });

  it('refuses to run after an applied migration was edited', async () => {
    const client = await schema.session();
    try {
      await client.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
      await expect(runMigrations(client)).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
      // The lock was released. Asked from a second connection (a session always re-takes its own advisory
      // lock), about the real key: does the failed run's session still hold it? Other test runs sharing
      // this server may hold the same key for a moment, so the question names the session, not just the key.
      const { rows } = await schema.pool().query(
        `SELECT count(*)::int AS held FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND pid = $1
           AND classid = $2::oid AND objid = $3::oid AND objsubid = 1`,
        [await backendPid(client), ...advisoryLockParts(MIGRATION_ADVISORY_LOCK_KEY)],
      );
      expect(rows[0].held).toBe(0);
    } finally {
      client.release();
    }
  });
});

describe('Cassandra schema against the local server', () => {
  const cassandra = throwawayKeyspace('schema_it');
  const keyspace = cassandra.name;

  it('creates the keyspace and tables, idempotently, exactly as defined', async () => {
    const client = cassandra.client();
    // Both day tables: the legacy one too, as a stage in the middle of its upgrade has them.
    const layout = { buckets: 4, legacyTable: 'dual-write' } as const;
    await applyCassandraSchema(client, { keyspace, signupDay: layout });
    await applyCassandraSchema(client, { keyspace, signupDay: layout });
    expect(cassandraTablesOf(layout)).toHaveLength(CASSANDRA_TABLES.length + 1);
    for (const table of cassandraTablesOf(layout)) {
      const { rows } = await client.execute(
        'SELECT column_name, type, kind, position, clustering_order FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
        [keyspace, table.name],
        { prepare: true },
      );
      const columns = Object.fromEntries(rows.map((row) => [row.column_name as string, row.type as string]));
      expect(columns).toEqual(Object.fromEntries(table.columns.map((column) => [column.name, column.type])));
      const byKind = (kind: string) =>
        rows
          .filter((row) => row.kind === kind)
          .sort((a, b) => (a.position as number) - (b.position as number))
          .map((row) => row.column_name as string);
      expect(byKind('partition_key')).toEqual(table.partitionKey);
      expect(byKind('clustering')).toEqual(table.clusteringKey.map((column) => column.name));
      for (const column of table.clusteringKey) {
        const row = rows.find((candidate) => candidate.column_name === column.name);
        expect(String(row?.clustering_order).toUpperCase()).toBe(column.order);
      }
    }
  });

  it('writes an event idempotently to both tables', async () => {
    const client = cassandra.client();
    const event = sampleEvent();
    const p = event.payload;
    const key = usersBySignupDayKey(p, 4);
    const createdUsers = `INSERT INTO ${keyspace}.${CREATED_USERS_TABLE.name} (id, first_name, last_name, gender,
      address, post_code, email, username, dob, registered_date, phone, picture, event_id, schema_version, source,
      occurred_at, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const bySignupDay = `INSERT INTO ${keyspace}.${USERS_BY_SIGNUP_DAY_TABLE.name} (signup_day, country, bucket,
      registered_date, id, first_name, last_name, gender, email, username, event_id, ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    for (let attempt = 0; attempt < 2; attempt++) {
      await client.execute(
        createdUsers,
        [
          p.id,
          p.first_name,
          p.last_name,
          p.gender,
          p.address,
          p.post_code,
          p.email,
          p.username,
          new Date(p.dob),
          new Date(p.registered_date),
          p.phone,
          p.picture,
          event.event_id,
          event.schema_version,
          event.source,
          new Date(event.occurred_at),
          new Date(event.ingested_at),
        ],
        { prepare: true },
      );
      await client.execute(
        bySignupDay,
        [
          key.signup_day,
          key.country,
          key.bucket,
          key.signupInstant,
          key.id,
          p.first_name,
          p.last_name,
          p.gender,
          p.email,
          p.username,
          event.event_id,
          new Date(event.ingested_at),
        ],
        { prepare: true },
      );
    }
    const user = await client.execute(
      `SELECT first_name, address, post_code, dob FROM ${keyspace}.created_users WHERE id = ?`,
      [p.id],
      {
        prepare: true,
      },
    );
    expect(user.rows).toHaveLength(1);
    const stored = user.rows[0];
    if (!stored) throw new Error('created_users row missing');
    expect(stored.first_name).toBe(p.first_name);
    expect(stored.address).toBe(p.address);
    expect(stored.post_code).toBe('93451');
    expect((stored.dob as Date).toISOString()).toBe(p.dob);
    const day = await client.execute(
      `SELECT id, country FROM ${keyspace}.users_by_signup_day_bucketed WHERE signup_day = ? AND country = ? AND bucket = ?`,
      [key.signup_day, key.country, key.bucket],
      { prepare: true },
    );
    expect(day.rows).toHaveLength(1);
    expect(String(day.rows[0]?.id)).toBe(p.id);
  });
});
