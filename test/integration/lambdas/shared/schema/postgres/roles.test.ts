import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../../../../lambdas/processor/dead-letter.js';
import type { AcceptedEvent } from '../../../../../../lambdas/processor/process-batch.js';
import { PostgresSink } from '../../../../../../lambdas/processor/sinks/postgres/postgres-sink.js';
import { buildUserDeletedEvent } from '../../../../../../lambdas/shared/contract/index.js';
import {
  type ApplicationRole,
  enableRoleLogins,
  READER_ROLE,
  runMigrations,
  WRITER_ROLE,
} from '../../../../../../lambdas/shared/schema/postgres/index.js';
import { rolePostgresPool, services, throwawaySchema } from '../../../../../support/local-services.js';
import { userEvent, userPayload } from '../../../../../support/user-events.js';

// Migration 0006's roles on the real local PostgreSQL: the processor's role can do its upserts and nothing
// destructive; the DAGs' role reads and records its runs but cannot change users.

const throwaway = throwawaySchema('roles_it');
const schema = throwaway.name;
const pools: pg.Pool[] = [];

/** A pool that logs in as `role` with its local password and resolves names in this run's schema. */
function poolAs(role: ApplicationRole): pg.Pool {
  const pool = rolePostgresPool(role, schema);
  pools.push(pool);
  return pool;
}

function accepted(index: number, offset: number): AcceptedEvent {
  const event = userEvent(userPayload(index), '2024-03-01T10:00:00.000Z');
  return { event, source: { topic: 'users_created', partition: 0, offset, timestamp: Date.UTC(2024, 2, 1) } };
}

function deadLetter(offset: number): DeadLetter {
  return {
    reason: 'invalid_json',
    issues: [],
    record: {
      topic: 'users_created',
      partition: 0,
      offset,
      timestamp: Date.UTC(2024, 2, 1),
      key: null,
      value: Buffer.from('{"truncated": '),
      headers: {},
    },
  };
}

beforeAll(async () => {
  const client = await throwaway.session();
  try {
    await runMigrations(client, { lockPollIntervalMs: 20 });
    await enableRoleLogins(client, services.postgres.roleLogins);
  } finally {
    client.release();
  }
});

afterAll(async () => {
  // Before the schema's own afterAll (registered earlier, so it runs later) drops the schema.
  for (const pool of pools) await pool.end();
});

describe('processor role (pipeline_writer)', () => {
  it('runs the processor store upserts, twice (insert, then the ON CONFLICT paths)', async () => {
    const writer = poolAs(WRITER_ROLE);
    const store = new PostgresSink(writer);
    const batch = { users: [accepted(1, 10)], deadLetters: [deadLetter(11)] };
    await store.write(batch);
    await store.write(batch);
    const { rows } = await throwaway.pool().query(
      `SELECT (SELECT count(*) FROM ${schema}.users)::int AS users,
              (SELECT attempt_count FROM ${schema}.dead_letters) AS attempts`,
    );
    expect(rows[0]).toEqual({ users: 1, attempts: 2 });
  });

  it('cannot DROP TABLE users, DELETE or TRUNCATE users, or read the run tables', async () => {
    const writer = poolAs(WRITER_ROLE);
    await expect(writer.query('DROP TABLE users')).rejects.toThrow(/must be owner of table users/);
    await expect(writer.query('DELETE FROM users')).rejects.toThrow(/permission denied for table users/);
    await expect(writer.query('SELECT * FROM reconciliation_runs')).rejects.toThrow(/permission denied/);
    await expect(writer.query('TRUNCATE users')).rejects.toThrow(/permission denied for table users/);
    const { rows } = await throwaway.pool().query(`SELECT count(*)::int AS n FROM ${schema}.users`);
    expect(rows[0].n).toBe(1);
  });
});

