/**
 * Erasure on the real local Kafka, PostgreSQL and Cassandra: events go through a topic, the local MSK bridge and
 * the processor's own code (processMskEvent with the sinks of sinksOn, PostgreSQL as pipeline_writer), into a
 * PostgreSQL schema migrated by the project's migrations and a Cassandra keyspace built from its table
 * definitions, both this suite's own (so "appears in no table" can look at every table).
 */
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcceptedEvent, processMskEvent } from '../../../lambdas/processor/process-batch.js';
import { cassandraRow } from '../../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import { sinksOn } from '../../../lambdas/processor/sinks/index.js';
import { replayFailedBatches } from '../../../lambdas/replay-failed-batches/replay.js';
import { readCassandraConnectionConfig } from '../../../lambdas/shared/clients/cassandra.js';
import { readPostgresConnectionConfig } from '../../../lambdas/shared/clients/postgres.js';
import type { PipelineEvent, UserCreatedEvent } from '../../../lambdas/shared/contract/index.js';
import { silentLogger } from '../../../lambdas/shared/logger.js';
import {
  applyCassandraSchema,
  USERS_BY_SIGNUP_DAY_TABLE,
} from '../../../lambdas/shared/schema/cassandra/index.js';
import {
  enableRoleLogins,
  runMigrations,
  WRITER_ROLE,
} from '../../../lambdas/shared/schema/postgres/index.js';
import { lagByPartition } from '../../../local/runtime/kafka-offsets.js';
import { ensureTopics } from '../../../local/runtime/kafka-topics.js';
import { localSignupDayLayout } from '../../../local/runtime/local-mapping.js';
import { MskBridge } from '../../../local/runtime/msk-bridge.js';
import {
  kafkaClient,
  rolePostgresPool,
  services,
  throwawayKeyspace,
  throwawaySchema,
  uniqueName,
} from '../../support/local-services.js';
import { deletionEvent, messageOf, userEvent, userPayload } from '../../support/user-events.js';

const schemaStore = throwawaySchema('erasure_it');
const keyspaceStore = throwawayKeyspace('erasure_it');
const schema = schemaStore.name;
const keyspace = keyspaceStore.name;
const topic = uniqueName('erasure_it');
const failureTopic = `${topic}_failed`;
const groupId = uniqueName('erasure_it_processor');
const LOW_ID = '00000000-0000-4000-8000-000000000001';
const HIGH_ID = 'ffffffff-ffff-4fff-bfff-fffffffffffe';
const T1 = '2024-06-01T10:00:00.000Z';
const T2 = '2024-06-01T11:00:00.000Z';
const T3 = '2024-06-01T12:00:00.000Z';

let kafka: Kafka;
let producer: Producer;
let writer: pg.Pool;
let bridge: MskBridge;
let admin: pg.Pool;
let cassandra: CassandraClient;
let index = 0;

/** A user.created event of a fresh user, with its own signup day and country unless given. */
function created(
  occurredAt: string,
  overrides: Record<string, unknown> = {},
  eventId?: string,
): UserCreatedEvent {
  const n = ++index;
  const event = userEvent(
    userPayload(n, {
      registered_date: `2019-0${1 + (n % 9)}-1${n % 10}T08:00:00.000Z`,
      address: `${n} Erasure Lane, Springfield, State, Country ${n}`,
      ...overrides,
    }),
    occurredAt,
  );
  return eventId === undefined ? event : { ...event, event_id: eventId };
}

async function produce(events: readonly PipelineEvent[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: events.map(messageOf) });
}

