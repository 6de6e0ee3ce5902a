import {
  type CassandraConnectionConfig,
  readCassandraConnectionConfig,
} from '../shared/clients/cassandra.js';
import { type PostgresConnectionConfig, readPostgresConnectionConfig } from '../shared/clients/postgres.js';
import { type Env, integer, once } from '../shared/config.js';
import { readSignupDayLayout, type SignupDayLayout } from '../shared/schema/cassandra/day-table-layout.js';

export interface ProcessorConfig {
  readonly postgres: PostgresConnectionConfig;
  readonly cassandra: CassandraConnectionConfig;
  /** Cassandra/Keyspaces writes in flight at once per invocation. */
  readonly cassandraWriteConcurrency: number;
  /** The stage's day tables (SIGNUP_DAY_BUCKETS, SIGNUP_DAY_LEGACY_TABLE). */
  readonly signupDay: SignupDayLayout;
}

export function readProcessorConfig(env: Env): ProcessorConfig {
  return {
    postgres: readPostgresConnectionConfig(env),
    cassandra: readCassandraConnectionConfig(env),
    cassandraWriteConcurrency: integer(env, 'CASSANDRA_WRITE_CONCURRENCY', 64, { min: 1, max: 1024 }),
    signupDay: readSignupDayLayout(env),
  };
}

/** Read once per container; throws a typed error naming the variable when misconfigured. */
export const getProcessorConfig = once(() => readProcessorConfig(process.env));
