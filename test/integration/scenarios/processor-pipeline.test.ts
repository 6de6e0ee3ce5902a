import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka, Message, Producer } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserCreatedEvent } from '../../../lambdas/shared/contract/index.js';
import { dayTableReads } from '../../../lambdas/shared/schema/cassandra/index.js';
import { readSignupDay } from '../../../local/day-table/read.js';
import { localSignupDayLayout } from '../../../local/runtime/local-mapping.js';
import { MskBridge, type MskHandler } from '../../../local/runtime/msk-bridge.js';
import { preparePipeline } from '../../../local/runtime/prepare-pipeline.js';
import { bringDown, bringUp, createLocalServices } from '../../../local/services/service-runner.js';
import {
  adminPostgresPool,
  cassandraClient,
  kafkaClient,
  services,
  uniqueName,
} from '../../support/local-services.js';
import { endProcessorPool, runBridgeUntil } from '../../support/processor.js';
import { invalidMessage, messageOf, userEvent, userPayload } from '../../support/user-events.js';

const T0 = '2024-06-01T12:00:00.000Z';
const LATER = '2024-06-01T13:00:00.000Z';
const EARLIER = '2024-06-01T11:00:00.000Z';

let kafka: Kafka;
let producer: Producer;
let pool: pg.Pool;
let cassandra: CassandraClient;
let handler: MskHandler;
const topic = uniqueName('users_created_it');

async function produce(messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  }
}

/**
 * Polls until the condition holds; at the deadline it fails, saying what was awaited and the counts reached,
 * instead of stopping silently and leaving later assertions to guess why.
 */