/** Waits until the processor committed everything produced so far. */
async function processed(): Promise<void> {
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const lag = (await lagByPartition(kafkaAdmin, topic, groupId)).reduce((sum, p) => sum + p.lag, 0);
      if (lag === 0) return;
      if (Date.now() > deadline)
        throw new Error(`processor still ${lag} records behind: ${JSON.stringify(bridge.stats)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await kafkaAdmin.disconnect();
  }
}

async function produceAndProcess(...events: PipelineEvent[]): Promise<void> {
  await produce(events);
  await processed();
}

/** The local stage's day-table layout, as npm start runs it. */
const signupDay = localSignupDayLayout();

const asAccepted = (event: UserCreatedEvent): AcceptedEvent => ({
  event,
  source: { topic, partition: 0, offset: 0, timestamp: 0 },
});

/** The users_by_signup_day primary key the insert of `event` writes (the table's own key columns). */
function byDayKey(event: UserCreatedEvent): { where: string; params: unknown[] } {
  const row = cassandraRow(USERS_BY_SIGNUP_DAY_TABLE, asAccepted(event), signupDay.buckets);
  const columns = [
    ...USERS_BY_SIGNUP_DAY_TABLE.partitionKey,
    ...USERS_BY_SIGNUP_DAY_TABLE.clusteringKey.map((column) => column.name),
  ];
  return {
    where: columns.map((name) => `${name} = ?`).join(' AND '),
    params: columns.map((name) => row[name]),
  };
}

/** Which event each store holds for the user (null: none): PostgreSQL, created_users, and each day row given. */
async function stored(event: UserCreatedEvent, dayRowsOf: readonly UserCreatedEvent[] = [event]) {
  const id = event.payload.id;
  const pgRow = await admin.query<{ event_id: string }>(
    `SELECT event_id FROM ${schema}.users WHERE user_id = $1`,
    [id],
  );
  const wide = await cassandra.execute(`SELECT event_id FROM ${keyspace}.created_users WHERE id = ?`, [id], {
    prepare: true,
  });
  const byDay: (string | null)[] = [];
  for (const version of dayRowsOf) {
    const key = byDayKey(version);
    const rows = await cassandra.execute(
      `SELECT event_id FROM ${keyspace}.${USERS_BY_SIGNUP_DAY_TABLE.name} WHERE ${key.where}`,
      key.params,
      { prepare: true },
    );
    byDay.push(rows.rows[0]?.get('event_id')?.toString() ?? null);
  }
  return {
    postgres: pgRow.rows[0]?.event_id ?? null,
    createdUsers: wide.rows[0]?.get('event_id')?.toString() ?? null,
    byDay,
  };
}

const absent = (days = 1) => ({ postgres: null, createdUsers: null, byDay: Array(days).fill(null) });
const present = (eventId: string, days = 1) => ({
  postgres: eventId,
  createdUsers: eventId,
  byDay: Array(days).fill(eventId),
});

/** Every place in this suite's schema and keyspace whose text or bytes contain `needle`. */
async function whereFound(needle: string): Promise<string[]> {
  const found: string[] = [];
  const tables = await admin.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
    [schema],
  );
  for (const { table_name } of tables.rows) {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM ${schema}.${table_name} t WHERE strpos(t::text, $1) > 0`,
      [needle],
    );
    if (rows[0].n > 0) found.push(`postgres ${table_name}`);
  }
  const bytea = await admin.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND data_type = 'bytea'`,
    [schema],
  );
  for (const { table_name, column_name } of bytea.rows) {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM ${schema}.${table_name} WHERE strpos(encode(${column_name}, 'escape'), $1) > 0`,
      [needle],
    );
    if (rows[0].n > 0) found.push(`postgres ${table_name}.${column_name}`);
  }
  const cqlTables = await cassandra.execute(
    'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
    [keyspace],
    { prepare: true },
  );
  for (const row of cqlTables.rows) {
    const table = String(row.get('table_name'));
    // The suite's own small keyspace: a whole-table read is fine here (never in the pipeline or the DAGs).
    const all = await cassandra.execute(`SELECT * FROM ${keyspace}.${table}`);
    if (all.rows.some((r) => r.values().some((value) => String(value).includes(needle))))
      found.push(`cassandra ${table}`);
  }
  return found;
}

beforeAll(async () => {
  admin = schemaStore.pool();
  const session = await schemaStore.session();
  try {
    await runMigrations(session, { lockPollIntervalMs: 20 });
    await enableRoleLogins(session, services.postgres.roleLogins);
  } finally {
    session.release();
  }
  cassandra = keyspaceStore.client();
  await applyCassandraSchema(cassandra, { keyspace });
  kafka = kafkaClient('erasure-it');
  await ensureTopics(kafka, [
    { topic, numPartitions: 3 },
    { topic: failureTopic, numPartitions: 3 },
  ]);
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  writer = rolePostgresPool(WRITER_ROLE, schema);
  const sinks = sinksOn({
    postgres: { client: writer, settings: readPostgresConnectionConfig(process.env) },
    cassandra: {
      client: cassandra,
      settings: { connection: { ...readCassandraConnectionConfig(process.env), keyspace }, signupDay },
    },
  });
  bridge = new MskBridge({
    kafka,
    topic,
    groupId,
    batchSize: 100,
    batchWindowMs: 50,
    failure: {
      retryAttempts: 1,
      bisectBatchOnError: true,
      maxRecordAgeSeconds: 3_600,
      failureTopic,
      retryDelayMs: 10,
    },
    handler: (event) => processMskEvent(event, { sinks, logger: silentLogger }),
  });
  await bridge.start();
});

