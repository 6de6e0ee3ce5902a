/**
 * The PostgreSQL side of the processor on its failure path. The pool is a stand-in that records each statement
 * and how the connection is released; a chosen statement fails. What is checked is what the store asks of
 * the connection and what it hands back to the pool.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../../../../lambdas/processor/dead-letter.js';
import type { AcceptedEvent } from '../../../../../../lambdas/processor/process-batch.js';
import {
  ERASE_USERS,
  eraseUsers,
  orderRowOf,
} from '../../../../../../lambdas/processor/sinks/postgres/postgres-erasure.js';
import { PostgresSink } from '../../../../../../lambdas/processor/sinks/postgres/postgres-sink.js';
import {
  buildUserDeletedEvent,
  EVENT_ORDER_COLUMNS,
} from '../../../../../../lambdas/shared/contract/index.js';
import { MIGRATIONS } from '../../../../../../lambdas/shared/schema/postgres/index.js';
import { userEvent, userPayload } from '../../../../../support/user-events.js';

type Step = 'begin' | 'users' | 'dead_letters' | 'commit' | 'rollback';

function stepOf(sql: string): Step {
  const text = sql.trim().toLowerCase();
  if (text === 'begin' || text === 'commit' || text === 'rollback') return text;
  if (text.startsWith('insert into users')) return 'users';
  if (text.startsWith('insert into dead_letters')) return 'dead_letters';
  throw new Error(`unexpected statement: ${sql}`);
}

/** A pool with one connection whose `failing` statements throw the given errors. */
function recordingPool(failing: Partial<Record<Step, Error>> = {}) {
  const log = { steps: [] as Step[], connects: 0, released: [] as (Error | boolean | undefined)[] };
  const client = {
    query: async (sql: string) => {
      const step = stepOf(sql);
      log.steps.push(step);
      const error = failing[step];
      if (error) throw error;
      return { rows: [], rowCount: 0 };
    },
    release: (error?: Error | boolean) => void log.released.push(error),
  };
  const pool = {
    connect: async () => {
      log.connects += 1;
      return client;
    },
  } as unknown as pg.Pool;
  return { pool, log };
}

const users: AcceptedEvent[] = [1, 2].map((i) => ({
  event: userEvent(userPayload(i), '2024-05-01T12:00:00.000Z'),
  source: { topic: 'users_created', partition: 0, offset: i, timestamp: 1_714_564_800_000 },
}));

const deadLetters: DeadLetter[] = [
  {
    reason: 'schema_violation',
    issues: [{ path: 'payload.email', message: 'bad email' }],
    record: {
      topic: 'users_created',
      partition: 0,
      offset: 9,
      timestamp: Date.parse('2024-05-01T12:00:00Z'),
      key: 'k',
      value: Buffer.from('{"payload":{"email":"nope"}}'),
      headers: { trace_id: 't' },
    },
  },
];

describe('PostgresSink.write', () => {
  it('writes users and dead letters in one transaction and returns a healthy connection', async () => {
    const { pool, log } = recordingPool();
    await new PostgresSink(pool).write({ users, deadLetters });
    expect(log.steps).toEqual(['begin', 'users', 'dead_letters', 'commit']);
    expect(log.released).toEqual([undefined]);
  });

  it('takes no connection for an empty batch', async () => {
    const { pool, log } = recordingPool();
    await new PostgresSink(pool).write({ users: [], deadLetters: [] });
    expect(log.connects).toBe(0);
  });

  it('rolls back and rethrows when the users upsert fails, keeping the connection', async () => {
    const upsertFailed = new Error('deadlock detected');
    const { pool, log } = recordingPool({ users: upsertFailed });
    await expect(new PostgresSink(pool).write({ users, deadLetters })).rejects.toBe(upsertFailed);
    expect(log.steps).toEqual(['begin', 'users', 'rollback']);
    expect(log.released).toEqual([undefined]);
  });

  it('rolls back and rethrows when the commit fails', async () => {
    const commitFailed = new Error('could not serialize access');
    const { pool, log } = recordingPool({ commit: commitFailed });
    await expect(new PostgresSink(pool).write({ users: [], deadLetters })).rejects.toBe(commitFailed);
    expect(log.steps).toEqual(['begin', 'dead_letters', 'commit', 'rollback']);
    expect(log.released).toEqual([undefined]);
  });

  it('releases a connection whose rollback failed with that error, so the pool drops it', async () => {
    const upsertFailed = new Error('Connection terminated unexpectedly');
    const rollbackFailed = new Error('Client has encountered a connection error and is not queryable');
    const { pool, log } = recordingPool({ users: upsertFailed, rollback: rollbackFailed });
    await expect(new PostgresSink(pool).write({ users, deadLetters: [] })).rejects.toBe(upsertFailed);
    expect(log.steps).toEqual(['begin', 'users', 'rollback']);
    expect(log.released).toEqual([rollbackFailed]);
  });
});

describe('PostgresSink.delete', () => {
  it('erases the batch in one erase_users() call with one array per column, and skips an empty batch', async () => {
    const calls: { sql: string; params: unknown[] }[] = [];
    const pool = {
      query: async (sql: string, params: unknown[]) => {
        calls.push({ sql, params });
        return { rows: [{ users_deleted: '1', dead_letters_purged: '2' }] };
      },
    } as unknown as pg.Pool;
    const deletions = users.map(({ event, source }) => ({
      event: buildUserDeletedEvent(
        { id: event.payload.id, reason: 'account_closed' },
        { source: 'ingest-http', occurredAt: '2024-05-02T12:00:00.000Z' },
      ),
      source,
    }));
    await new PostgresSink(pool).delete(deletions);
    expect(calls).toEqual([
      {
        sql: ERASE_USERS,
        params: [
          deletions.map((d) => d.event.payload.id),
          ['2024-05-02T12:00:00.000Z', '2024-05-02T12:00:00.000Z'],
          deletions.map((d) => d.event.event_id),
          ['account_closed', 'account_closed'],
        ],
      },
    ]);
    expect(await eraseUsers(pool, deletions)).toEqual({ usersDeleted: 1, deadLettersPurged: 2 });
    calls.length = 0;
    await new PostgresSink(pool).delete([]);
    expect(calls).toEqual([]);
  });

  it('compares the same row value the event order defines, in the upsert and in migration 0007', () => {
    expect(orderRowOf('t')).toBe(`(${EVENT_ORDER_COLUMNS.map((c) => `t.${c}`).join(', ')})`);
    const migration = MIGRATIONS.find((m) => m.version === 7)?.sql ?? '';
    expect(migration).toContain('(t.occurred_at, t.event_id) < (excluded.occurred_at, excluded.event_id)');
    expect(migration).toContain('(u.occurred_at, u.event_id) < (t.occurred_at, t.event_id)');
    expect(EVENT_ORDER_COLUMNS).toEqual(['occurred_at', 'event_id']);
  });
});
