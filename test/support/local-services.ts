import { Client as CassandraClient, policies } from 'cassandra-driver';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { ApplicationRole } from '../../lambdas/shared/schema/postgres/roles.js';
import { adminConnection, readLocalServicesSettings, roleConnection } from '../../local/services/config.js';

/** Connection settings of the real local services, from the same variables the pipeline reads. */
export const services = readLocalServicesSettings();

export function kafkaClient(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: services.kafka.brokers.split(','), logLevel: logLevel.WARN });
}

export function cassandraClient(keyspace?: string): CassandraClient {
  return new CassandraClient({
    contactPoints: [services.cassandra.host],
    protocolOptions: { port: services.cassandra.port },
    localDataCenter: services.cassandra.localDataCenter,
    // Tests restart Cassandra; reconnect within seconds rather than the driver's default 10 minutes.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false) },
    ...(keyspace ? { keyspace } : {}),
  });
}

/**
 * The test's own access to PostgreSQL (administrator): setting up, asserting, cleaning. Never the pipeline's:
 * the code under test logs in as its role (`PGUSER`, from the local runtime's function environment).
 */
export function adminPostgresPool(): pg.Pool {
  const pool = new pg.Pool({ ...adminConnection(services), max: 4 });
  pool.on('error', () => {}); // tests restart PostgreSQL; idle clients die and are replaced on next use
  return pool;
}

/** A pool that logs in as an application role with its local password, optionally in one schema. */
export function rolePostgresPool(role: ApplicationRole, schema?: string): pg.Pool {
  const pool = new pg.Pool({
    ...roleConnection(services, role),
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    max: 2,
  });
  pool.on('error', () => {});
  return pool;
}

/** A name unique to one test run, so reruns against long-lived services never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A PostgreSQL schema of the calling suite's own, over the administrator pool. */
export interface ThrowawaySchema {
  readonly name: string;
  /** The administrator pool (in `beforeAll` and later). */
  pool(): pg.Pool;
  /** A session whose unqualified names resolve to the schema; the caller releases it. */
  session(): Promise<pg.PoolClient>;
}

/**
 * Registers the suite's hooks: creates the schema before its tests (hooks registered later run after this one)
 * and drops it, with everything in it, after them (hooks registered later run before that).
 */
export function throwawaySchema(prefix: string): ThrowawaySchema {
  const name = uniqueName(prefix);
  let admin: pg.Pool | undefined;
  const pool = (): pg.Pool => {
    if (admin === undefined) throw new Error(`schema ${name} used before its beforeAll`);
    return admin;
  };
  beforeAll(async () => {
    admin = adminPostgresPool();
    await admin.query(`CREATE SCHEMA ${name}`);
  });
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin?.end();
  });
  return {
    name,
    pool,
    async session() {
      const client = await pool().connect();
      await client.query(`SET search_path TO ${name}`);
      return client;
    },
  };
}

/** A Cassandra keyspace name of the calling suite's own, and the client that creates what it needs in it. */
export interface ThrowawayKeyspace {
  readonly name: string;
  /** The connected client (in `beforeAll` and later). */
  client(): CassandraClient;
}

/** Registers the suite's hooks: connects a client before its tests; drops the keyspace and shuts down after. */
export function throwawayKeyspace(prefix: string): ThrowawayKeyspace {
  const name = uniqueName(prefix);
  let connected: CassandraClient | undefined;
  beforeAll(async () => {
    connected = cassandraClient();
    await connected.connect();
  });
  afterAll(async () => {
    await connected?.execute(`DROP KEYSPACE IF EXISTS ${name}`);
    await connected?.shutdown();
  });
  return {
    name,
    client() {
      if (connected === undefined) throw new Error(`keyspace ${name} used before its beforeAll`);
      return connected;
    },
  };
}

export interface ConsumedMessage {
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** Reads a topic from the beginning until `expected` messages arrived (fails after 60 s), in a fresh group. */
export async function consumeAll(kafka: Kafka, topic: string, expected: number): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('test_check') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: ConsumedMessage[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${received.length} of ${expected}`)), 60_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({ partition, message });
          if (received.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}

/** Every record ever appended to `topic`: the sum of its partitions' high watermarks. */
export async function highWatermarkTotal(kafka: Kafka, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
  } finally {
    await admin.disconnect();
  }
}
