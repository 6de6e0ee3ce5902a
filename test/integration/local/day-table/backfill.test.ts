// Tests local/day-table/backfill.ts; also local/day-table/checkpoint.ts, read.ts and cli.ts (drop-legacy).
/**
 * The upgrade of a deployed stage's day table (docs/scaling.md), on the real local Cassandra, from data the
 * previous release wrote: users_by_signup_day (partition signup_day, country) only. Then the procedure:
 * 1. dual-write: the processor writes both tables, readers still read the legacy one;
 * 2. backfill: bounded (a run stopped after some slices) and resumed by `npm run day-table -- backfill`;
 * 3. switch the readers: every reader sees every user in the bucketed table, with its newest values;
 * 4. drop the legacy table; the processor writes the bucketed table alone.
 * The DAGs' reader crosses the same steps in mwaa-dags/tests/integration/test_day_table_upgrade.py.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../../../lambdas/processor/process-batch.js';
import {
  CassandraSink,
  cassandraRow,
  insertStatement,
} from '../../../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import { eventMicros, longOf } from '../../../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import {
  applyCassandraSchema,
  CREATED_USERS_TABLE,
  countryOf,
  dayTableReads,
  LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
  ORDER_MICROS_COLUMN,
  type SignupDayLayout,
  signupDayBucketOf,
  signupDayEnvironment,
  signupDayOf,
} from '../../../../lambdas/shared/schema/cassandra/index.js';
import { backfillDayTable } from '../../../../local/day-table/backfill.js';
import { CheckpointStore } from '../../../../local/day-table/checkpoint.js';
import { readSignupDay } from '../../../../local/day-table/read.js';
import { repoRoot } from '../../../../tools/repo-root.js';
import { throwawayKeyspace } from '../../../support/local-services.js';
import { userEvent, userPayload } from '../../../support/user-events.js';

const run = promisify(execFile);
const BUCKETS = 4;
const layout = (legacyTable: SignupDayLayout['legacyTable']): SignupDayLayout => ({
  buckets: BUCKETS,
  legacyTable,
});
const cassandra = throwawayKeyspace('day_table_upgrade');
const keyspace = cassandra.name;
const source = { topic: 'users_created', partition: 0, offset: 0, timestamp: 0 } as AcceptedEvent['source'];
let checkpointDir: string;

/** A user of the busy (day, country) when `busy`, else of another day and country. */
function user(index: number, busy: boolean, occurredAt: string, firstName?: string): AcceptedEvent {
  const payload = userPayload(index, {
    ...(busy
      ? {
          address: `${index} Quay Street, Galway, Connacht, Ireland`,
          registered_date: '2024-05-01T09:00:00.000Z',
        }
      : {}),
    ...(firstName ? { first_name: firstName } : {}),
  });
  return { event: userEvent(payload, occurredAt), source };
}

/** A newer event of the same user (same id, day and country), with another first name. */
function newer(previous: AcceptedEvent, occurredAt: string, firstName: string): AcceptedEvent {
  const payload = { ...previous.event.payload, first_name: firstName };
  return { event: userEvent(payload, occurredAt), source };
}

/** created_users as the previous release deployed it: without the order-key column (ALTER TABLE adds it). */
const PREVIOUS_CREATED_USERS = {
  ...CREATED_USERS_TABLE,
  columns: CREATED_USERS_TABLE.columns.filter((column) => column.name !== ORDER_MICROS_COLUMN.name),
};

/**
 * What the previous release's processor wrote: created_users and the legacy day table, each row at its event's
 * occurred_at in µs (a write time Keyspaces refuses once older than 2 days; local Cassandra took it, and so
 * the client here is used directly, not through the guarded write path).
 */
async function writeAsThePreviousRelease(users: readonly AcceptedEvent[]): Promise<void> {
  const client = cassandra.client();
  for (const accepted of users)
    for (const table of [PREVIOUS_CREATED_USERS, LEGACY_USERS_BY_SIGNUP_DAY_TABLE]) {
      const row = cassandraRow(table, accepted, BUCKETS);
      await client.execute(
        insertStatement(keyspace, table),
        [...table.columns.map((c) => row[c.name]), longOf(eventMicros(accepted.event.occurred_at))],
        { prepare: true },
      );
    }
}

/** The processor's Cassandra sink in a phase of the upgrade. */
async function processorWrites(phase: SignupDayLayout['legacyTable'], users: readonly AcceptedEvent[]) {
  await new CassandraSink(cassandra.client(), { keyspace, signupDay: layout(phase) }).write({
    users: [...users],
    deadLetters: [],
  });
}

