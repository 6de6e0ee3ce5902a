import { Client as CassandraClient, policies } from 'cassandra-driver';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import pg from 'pg';
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
