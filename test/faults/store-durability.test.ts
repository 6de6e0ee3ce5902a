/**
 * An acknowledged write survives a SIGKILL of the service that acknowledged it, for each local store.
 *
 * The pipeline commits its Kafka offsets once both sinks acknowledged a batch, and the HTTP API answers 202
 * once Kafka acknowledged the event, so an acknowledged write the service then forgets is lost for good. AWS's
 * services do not forget (Keyspaces, MSK and RDS acknowledge durable writes), so the mirror's must not either.
 * Cassandra's default `commitlog_sync: periodic` did: a SIGKILL right after 2,000 acknowledged inserts kept
 * 1,432, 1,965 and 1,997 of them in three runs (local/services/cassandra.ts now syncs before it acknowledges).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '../../local/services/local-service.js';
import { waitForExit } from '../../local/services/process-supervisor.js';
import { bringUp, createLocalServices } from '../../local/services/service-runner.js';
import {
  adminPostgresPool,
  cassandraClient,
  kafkaClient,
  services,
  uniqueName,
} from '../support/local-services.js';
import { killService } from './support.js';

const WRITES = 2_000;
const IN_FLIGHT = 50;
const log = (message: string) => console.error(`[store-durability] ${message}`);

/** Runs `write(i)` for i in [0, WRITES), IN_FLIGHT at a time; resolves once every write was acknowledged. */
async function acknowledgedWrites(write: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < WRITES; i += IN_FLIGHT) {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, WRITES - i) }, (_, j) => write(i + j)));
  }
}

/** SIGKILL right after the last acknowledgement, then the service's own start and health check. */
async function killAndRestart(name: ServiceName): Promise<void> {
  const pid = killService(name);
  log(`${WRITES} writes acknowledged; SIGKILL ${name} (pid ${pid})`);
  // Until the kernel has taken it down, the killed process still counts as a running server to `up`.
  await waitForExit(pid);
  await bringUp(
    createLocalServices(services).filter((s) => s.name === name),
    log,
  );
}

describe('an acknowledged write survives SIGKILL', () => {
  beforeAll(async () => {
    // Every service up (a previous file may have left one restarting).
    await bringUp(createLocalServices(services), log);
  });

  it('Cassandra: every acknowledged insert is there after the restart', async () => {
    const keyspace = uniqueName('durability');
    const client = cassandraClient();
    await client.connect();
    try {
      await client.execute(
        `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      await client.execute(`CREATE TABLE ${keyspace}.acknowledged (id int PRIMARY KEY, value text)`);
      await acknowledgedWrites((i) =>
        client.execute(
          `INSERT INTO ${keyspace}.acknowledged (id, value) VALUES (?, ?)`,
          [i, 'x'.repeat(200)],
          {
            prepare: true,
          },
        ),
      );
    } finally {
      await client.shutdown();
    }
    await killAndRestart('cassandra');
    const after = cassandraClient();
    await after.connect();
    try {
      const result = await after.execute(`SELECT count(*) AS n FROM ${keyspace}.acknowledged`);
      expect(Number(result.rows[0]?.get('n'))).toBe(WRITES);
      await after.execute(`DROP KEYSPACE ${keyspace}`);
    } finally {
      await after.shutdown();
    }
  });

  it('PostgreSQL: every committed insert is there after the restart', async () => {
    const table = uniqueName('durability');
    const pool = adminPostgresPool();
    try {
      await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, value text)`);
      await acknowledgedWrites((i) =>
        pool.query(`INSERT INTO ${table} VALUES ($1, $2)`, [i, 'x'.repeat(200)]),
      );
    } finally {
      await pool.end();
    }
    await killAndRestart('postgres');
    const after = adminPostgresPool();
    try {
      const result = await after.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      expect(Number(result.rows[0]?.n)).toBe(WRITES);
      await after.query(`DROP TABLE ${table}`);
    } finally {
      await after.end();
    }
  });

  it('Kafka: every record produced with acks=all is there after the restart', async () => {
    const topic = uniqueName('durability');
    const kafka = kafkaClient('store-durability');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await acknowledgedWrites((i) =>
        producer.send({ topic, acks: -1, messages: [{ key: String(i), value: 'x'.repeat(200) }] }),
      );
    } finally {
      await producer.disconnect();
    }
    await killAndRestart('kafka');
    const afterAdmin = kafkaClient('store-durability-after').admin();
    await afterAdmin.connect();
    try {
      const offsets = await afterAdmin.fetchTopicOffsets(topic);
      expect(offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)).toBe(WRITES);
      await afterAdmin.deleteTopics({ topics: [topic] });
    } finally {
      await afterAdmin.disconnect();
    }
  });

  afterAll(async () => {
    await bringUp(createLocalServices(services), log);
  });
});
