/**
 * How the DAG-test helpers (apply-schemas.ts, process-topic.ts) reach the local stores: the PG* and CASSANDRA_*
 * variables of `npm run services -- env`, with the services' defaults.
 */
import { Client as CassandraClient } from 'cassandra-driver';
import type pg from 'pg';

/** node-postgres settings, optionally with search_path set to one schema. */
export function postgresSettings(schema?: string): pg.ClientConfig {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD ?? 'postgres',
    database: process.env.PGDATABASE ?? 'pipeline',
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
}

/** A (not yet connected) Cassandra client for the local node. */
export function localCassandraClient(): CassandraClient {
  return new CassandraClient({
    contactPoints: (process.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1').split(',').map((p) => p.trim()),
    protocolOptions: { port: Number(process.env.CASSANDRA_PORT ?? 9042) },
    localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
  });
}