afterAll(async () => {
  await bridge?.stop();
  await producer?.disconnect();
  // Before the schema's and keyspace's own afterAll (registered earlier, so they run later).
  await writer?.end();
});

describe('erasure (user.deleted) on the real services', () => {
  it('create, then delete: the email is in no PostgreSQL table, no Cassandra table and no dead letter', async () => {
    const user = created(T1);
    const email = user.payload.email;
    // A record keyed by the user that the processor refuses: its raw bytes, email included, are a dead letter.
    const invalid = { ...user, event_id: LOW_ID, payload: { ...user.payload, phone: '' } };
    await produceAndProcess(user, invalid as unknown as UserCreatedEvent);
    expect(await stored(user)).toEqual(present(user.event_id));
    expect((await whereFound(email)).sort()).toEqual([
      'cassandra created_users',
      `cassandra ${USERS_BY_SIGNUP_DAY_TABLE.name}`,
      'postgres dead_letters.raw_value',
      'postgres users',
    ]);

    const deletion = deletionEvent(user.payload.id, T2);
    await produceAndProcess(deletion);
    expect(await stored(user)).toEqual(absent());
    expect(await whereFound(email)).toEqual([]);
    // What stays: tombstones without personal data, and the dead letter's reason and Kafka position.
    const tombstone = await admin.query(
      `SELECT event_id, reason FROM ${schema}.user_tombstones WHERE user_id = $1`,
      [user.payload.id],
    );
    expect(tombstone.rows).toEqual([{ event_id: deletion.event_id, reason: 'user_request' }]);
    const dead = await admin.query(
      `SELECT reason, kafka_topic, kafka_offset IS NOT NULL AS positioned, raw_key, raw_value, raw_purge_reason
       FROM ${schema}.dead_letters WHERE kafka_topic = $1`,
      [topic],
    );
    expect(dead.rows).toEqual([
      {
        reason: 'schema_violation',
        kafka_topic: topic,
        positioned: true,
        raw_key: null,
        raw_value: null,
        raw_purge_reason: 'erasure',
      },
    ]);
    const cqlTombstone = await cassandra.execute(
      `SELECT event_id, reason FROM ${keyspace}.user_tombstones WHERE id = ?`,
      [user.payload.id],
      { prepare: true },
    );
    expect(cqlTombstone.rows.map((r) => [r.get('event_id').toString(), r.get('reason')])).toEqual([
      [deletion.event_id, 'user_request'],
    ]);
  });

  it('delete, then an older create of another signup day and country: still absent everywhere', async () => {
    const first = created(T1);
    const deletion = deletionEvent(first.payload.id, T3);
    // Older than the deletion, arriving after it, with another registered_date and address: another day partition.
    const late = created(T2, { id: first.payload.id });
    expect(byDayKey(late).params).not.toEqual(byDayKey(first).params);
    await produceAndProcess(first);
    await produceAndProcess(deletion);
    await produceAndProcess(late);
    expect(await stored(first, [first, late])).toEqual(absent(2));
    // A deletion of a user no store ever had also refuses its older creates.
    const never = created(T1);
    await produceAndProcess(deletionEvent(never.payload.id, T2));
    await produceAndProcess(never);
    expect(await stored(never)).toEqual(absent());
  });

  it('create, delete, then a newer create: present, with the newer event', async () => {
    const user = created(T1);
    const again = created(T3, { id: user.payload.id });
    await produceAndProcess(user);
    await produceAndProcess(deletionEvent(user.payload.id, T2));
    await produceAndProcess(again);
    expect(await stored(again, [user, again])).toEqual({
      postgres: again.event_id,
      createdUsers: again.event_id,
      byDay: [null, again.event_id],
    });
  });

  it('an older delete arriving after a newer create does not remove it', async () => {
    const user = created(T3);
    await produceAndProcess(user);
    await produceAndProcess(deletionEvent(user.payload.id, T2));
    expect(await stored(user)).toEqual(present(user.event_id));
  });

  it.each([
    ['the deletion has the greater event id', LOW_ID, HIGH_ID, false],
    ['the create has the greater event id', HIGH_ID, LOW_ID, true],
  ])('same occurred_at, %s: the same result in both orders', async (_, createId, deleteId, remains) => {
    for (const order of ['create first', 'delete first'] as const) {
      const user = created(T2, {}, createId);
      const deletion = deletionEvent(user.payload.id, T2, deleteId);
      if (order === 'create first') {
        await produceAndProcess(user);
        await produceAndProcess(deletion);
      } else {
        await produceAndProcess(deletion);
        await produceAndProcess(user);
      }
      expect(await stored(user), order).toEqual(remains ? present(createId) : absent());
    }
  });

  it('replay of a failed batch holding an older create, after the delete: absent', async () => {
    const user = created(T1);
    // The create's batch fails in both stores: PostgreSQL refuses this user, and the Cassandra sink cannot read
    // the tombstones it checks before writing. After its retries it goes to the failure topic, stored nowhere.
    await admin.query(
      `CREATE FUNCTION ${schema}.refuse_user() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.user_id = '${user.payload.id}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`,
    );
    await admin.query(
      `CREATE TRIGGER refuse_user BEFORE INSERT ON ${schema}.users FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_user()`,
    );
    await cassandra.execute(`DROP TABLE ${keyspace}.user_tombstones`);
    const failedBefore = bridge.stats.failedRecords;
    await produceAndProcess(user);
    expect(bridge.stats.failedRecords).toBe(failedBefore + 1);
    await admin.query(`DROP TRIGGER refuse_user ON ${schema}.users`);
    await applyCassandraSchema(cassandra, { keyspace });
    expect(await stored(user)).toEqual(absent());

    // The deletion finds no row to take a partition from; the replay brings back an older create.
    await produceAndProcess(deletionEvent(user.payload.id, T2));
    const report = await replayFailedBatches(
      kafka,
      { failureTopic, groupId: uniqueName('erasure_it_replay') },
      { dryRun: false },
    );
    expect(report.replayed.count).toBe(1);
    await processed();
    expect(await stored(user)).toEqual(absent());
    expect(await whereFound(user.payload.email)).toEqual([]);
  });

  it('a newer create that moved the user to another day partition left no row behind for the deletion', async () => {
    // Two creates of one user with different signup days: the newer one moves the user to another partition of
    // users_by_signup_day and the sink deletes the older row, so the deletion (which finds the partition from
    // created_users, the newer create) leaves nothing. docs/erasure-and-retention.md
    const older = created(T1);
    const newer = created(T2, { id: older.payload.id });
    await produceAndProcess(older);
    await produceAndProcess(newer);
    expect((await stored(newer, [older, newer])).byDay).toEqual([null, newer.event_id]);
    await produceAndProcess(deletionEvent(older.payload.id, T3));
    expect(await stored(newer, [older, newer])).toEqual(absent(2));
  });
});

describe("Cassandra's write-time rules the sink relies on", () => {
  it('a deletion wins a tie with a cell of the same write time, in either order; 1 µs later the cell wins', async () => {
    const table = `${keyspace}.write_time_rules`;
    await cassandra.execute(`CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY, v text)`);
    const insert = (id: number, at: number) =>
      cassandra.execute(`INSERT INTO ${table} (id, v) VALUES (?, 'x') USING TIMESTAMP ?`, [id, at], {
        prepare: true,
      });
    const remove = (id: number, at: number) =>
      cassandra.execute(`DELETE FROM ${table} USING TIMESTAMP ? WHERE id = ?`, [at, id], { prepare: true });
    const exists = async (id: number) =>
      (await cassandra.execute(`SELECT v FROM ${table} WHERE id = ?`, [id], { prepare: true })).rows
        .length === 1;
    const at = 1_717_236_000_000_000;
    await insert(1, at);
    await remove(1, at);
    await remove(2, at);
    await insert(2, at);
    await remove(3, at);
    await insert(3, at + 1);
    await remove(4, at);
    await insert(4, at - 1);
    expect([await exists(1), await exists(2), await exists(3), await exists(4)]).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });
});
