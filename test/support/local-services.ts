import { Client as CassandraClient, policies } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { readLocalServicesSettings } from '../../local/services/config.js';

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

export function postgresPool(): pg.Pool {
  const { host, port, user, password, database } = services.postgres;
  const pool = new pg.Pool({ host, port, user, password, database, max: 4 });
  pool.on('error', () => {}); // tests restart PostgreSQL; idle clients die and are replaced on next use
  return pool;
}

/** A name unique to one test run, so reruns against long-lived services never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
