/**
 * A sink is one folder plus one line: a throwaway third sink (test/integration/support/file-sink/, a SinkModule
 * writing users to a JSON file) joins the production list for this test only, through the handler's injection
 * point (createProcessorHandler with openSinks of the modules). The real processor handler, behind the local
 * MSK bridge on real Kafka, PostgreSQL and Cassandra, writes every user of the batches to all three sinks,
 * erases the deleted ones everywhere, and emits the third sink's metrics.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenedSinks } from '../../../lambdas/processor/sinks/index.js';
import type { UserCreatedEvent, UserDeletedEvent } from '../../../lambdas/shared/contract/index.js';
import type { MskHandler } from '../../../local/runtime/msk-bridge.js';
import { preparePipeline } from '../../../local/runtime/prepare-pipeline.js';
import {
  adminPostgresPool,
  cassandraClient,
  kafkaClient,
  services,
  uniqueName,
} from '../../support/local-services.js';
import { endProcessorPool, runBridgeUntil } from '../../support/processor.js';
import { deletionEvent, messageOf, userEvent, userPayload } from '../../support/user-events.js';
import { FILE_SINK_NAME, fileSink, readFileSinkState } from '../support/file-sink/index.js';

const CREATED_AT = '2024-06-01T12:00:00.000Z';
const DELETED_AT = '2024-06-01T13:00:00.000Z';
const USERS = 300;
const DELETED = 60;

const topic = uniqueName('users_third_sink_it');
let kafka: Kafka;
let producer: Producer;
let pool: pg.Pool;
let cassandra: CassandraClient;
let directory: string;
let threeSinks: OpenedSinks;
let handler: MskHandler;
let emittedNames: () => string[];

beforeAll(async () => {
  kafka = kafkaClient('third-sink-it');
  await preparePipeline(kafka, services, { topic, partitions: 3 });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  pool = adminPostgresPool();
  cassandra = cassandraClient();
  await cassandra.connect();
  directory = await mkdtemp(join(tmpdir(), 'file-sink-'));
  const [{ createProcessorHandler }, { logger, metrics }, { openSinks, sinkModules }] = await Promise.all([
    import('../../../lambdas/processor/handler.js'),
    import('../../../lambdas/processor/clients.js'),
    import('../../../lambdas/processor/sinks/index.js'),
  ]);
  // The one line a new sink adds to the list, here for this test only.
  threeSinks = openSinks([...sinkModules, fileSink], { ...process.env, FILE_SINK_DIR: directory }, logger);
  handler = createProcessorHandler(threeSinks);
  // Observed, not replaced: the handler's own metrics object still runs.
  const addMetric = vi.spyOn(metrics, 'addMetric');
  emittedNames = () => addMetric.mock.calls.map(([name]) => name);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await producer?.disconnect();
  await pool?.end();
  await cassandra?.shutdown();
  await threeSinks?.close();
  await endProcessorPool();
  if (directory) await rm(directory, { recursive: true, force: true });
});

async function postgresUserIds(ids: readonly string[]): Promise<string[]> {
  const result = await pool.query<{ user_id: string }>(
    'select user_id from users where user_id = any($1::uuid[]) order by user_id',
    [ids],
  );
  return result.rows.map((row) => row.user_id);
}

async function cassandraUserIds(ids: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const result = await cassandra.execute(
      'SELECT id FROM pipeline.created_users WHERE id IN ?',
      [ids.slice(i, i + 100)],
      { prepare: true },
    );
    for (const row of result.rows) found.push(row.get('id').toString());
  }
  return found.sort();
}

describe('a third sink added to the list for a test', () => {
  it('is written by the real processor handler with the two stores: every user, and every deletion', async () => {
    const creates: UserCreatedEvent[] = [];
    for (let i = 0; i < USERS; i++) creates.push(userEvent(userPayload(i), CREATED_AT));
    const deletions: UserDeletedEvent[] = creates
      .slice(0, DELETED)
      .map((create) => deletionEvent(create.payload.id, DELETED_AT));
    await producer.send({ topic, acks: -1, messages: [...creates, ...deletions].map(messageOf) });

    const options = {
      kafka,
      topic,
      groupId: uniqueName('third_sink_it'),
      batchSize: 100,
      batchWindowMs: 100,
    };
    const bridge = await runBridgeUntil(
      { ...options, handler },
      (b) => b.stats.records >= USERS + DELETED,
      240_000,
    );
    expect(bridge.stats.failedInvocations).toBe(0);

    const ids = creates.map((create) => create.payload.id);
    const deletedIds = deletions.map((deletion) => deletion.payload.id).sort();
    const keptIds = ids.slice(DELETED).sort();
    const state = await readFileSinkState(directory);
    expect(Object.keys(state.users).sort()).toEqual(keptIds);
    for (const create of creates.slice(DELETED)) {
      expect(state.users[create.payload.id]).toMatchObject({
        event_id: create.event_id,
        payload: { email: create.payload.email },
      });
    }
    expect(Object.keys(state.tombstones).sort()).toEqual(deletedIds);
    for (const deletion of deletions) {
      expect(state.tombstones[deletion.payload.id]).toEqual({
        occurred_at: deletion.occurred_at,
        event_id: deletion.event_id,
      });
    }
    // The production sinks wrote and erased the same users in the same invocations.
    expect(await postgresUserIds(ids)).toEqual(keptIds);
    expect(await cassandraUserIds(ids)).toEqual(keptIds);
  });

  it('has its metrics emitted by the handler, named from its module', () => {
    expect(fileSink.metricNames).toEqual({
      writeLatency: 'FileWriteLatency',
      writeFailures: 'FileWriteFailures',
    });
    const emitted = emittedNames();
    expect(emitted).toContain('FileWriteLatency');
    expect(emitted).toContain('PostgresWriteLatency');
    expect(emitted).toContain('CassandraWriteLatency');
    expect(emitted).not.toContain('FileWriteFailures');
    expect(FILE_SINK_NAME).toBe(fileSink.name);
  });
});