/** Every user a reader of the phase sees, by id: its first name and (bucketed table) bucket. */
async function seenByReaders(phase: SignupDayLayout['legacyTable'], users: readonly AcceptedEvent[]) {
  const pairs = new Set(
    users.map((u) => `${signupDayOf(u.event.payload.registered_date)}|${countryOf(u.event.payload.address)}`),
  );
  const seen = new Map<string, { firstName: string; bucket: number | null }>();
  for (const pair of pairs) {
    const [day, country] = pair.split('|') as [string, string];
    const partitions = await readSignupDay(
      cassandra.client(),
      keyspace,
      dayTableReads(layout(phase)),
      day,
      country,
      ['id', 'first_name'],
    );
    for (const { bucket, rows } of partitions)
      for (const row of rows)
        seen.set(String(row.get('id')), { firstName: String(row.get('first_name')), bucket });
  }
  return seen;
}

const T0 = '2024-05-01T10:00:00.000Z';
const T1 = '2024-05-02T10:00:00.000Z';
const T2 = '2024-05-03T10:00:00.000Z';
/** The previous release's data: 200 users of one busy (day, country), 100 of others. */
const oldUsers = [
  ...Array.from({ length: 200 }, (_, i) => user(i, true, T0)),
  ...Array.from({ length: 100 }, (_, i) => user(1_000 + i, false, T0)),
];
/** During dual-write: 50 new users of the busy day, and newer events of 20 old users. */
const newUsers = Array.from({ length: 50 }, (_, i) => user(2_000 + i, true, T1));
const updated = oldUsers.slice(0, 20).map((u) => newer(u, T1, 'Updated'));
/**
 * Five old users whose newer event reached the bucketed table while the legacy table still held the older row
 * (the processor's dual write landing between the backfill's read and its write): the copy must not win.
 */
const raced = oldUsers.slice(20, 25).map((u) => newer(u, T2, 'Raced'));
const everyone = [...oldUsers, ...newUsers];
/** An old user of the busy day, not updated during the dual-write, erased before the backfill. */
const erasedId = (oldUsers[100] as AcceptedEvent).event.payload.id;

beforeAll(async () => {
  checkpointDir = mkdtempSync(join(tmpdir(), 'day-table-'));
  // The stage as the previous release deployed it.
  await applyCassandraSchema(cassandra.client(), {
    keyspace,
    tables: [PREVIOUS_CREATED_USERS, LEGACY_USERS_BY_SIGNUP_DAY_TABLE],
  });
  await writeAsThePreviousRelease(oldUsers);
});

afterAll(() => rmSync(checkpointDir, { recursive: true, force: true }));

