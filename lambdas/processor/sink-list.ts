import type { Client } from 'cassandra-driver';
import type pg from 'pg';
import type { SignupDayLayout } from '../shared/schema/cassandra/day-table-layout.js';
import type { Sink } from './process-batch.js';
import { CassandraUserStore } from './stores/cassandra-user-store.js';
import { PostgresUserStore } from './stores/postgres-user-store.js';

// Pure: no module-scope clients, so local tools (local/airflow/process-topic.ts) build the same list on theirs.
/** What the sinks write with: the clients and the settings of the stores. */
export interface SinkClients {
  readonly postgres: pg.Pool;
  readonly cassandra: Client;
  readonly keyspace: string;
  /** The stage's day tables. */
  readonly signupDay: SignupDayLayout;
  /** Cassandra writes in flight. @default the store's */
  readonly cassandraWriteConcurrency?: number;
}

/**
 * The processor's sinks, in order (PROCESSOR_SINK_NAMES names them for the dashboards). A new store is a new
 * class implementing Sink in stores/, one entry here, and one in PROCESSOR_SINK_NAMES: see docs/extending.md.
 */
export function sinksOf(clients: SinkClients): Sink[] {
  return [
    new PostgresUserStore(clients.postgres),
    new CassandraUserStore(clients.cassandra, {
      keyspace: clients.keyspace,
      signupDay: clients.signupDay,
      ...(clients.cassandraWriteConcurrency === undefined
        ? {}
        : { concurrency: clients.cassandraWriteConcurrency }),
    }),
  ];
}
