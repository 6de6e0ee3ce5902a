/**
 * An outside producer (plain JSON, no pipeline code) writes v1 and v2 events straight to the topic; the real
 * processor handler behind the local MSK bridge stores both, with the right nationality, in both stores.
 */
import { randomUUID } from 'node:crypto';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayTableReads } from '../../../lambdas/shared/schema/cassandra/index.js';
import { readSignupDay } from '../../../local/day-table/read.js';
import { localSignupDayLayout } from '../../../local/runtime/local-mapping.js';
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

let kafka: Kafka;
let producer: Producer;
let pool: pg.Pool;
let cassandra: CassandraClient;
let handler: MskHandler;
const topic = uniqueName('schema_versions_it');

/** What a producer outside this repository writes: the wire format, by hand. */
function outsideEvent(userId: string, version: 1 | 2, occurredAt: string, nationality?: string) {
  return {
    event_id: randomUUID(),
    event_type: 'user.created',
    schema_version: version,
    source: 'outside-producer',
    occurred_at: occurredAt,
    ingested_at: occurredAt,
    payload: {
      id: userId,
      first_name: 'Katherine',
      last_name: 'Johnson',
      gender: 'female',
      address: '1 Langley Road, Hampton, Virginia, United States',
      post_code: 23666,
      email: `katherine.${userId.slice(0, 8)}@example.com`,
      username: 'kjohnson',
      dob: '1918-08-26T00:00:00Z',
      registered_date: '2021-03-04T05:06:07Z',
      phone: '555-0199',
      picture: 'https://randomuser.me/api/portraits/women/9.jpg',
      ...(nationality === undefined ? {} : { nationality }),
    },
  };
}

async function stored(ids: readonly string[]) {
  const pg = await pool.query<{ user_id: string; nationality: string | null; schema_version: number }>(
    'select user_id, nationality, schema_version from users where user_id = any($1::uuid[])',
    [ids],
  );
  const wide = await cassandra.execute(
    'SELECT id, nationality, schema_version FROM pipeline.created_users WHERE id IN ?',
    [ids],
    { prepare: true },
  );
  const byDay = {
    rows: (
      await readSignupDay(
        cassandra,
        'pipeline',
        dayTableReads(localSignupDayLayout()),
        '2021-03-04',
        'United States',
        ['id', 'nationality'],
      )
    ).flatMap((partition) => partition.rows),
  };
  return {
    postgres: Object.fromEntries(pg.rows.map((r) => [r.user_id, [r.nationality, r.schema_version]])),
    cassandra: Object.fromEntries(
      wide.rows.map((r) => [String(r.get('id')), [r.get('nationality'), r.get('schema_version')]]),
    ),
    bySignupDay: Object.fromEntries(
      byDay.rows
        .filter((r) => ids.includes(String(r.get('id'))))
        .map((r) => [String(r.get('id')), r.get('nationality')]),
    ),
  };
}

beforeAll(async () => {
  kafka = kafkaClient('schema-versions-it');
  await preparePipeline(kafka, services, { topic, partitions: 2 });
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

describe('schema versions through the real processor, on real Kafka, PostgreSQL and Cassandra', () => {
  it('stores v1 (nationality null) and v2 (its nationality); a newer v1 event makes the row v1 again', async () => {
    const v1 = randomUUID();
    const v2 = randomUUID();
    const downgraded = randomUUID();
    const events = [
      outsideEvent(v1, 1, '2024-06-01T12:00:00Z'),
      outsideEvent(v2, 2, '2024-06-01T12:00:00Z', 'NG'),
      outsideEvent(downgraded, 2, '2024-06-01T12:00:00Z', 'JP'),
      // The newest event is the whole row: an old producer's later v1 event clears what it cannot carry.
      outsideEvent(downgraded, 1, '2024-06-01T13:00:00Z'),
    ];
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.payload.id, value: JSON.stringify(e) })),
    });
    const options = {
      kafka,
      topic,
      groupId: uniqueName('versions_it'),
      batchSize: 100,
      batchWindowMs: 100,
      handler,
    };
    await runBridgeUntil(options, (bridge) => bridge.stats.records >= events.length, 60_000);
    const expected = { [v1]: [null, 1], [v2]: ['NG', 2], [downgraded]: [null, 1] };
    const found = await stored([v1, v2, downgraded]);
    expect(found.postgres).toEqual(expected);
    expect(found.cassandra).toEqual(expected);
    expect(found.bySignupDay).toEqual({ [v1]: null, [v2]: 'NG', [downgraded]: null });
  });
});
