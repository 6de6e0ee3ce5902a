import type { Client } from 'cassandra-driver';
import {
  type CassandraConnectionConfig,
  readCassandraConnectionConfig,
} from '../../../shared/clients/cassandra.js';
import { lazyCassandraClient } from '../../../shared/clients/lazy-cassandra.js';
import { type Env, integer } from '../../../shared/config.js';
import {
  readSignupDayLayout,
  type SignupDayLayout,
} from '../../../shared/schema/cassandra/day-table-layout.js';
import { defineSink } from '../sink-module.js';
import { CassandraSink } from './cassandra-sink.js';
import { CASSANDRA_SINK_NAME } from './name.js';

export interface CassandraSinkSettings {
  readonly connection: CassandraConnectionConfig;
  /** Cassandra/Keyspaces writes in flight at once per invocation (CASSANDRA_WRITE_CONCURRENCY). @default the store's */
  readonly writeConcurrency?: number;
  /** The stage's day tables (SIGNUP_DAY_BUCKETS, SIGNUP_DAY_LEGACY_TABLE). */
  readonly signupDay: SignupDayLayout;
}

export function readCassandraSinkSettings(env: Env): CassandraSinkSettings {
  return {
    connection: readCassandraConnectionConfig(env),
    writeConcurrency: integer(env, 'CASSANDRA_WRITE_CONCURRENCY', 64, { min: 1, max: 1024 }),
    signupDay: readSignupDayLayout(env),
  };
}

/**
 * Cassandra / Amazon Keyspaces: the day tables and created_users, newest-wins from the stored state. Its
 * client connects on the first invocation; a failed connect is retried on the next one.
 */
export const cassandraSink = defineSink({
  name: CASSANDRA_SINK_NAME,
  readSettings: readCassandraSinkSettings,
  createClient: (settings) => {
    const client = lazyCassandraClient(settings.connection);
    return { connect: (): Promise<Client> => client(), close: () => client.shutdown() };
  },
  createSink: (client, settings) =>
    new CassandraSink(client, {
      keyspace: settings.connection.keyspace,
      signupDay: settings.signupDay,
      ...(settings.writeConcurrency === undefined ? {} : { concurrency: settings.writeConcurrency }),
    }),
});