describe('erasure and retention rights (migration 0007)', () => {
  it('the processor erases only through erase_users(): tombstone, row, dead-letter bytes; never a plain DELETE', async () => {
    const writer = poolAs(WRITER_ROLE);
    const store = new PostgresSink(writer);
    const user = accepted(2, 20);
    const keyed = { ...deadLetter(21), record: { ...deadLetter(21).record, key: user.event.payload.id } };
    await store.write({ users: [user], deadLetters: [keyed] });
    const deletion = buildUserDeletedEvent({ id: user.event.payload.id }, { source: 'ingest-http' });
    await store.delete([{ event: deletion, source: user.source }]);
    const { rows } = await throwaway.pool().query(
      `SELECT (SELECT count(*) FROM ${schema}.users WHERE user_id = $1)::int AS users,
              (SELECT count(*) FROM ${schema}.user_tombstones WHERE user_id = $1)::int AS tombstones,
              (SELECT raw_purge_reason FROM ${schema}.dead_letters WHERE kafka_offset = 21) AS purged`,
      [user.event.payload.id],
    );
    expect(rows[0]).toEqual({ users: 0, tombstones: 1, purged: 'erasure' });
    await expect(writer.query('DELETE FROM users')).rejects.toThrow(/permission denied for table users/);
    await expect(writer.query('DELETE FROM user_tombstones')).rejects.toThrow(/permission denied/);
    await expect(
      writer.query("SELECT purge_expired_dead_letter_bytes(interval '1 day', 10)"),
    ).rejects.toThrow(/permission denied for function/);
  });

  it('the DAGs purge expired raw bytes through the function only; they cannot erase users or edit bytes', async () => {
    const reader = poolAs(READER_ROLE);
    const { rows } = await reader.query(
      "SELECT purge_expired_dead_letter_bytes(interval '0 days', 100) AS n",
    );
    expect(rows[0].n).toBeGreaterThan(0);
    await expect(reader.query("UPDATE dead_letters SET raw_value = 'x'")).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      reader.query(
        "SELECT erase_users(ARRAY[gen_random_uuid()], ARRAY[now()], ARRAY[gen_random_uuid()], ARRAY['user_request'])",
      ),
    ).rejects.toThrow(/permission denied for function/);
    await expect(
      reader.query("SELECT purge_expired_dead_letter_bytes(interval '-1 day', 10)"),
    ).rejects.toThrow(/retention must be a non-negative interval/);
    // What the DAGs read for reconcile_stores and data_quality.
    await reader.query('SELECT count(*) FROM user_tombstones');
  });
});

describe('DAG role (pipeline_reader)', () => {
  it('reads users and records a run in its run table', async () => {
    const reader = poolAs(READER_ROLE);
    const { rows } = await reader.query('SELECT count(*)::int AS n FROM users');
    expect(rows[0].n).toBeGreaterThanOrEqual(0);
    await reader.query(
      `INSERT INTO data_quality_runs (dag_id, run_id, window_start, window_end, rows_in_window,
         dead_letter_rate, passed, metrics, checks, breaches)
       VALUES ('data_quality', 'r1', now() - interval '1 hour', now(), 0, 0, true, '{}', '[]', '[]')
       ON CONFLICT (dag_id, run_id) DO UPDATE SET passed = excluded.passed`,
    );
    const stored = await throwaway.pool().query(`SELECT count(*)::int AS n FROM ${schema}.data_quality_runs`);
    expect(stored.rows[0].n).toBe(1);
  });

  it('cannot UPDATE users, INSERT users or DROP TABLE users', async () => {
    const reader = poolAs(READER_ROLE);
    await expect(reader.query("UPDATE users SET email = 'x@example.com'")).rejects.toThrow(
      /permission denied for table users/,
    );
    await expect(reader.query('INSERT INTO users (user_id) VALUES (gen_random_uuid())')).rejects.toThrow(
      /permission denied for table users/,
    );
    await expect(reader.query('DROP TABLE users')).rejects.toThrow(/must be owner of table users/);
  });
});
