/**
 * Erasure under a crash (`npm run test:faults`): the whole local pipeline (`npm start --no-demo`, a child
 * process) receives `DELETE /v1/users/{id}`; the processor is killed with SIGKILL after the Cassandra sink
 * deleted the user and before the PostgreSQL sink could (the test holds a lock on the user's row, then ends the
 * processor's blocked session with the process). After a restart the event source mapping redelivers the
 * uncommitted deletion, and the user is gone from both stores, each erasure idempotent.
 */
import type { ChildProcess } from 'node:child_process';
import type { Client as CassandraClient } from 'cassandra-driver';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassandraRow } from '../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import { buildUserCreatedEvent, type UserPayloadInput } from '../../lambdas/shared/contract/index.js';
import { USERS_BY_SIGNUP_DAY_TABLE } from '../../lambdas/shared/schema/cassandra/index.js';
import { WRITER_ROLE } from '../../lambdas/shared/schema/postgres/roles.js';
import { localSignupDayLayout } from '../../local/runtime/local-mapping.js';
import { adminPostgresPool, cassandraClient, uniqueName } from '../support/local-services.js';
import { userPayload } from '../support/user-events.js';
import { faultApiHeaders, startFaultPipeline, waitFor } from './support.js';

const topic = uniqueName('users_created_erasure_faults');
const port = 4000 + Math.floor(Math.random() * 500);
const api = `http://127.0.0.1:${port}`;
const log = (message: string) => console.error(`[erasure-faults] ${message}`);

let pipeline: ChildProcess | undefined;
let pool: pg.Pool;
let cassandra: CassandraClient;

const startPipeline = () => startFaultPipeline({ port, topic, failureTopic: `${topic}_failed` }, log);

/** Where the user is: its PostgreSQL row and tombstone, and its Cassandra rows (by the insert's own key). */
async function whereIs(payload: UserPayloadInput) {
  const id = payload.id as string;
  const row = await pool.query('SELECT 1 FROM users WHERE user_id = $1', [id]);
  const tombstone = await pool.query('SELECT 1 FROM user_tombstones WHERE user_id = $1', [id]);
  const created = await cassandra.execute('SELECT id FROM pipeline.created_users WHERE id = ?', [id], {
    prepare: true,
  });
  const event = buildUserCreatedEvent(payload, { source: 'ingest-http' });
  const key = cassandraRow(
    USERS_BY_SIGNUP_DAY_TABLE,
    { event, source: { topic, partition: 0, offset: 0, timestamp: 0 } },
    localSignupDayLayout().buckets,
  );
  const columns = [
    ...USERS_BY_SIGNUP_DAY_TABLE.partitionKey,
    ...USERS_BY_SIGNUP_DAY_TABLE.clusteringKey.map((column) => column.name),
  ];
  const byDay = await cassandra.execute(
    `SELECT id FROM pipeline.${USERS_BY_SIGNUP_DAY_TABLE.name} WHERE ${columns.map((c) => `${c} = ?`).join(' AND ')}`,
    columns.map((c) => key[c]),
    { prepare: true },
  );
  return {
    postgres: row.rowCount === 1,
    tombstone: tombstone.rowCount === 1,
    cassandra: created.rows.length === 1,
    byDay: byDay.rows.length === 1,
  };
}

beforeAll(async () => {
  pool = adminPostgresPool();
  cassandra = cassandraClient();
  await cassandra.connect();
  pipeline = await startPipeline();
});

afterAll(async () => {
  pipeline?.kill('SIGINT');
  await pool?.end();
  await cassandra?.shutdown();
});

describe('erasure under a processor crash between the two sinks', () => {
  it('killed after the Cassandra delete and before the PostgreSQL one: after a restart the user is gone from both', async () => {
    const payload = userPayload(900_001);
    const created = await fetch(`${api}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...faultApiHeaders },
      body: JSON.stringify(payload),
    });
    expect(created.status).toBe(202);
    await waitFor('the user in both stores', async () => {
      const at = await whereIs(payload);
      return at.postgres && at.cassandra && at.byDay;
    });

    // Hold the user's row: the processor's PostgreSQL erasure will wait on it, Cassandra's will not.
    const lock = await pool.connect();
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE', [payload.id]);
    let released = false;
    try {
      const deleted = await fetch(`${api}/v1/users/${payload.id}`, {
        method: 'DELETE',
        headers: faultApiHeaders,
      });
      expect(deleted.status).toBe(202);
      await waitFor('the Cassandra delete, with PostgreSQL still waiting', async () => {
        const at = await whereIs(payload);
        const waiting = await pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'`,
          [WRITER_ROLE],
        );
        return !at.cassandra && !at.byDay && waiting.rows[0].n > 0;
      });
      log(`SIGKILL the pipeline process (pid ${pipeline?.pid}) between the two sinks' deletes`);
      if (pipeline?.pid) process.kill(pipeline.pid, 'SIGKILL');
      // The dead processor's session is still queued on the lock; a crash ends it without a commit.
      await pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'`,
        [WRITER_ROLE],
      );
      await lock.query('ROLLBACK');
      released = true;
    } finally {
      if (!released) await lock.query('ROLLBACK').catch(() => {});
      lock.release();
    }
    expect(await whereIs(payload)).toEqual({
      postgres: true,
      tombstone: false,
      cassandra: false,
      byDay: false,
    });

    pipeline = await startPipeline();
    log('pipeline restarted; the uncommitted deletion is redelivered');
    await waitFor(
      'the user gone from PostgreSQL too',
      async () => !(await whereIs(payload)).postgres,
      240_000,
    );
    expect(await whereIs(payload)).toEqual({
      postgres: false,
      tombstone: true,
      cassandra: false,
      byDay: false,
    });
    const email = await pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [payload.email]);
    expect(email.rows[0].n).toBe(0);
  });
});
