import {
  type CassandraConnectionConfig,
  readCassandraConnectionConfig,
} from '../shared/clients/cassandra.js';
import { type PostgresConnectionConfig, readPostgresConnectionConfig } from '../shared/clients/postgres.js';
import { type Env, once } from '../shared/config.js';
import { type KafkaProducerConfig, readKafkaProducerConfig } from '../shared/kafka/config.js';

export interface VerificationConfig {
  /** The reader role's login (pipeline_reader): SELECT on users and dead_letters, nothing written. */
  readonly postgres: PostgresConnectionConfig;
  /** Keyspaces (or Cassandra locally), read-only grants. */
  readonly cassandra: CassandraConnectionConfig;
  /** The source topic, where the poison record goes (the function's only write). */
  readonly kafka: KafkaProducerConfig;
}

/** The PG* (reader), CASSANDRA_* and KAFKA_* settings, as the other functions read theirs. */
export function readVerificationConfig(env: Env): VerificationConfig {
  return {
    postgres: readPostgresConnectionConfig(env),
    cassandra: readCassandraConnectionConfig(env),
    kafka: readKafkaProducerConfig(env, { clientId: 'verification' }),
  };
}

/** Read once per container; throws a typed error naming the variable when misconfigured. */
export const getVerificationConfig = once(() => readVerificationConfig(process.env));
