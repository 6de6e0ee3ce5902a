import { cassandraClient, postgresPool, processorSettings } from './clients.js';
import type { Sink } from './process-batch.js';
import { CassandraUserStore } from './stores/cassandra-user-store.js';
import { PostgresUserStore } from './stores/postgres-user-store.js';

/**
 * The processor's sinks, in order (PROCESSOR_SINK_NAMES names them for the dashboards). A new store is a new
 * class implementing Sink in stores/, one entry here, and one in PROCESSOR_SINK_NAMES: see docs/extending.md.
 */
export async function processorSinks(): Promise<Sink[]> {
  return [
    new PostgresUserStore(postgresPool),
    new CassandraUserStore(await cassandraClient(), {
      keyspace: processorSettings.keyspace,
      concurrency: processorSettings.cassandraWriteConcurrency,
    }),
  ];
}