describe('upgrading a stage from users_by_signup_day to the bucketed day table', () => {
  it('1. dual-write: the new table exists, both are written, readers still see everyone in the legacy table', async () => {
    await applyCassandraSchema(cassandra.client(), { keyspace, signupDay: layout('dual-write') });
    await processorWrites('dual-write', [...newUsers, ...updated]);
    await processorWrites('none', raced); // the bucketed table only: see `raced`
    const seen = await seenByReaders('dual-write', everyone);
    expect(seen.size).toBe(everyone.length);
    expect(seen.get(updated[0]?.event.payload.id as string)).toEqual({ firstName: 'Updated', bucket: null });
    // The bucketed table holds only what was written since the dual-write began.
    expect((await seenByReaders('readers-switched', everyone)).size).toBe(
      newUsers.length + updated.length + raced.length,
    );
  });

  it('2. backfill: a bounded run stops at its slice and the command resumes there to the end', async () => {
    // An erased user whose legacy row is still there (the erasure landed while the backfill read its page):
    // its tombstone keeps the copy from bringing it back.
    await cassandra
      .client()
      .execute(
        `INSERT INTO ${keyspace}.user_tombstones (id, event_id, occurred_at, reason) VALUES (?, ?, ?, 'user_request')`,
        [erasedId, randomUUID(), new Date(T2)],
        { prepare: true },
      );
    const checkpointFile = join(checkpointDir, `${keyspace}.json`);
    const first = await backfillDayTable({
      client: cassandra.client(),
      keyspace,
      buckets: BUCKETS,
      checkpoint: new CheckpointStore(checkpointFile, { keyspace, buckets: BUCKETS }),
      maxSlices: 300,
      rowsPerSecond: 0,
    });
    expect(first.slicesDone).toBe(300);
    expect(first.checkpoint.nextSlice).toBe(300);
    expect(first.rowsCopied).toBeGreaterThan(0);
    expect(first.rowsCopied).toBeLessThan(everyone.length);

    const env = { ...process.env, ...signupDayEnvironment(layout('dual-write')), NODE_OPTIONS: '' };
    const args = [
      'backfill',
      '--keyspace',
      keyspace,
      '--buckets',
      String(BUCKETS),
      '--checkpoint',
      checkpointFile,
    ];
    const { stdout } = await run(
      'npx',
      ['tsx', 'local/day-table/cli.ts', ...args, '--rows-per-second', '0'],
      {
        cwd: repoRoot,
        env,
      },
    );
    const second = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(second).toMatchObject({
      complete: true,
      nextSlice: 1024,
      slices: 1024,
      keyMismatches: 0,
      skippedIds: [],
    });
    expect(second.slicesDone).toBe(1024 - 300);
    // Every legacy row copied once over the two runs, but the erased user's.
    expect(first.erasedRows + second.erasedRows).toBe(1);
    expect(first.rowsCopied + second.rowsCopied).toBe(everyone.length - 1);
    expect(second.totalRowsCopied).toBe(everyone.length - 1);
  });

  it('3. switch the readers: everyone in the bucketed table, in the bucket of their id, newest values kept', async () => {
    const seen = await seenByReaders('readers-switched', everyone);
    expect(new Set(seen.keys())).toEqual(
      new Set(everyone.map((u) => u.event.payload.id).filter((id) => id !== erasedId)),
    );
    for (const [id, { bucket }] of seen) expect(bucket, id).toBe(signupDayBucketOf(id, BUCKETS));
    for (const u of updated) expect(seen.get(u.event.payload.id)?.firstName).toBe('Updated');
    // The backfill copies IF NOT EXISTS: the newer row the processor wrote stays.
    for (const u of raced) expect(seen.get(u.event.payload.id)?.firstName).toBe('Raced');
    // The busy (day, country) spread over every bucket.
    const busy = await readSignupDay(
      cassandra.client(),
      keyspace,
      dayTableReads(layout('readers-switched')),
      '2024-05-01',
      'Ireland',
      ['id'],
    );
    expect(busy.map((p) => p.bucket)).toEqual([0, 1, 2, 3]);
    expect(busy.every((p) => p.rows.length > 0)).toBe(true);
    expect(busy.reduce((sum, p) => sum + p.rows.length, 0)).toBe(249);

    // `npm run query` with the stage's layout reads the same.
    const env = { ...process.env, ...signupDayEnvironment(layout('readers-switched')), NODE_OPTIONS: '' };
    const { stdout } = await run(
      'npx',
      [
        'tsx',
        'local/query.ts',
        '--signup-day',
        '2024-05-01',
        '--country',
        'Ireland',
        '--count',
        '--keyspace',
        keyspace,
      ],
      { cwd: repoRoot, env },
    );
    expect(stdout).toMatch(
      /^249 user\(s\) signed up on 2024-05-01 in Ireland: .*users_by_signup_day_bucketed, 4 partition\(s\) read/m,
    );
  });

  it('4. drop the legacy table: the bucketed table alone is written and read', async () => {
    const env = { ...process.env, NODE_OPTIONS: '' };
    const checkpointFile = join(checkpointDir, `${keyspace}.json`);
    await run(
      'npx',
      [
        'tsx',
        'local/day-table/cli.ts',
        'drop-legacy',
        '--keyspace',
        keyspace,
        '--buckets',
        String(BUCKETS),
        '--checkpoint',
        checkpointFile,
      ],
      { cwd: repoRoot, env },
    );
    const tables = await cassandra
      .client()
      .execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], {
        prepare: true,
      });
    // The legacy day table is gone; the erasure's user_tombstones is part of every layout.
    expect(tables.rows.map((r) => r.get('table_name')).sort()).toEqual([
      'created_users',
      'user_tombstones',
      'users_by_signup_day_bucketed',
    ]);
    const late = user(3_000, true, T2);
    await processorWrites('none', [late]);
    const seen = await seenByReaders('none', [...everyone, late]);
    expect(seen.size).toBe(everyone.length); // everyone but the erased user, and the late one
  });
});

describe('npm run day-table drop-legacy', () => {
  it('refuses before the backfill is complete', async () => {
    const env = { ...process.env, NODE_OPTIONS: '' };
    const checkpoint = join(checkpointDir, 'none.json');
    const result = await run(
      'npx',
      ['tsx', 'local/day-table/cli.ts', 'drop-legacy', '--keyspace', keyspace, '--checkpoint', checkpoint],
      { cwd: repoRoot, env },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not complete: run backfill first/);
  });
});
