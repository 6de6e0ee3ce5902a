import type pg from 'pg';
import {
  type PostgresConnectionConfig,
  readPostgresConnectionConfig,
} from '../../../shared/clients/postgres.js';
import { lambdaPostgresPool } from '../../../shared/clients/secrets.js';
import { defineSink } from '../sink-module.js';
import { POSTGRES_SINK_NAME } from './name.js';
import { PostgresSink } from './postgres-sink.js';

/**
 * PostgreSQL (RDS through RDS Proxy in AWS): users, tombstones and the batch's dead letters, in one transaction
 * per batch. Its pool logs in as pipeline_writer, the password from Secrets Manager in AWS (PG_SECRET_ARN).
 */
export const postgresSink = defineSink({
  name: POSTGRES_SINK_NAME,
  readSettings: (env): PostgresConnectionConfig => readPostgresConnectionConfig(env),
  createClient: (settings, logger) => {
    const pool = lambdaPostgresPool(settings, (message, detail) => logger.warn(message, detail));
    return { connect: async (): Promise<pg.Pool> => pool, close: () => pool.end() };
  },
  createSink: (pool) => new PostgresSink(pool),
});
