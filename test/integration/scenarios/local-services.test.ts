import type { Client as CassandraClient } from 'cassandra-driver';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPostgresPool, cassandraClient, kafkaClient, uniqueName } from '../../support/local-services.js';

describe('local Kafka (KRaft) is real and usable from Node', () => {
  it('creates a 3-partition topic, produces 1,000 keyed messages with acks=-1 and consumes them in per-partition order', async () => {
    const kafka = kafkaClient('services-test');
    const topic = uniqueName('services_test');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      });
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(3);

      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const keys = Array.from({ length: 20 }, (_, i) => `user-${i}`);
      // Each key's messages carry a per-key sequence number so per-key order can be checked after consuming.
      const messages = Array.from({ length: 1_000 }, (_, i) => {
        const key = keys[i % keys.length] as string;
        return { key, value: JSON.stringify({ key, seq: Math.floor(i / keys.length) }) };
      });
      for (let i = 0; i < messages.length; i += 100) {
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 100) });
      }
      await producer.disconnect();

      const consumer = kafka.consumer({ groupId: uniqueName('services_test_group') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received: Array<{ partition: number; offset: bigint; key: string; seq: number }> = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`consumed only ${received.length} of 1000 within 60 s`)),
          60_000,
        );
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            const body = JSON.parse(message.value?.toString() ?? '{}') as { key: string; seq: number };
            received.push({ partition, offset: BigInt(message.offset), key: body.key, seq: body.seq });
            if (received.length === messages.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await consumer.disconnect();

      expect(received).toHaveLength(1_000);
      expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);
      const partitionOfKey = new Map<string, number>();
      const lastOffset = new Map<number, bigint>();
      const lastSeq = new Map<string, number>();
      for (const r of received) {
        // A key always lands on one partition...
        expect(partitionOfKey.get(r.key) ?? r.partition).toBe(r.partition);
        partitionOfKey.set(r.key, r.partition);
        // ...offsets within a partition arrive in order...
        expect(r.offset).toBeGreaterThan(lastOffset.get(r.partition) ?? -1n);
        lastOffset.set(r.partition, r.offset);
        // ...so each key's messages arrive in the order they were produced.
        expect(r.seq).toBe((lastSeq.get(r.key) ?? -1) + 1);
        lastSeq.set(r.key, r.seq);
      }
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  });
});

describe('local Cassandra 5 is real and usable from Node', () => {
  let client: CassandraClient;
  const keyspace = uniqueName('services_test');

  beforeAll(async () => {
    client = cassandraClient();
    await client.connect();
  });
  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {});
    await client.shutdown();
  });

  it('creates a keyspace and table, writes and reads back with a prepared statement', async () => {
    await client.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(`CREATE TABLE ${keyspace}.probe (id uuid PRIMARY KEY, name text, post_code text)`);
    const id = '5b0fbe1a-4f0e-4c47-9f9b-3f1d2b4c5a6e';
    await client.execute(
      `INSERT INTO ${keyspace}.probe (id, name, post_code) VALUES (?, ?, ?)`,
      [id, 'Zoë', '01234'],
      {
        prepare: true,
      },
    );
    const result = await client.execute(`SELECT name, post_code FROM ${keyspace}.probe WHERE id = ?`, [id], {
      prepare: true,
    });
    expect(result.rowLength).toBe(1);
    expect(result.first().get('name')).toBe('Zoë');
    expect(result.first().get('post_code')).toBe('01234');
  });
});

describe('local PostgreSQL 17 is real and usable from Node', () => {
  let pool: pg.Pool;
  const table = uniqueName('services_test');

  beforeAll(() => {
    pool = adminPostgresPool();
  });
  afterAll(async () => {
    await pool.query(`drop table if exists ${table}`).catch(() => {});
    await pool.end();
  });

  it('is PostgreSQL 17 and creates a table, inserts and selects', async () => {
    const version = await pool.query<{ server_version_num: string }>('show server_version_num');
    expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(170_000);
    await pool.query(`create table ${table} (id int primary key, name text not null)`);
    await pool.query(`insert into ${table} (id, name) values ($1, $2), ($3, $4)`, [1, 'ada', 2, "o'brien"]);
    const rows = await pool.query<{ id: number; name: string }>(`select id, name from ${table} order by id`);
    expect(rows.rows).toEqual([
      { id: 1, name: 'ada' },
      { id: 2, name: "o'brien" },
    ]);
  });
});