async function pollUntil(
  what: string,
  condition: () => boolean,
  state: () => string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; ${state()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The processor behind a bridge in consumer group `groupId` until `done` holds. */
function processUntil(groupId: string, done: (bridge: MskBridge) => Promise<boolean>): Promise<MskBridge> {
  const options = { kafka, topic, groupId, batchSize: 500, batchWindowMs: 100, handler };
  return runBridgeUntil(options, done, 240_000);
}

async function pgUsers(ids: readonly string[]) {
  const result = await pool.query<{
    user_id: string;
    event_id: string;
    first_name: string;
    post_code: string;
    updated_at: Date;
  }>(
    'select user_id, event_id, first_name, post_code, updated_at from users where user_id = any($1::uuid[]) order by user_id',
    [ids],
  );
  return result.rows;
}

async function cassandraUsers(ids: readonly string[]) {
  const rows: Array<{
    id: string;
    event_id: string;
    first_name: string;
    post_code: string;
    written: string;
  }> = [];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const result = await cassandra.execute(
      'SELECT id, event_id, first_name, post_code, writetime(first_name) AS written FROM pipeline.created_users WHERE id IN ?',
      [chunk],
      { prepare: true },
    );
    for (const row of result.rows) {
      rows.push({
        id: row.get('id').toString(),
        event_id: row.get('event_id').toString(),
        first_name: row.get('first_name'),
        post_code: row.get('post_code'),
        written: row.get('written').toString(),
      });
    }
  }
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}

async function deadLetterStats() {
  const result = await pool.query<{ reason: string; n: string; attempts: string }>(
    'select reason, count(*) as n, sum(attempt_count) as attempts from dead_letters where kafka_topic = $1 group by reason order by reason',
    [topic],
  );
  return result.rows.map((r) => ({ reason: r.reason, count: Number(r.n), attempts: Number(r.attempts) }));
}

beforeAll(async () => {
  kafka = kafkaClient('processor-it');
  await preparePipeline(kafka, services, { topic, partitions: 3 });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  pool = adminPostgresPool();
  cassandra = cassandraClient();
  await cassandra.connect();
  ({ handler } = await import('../../../lambdas/processor/handler.js'));
});

afterAll(async () => {
  await producer?.disconnect();
  await pool?.end();
  await cassandra?.shutdown();
  await endProcessorPool();
});

describe('processor through the local MSK bridge, on real Kafka, PostgreSQL and Cassandra', () => {
  const originals: UserCreatedEvent[] = [];
  const expectedFirstName = new Map<string, string>();
  const expectedEventId = new Map<string, string>();
  const groupId = uniqueName('processor_it');

  it('writes 10,000 events (500 invalid) exactly: rows in both stores, dead letters with reasons', async () => {
    for (let i = 0; i < 9_000; i++) {
      const event = userEvent(userPayload(i), T0);
      originals.push(event);
      expectedFirstName.set(event.payload.id, event.payload.first_name);
      expectedEventId.set(event.payload.id, event.event_id);
    }
    // 300 newer events replace users 0..299; 200 older ones for users 300..499 arrive late and must lose.
    const updates = originals
      .slice(0, 300)
      .map((e) => userEvent({ ...e.payload, first_name: 'Updated' }, LATER));
    for (const u of updates) {
      expectedFirstName.set(u.payload.id, 'Updated');
      expectedEventId.set(u.payload.id, u.event_id);
    }
    const stale = originals
      .slice(300, 500)
      .map((e) => userEvent({ ...e.payload, first_name: 'Stale' }, EARLIER));
    const invalid = Array.from({ length: 500 }, (_, i) => invalidMessage(i));
    await produce([...originals, ...updates, ...stale].map(messageOf));
    await produce(invalid.map((i) => i.message));

    const ids = originals.map((e) => e.payload.id);
    const bridge = await processUntil(groupId, async (b) => b.stats.records >= 10_000);
    expect(bridge.stats.records).toBe(10_000);

    const rows = await pgUsers(ids);
    expect(rows).toHaveLength(9_000);
    for (const row of rows) {
      expect(row.first_name).toBe(expectedFirstName.get(row.user_id));
      expect(row.event_id).toBe(expectedEventId.get(row.user_id));
    }
    // Numeric post codes from the source are stored as strings.
    expect(rows.find((r) => r.user_id === ids[0])?.post_code).toBe('90000');

    const wide = await cassandraUsers(ids);
    expect(wide).toHaveLength(9_000);
    for (const row of wide) {
      expect(row.first_name).toBe(expectedFirstName.get(row.id));
      expect(row.event_id).toBe(expectedEventId.get(row.id));
    }
    // Every bucket of the day and country, as the stage's readers read it.
    const byDay = {
      rows: (
        await readSignupDay(
          cassandra,
          'pipeline',
          dayTableReads(localSignupDayLayout()),
          '2020-01-01',
          'Ireland',
          ['id'],
        )
      ).flatMap((partition) => partition.rows),
    };
    const expectedOnDay = originals.filter(
      (e) => e.payload.registered_date.startsWith('2020-01-01') && e.payload.address.endsWith('Ireland'),
    );
    expect(byDay.rows.filter((r) => expectedEventId.has(r.get('id').toString()))).toHaveLength(
      expectedOnDay.length,
    );

    expect(await deadLetterStats()).toEqual([
      { reason: 'empty_value', count: 100, attempts: 100 },
      { reason: 'invalid_json', count: 100, attempts: 100 },
      { reason: 'key_mismatch', count: 100, attempts: 100 },
      { reason: 'schema_violation', count: 100, attempts: 100 },
      { reason: 'unsupported_schema_version', count: 100, attempts: 100 },
    ]);
    const sample = await pool.query<{
      raw_value: Buffer | null;
      detail: { issues: Array<{ path: string }> };
    }>(
      `select raw_value, detail from dead_letters where kafka_topic = $1 and reason = 'schema_violation' limit 1`,
      [topic],
    );
    expect(sample.rows[0]?.detail.issues[0]?.path).toBe('payload.email');
    expect(sample.rows[0]?.raw_value?.toString()).toContain('"email":"nope"');
  });

  it('replaying the same offsets 3 times changes no row in either store and adds no dead letter', async () => {
    const ids = originals.map((e) => e.payload.id);
    const pgBefore = await pgUsers(ids);
    const wideBefore = await cassandraUsers(ids);
    const deadBefore = await deadLetterStats();
    for (let replay = 1; replay <= 3; replay++) {
      await processUntil(uniqueName(`replay_${replay}`), async (b) => b.stats.records >= 10_000);
    }
    expect(await pgUsers(ids)).toEqual(pgBefore);
    expect(await cassandraUsers(ids)).toEqual(wideBefore);
    // Same dead letters; each redelivery is counted on its row (1 + 3 replays).
    expect(await deadLetterStats()).toEqual(deadBefore.map((d) => ({ ...d, attempts: d.count * 4 })));
  });

  it('Cassandra stopped mid-run and restarted: every valid event still lands exactly once in both stores', async () => {
    const cassandraService = createLocalServices(services).filter((s) => s.name === 'cassandra');
    const batchOne = Array.from({ length: 1_000 }, (_, i) => userEvent(userPayload(20_000 + i), T0));
    const batchTwo = Array.from({ length: 1_000 }, (_, i) => userEvent(userPayload(30_000 + i), T0));
    const ids = [...batchOne, ...batchTwo].map((e) => e.payload.id);
    await produce(batchOne.map(messageOf));

    const bridge = new MskBridge({ kafka, topic, groupId, batchSize: 200, batchWindowMs: 50, handler });
    await bridge.start();
    try {
      const stats = () => JSON.stringify(bridge.stats);
      await pollUntil('first 200 records handed to the processor', () => bridge.stats.records >= 200, stats);
      await bringDown(cassandraService, () => {});
      await produce(batchTwo.map(messageOf));
      const failedBefore = bridge.stats.failedInvocations;
      await pollUntil(
        'a failed invocation while Cassandra is down',
        () => bridge.stats.failedInvocations > failedBefore,
        stats,
      );
      await bringUp(cassandraService, () => {});
      // Wait until the bridge has caught up: everything produced has been handed to the processor successfully.
      await pollUntil(
        'all 2,000 records handed to the processor',
        () => bridge.stats.records >= 2_000,
        stats,
      );
    } finally {
      await bridge.stop();
    }
    expect(bridge.stats.failedInvocations).toBeGreaterThan(0);
    const rows = await pgUsers(ids);
    const wide = await cassandraUsers(ids);
    expect(rows).toHaveLength(2_000);
    expect(wide).toHaveLength(2_000);
    const eventIds = new Map([...batchOne, ...batchTwo].map((e) => [e.payload.id, e.event_id]));
    for (const row of wide) expect(row.event_id).toBe(eventIds.get(row.id));
    for (const row of rows) expect(row.event_id).toBe(eventIds.get(row.user_id));
  });
});
