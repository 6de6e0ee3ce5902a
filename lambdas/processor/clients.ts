// Clients live for the container: created once at module scope, reused by every invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Client } from 'cassandra-driver';
import { createCassandraClient } from '../shared/clients/cassandra.js';
import { createPostgresPool } from '../shared/clients/postgres.js';
import { createSecretsManagerClient, secretsManagerLoader } from '../shared/clients/secrets.js';
import { getProcessorConfig } from './config.js';
import { PIPELINE_METRICS_NAMESPACE } from './metric-names.js';

const config = getProcessorConfig();

export const logger = new Logger({ serviceName: 'processor' });
export const metrics = new Metrics({ namespace: PIPELINE_METRICS_NAMESPACE, serviceName: 'processor' });

export const postgresPool = createPostgresPool(
  config.postgres,
  config.postgres.secretArn ? secretsManagerLoader(createSecretsManagerClient()) : undefined,
  (error) =>
    logger.warn('idle PostgreSQL connection lost; the pool reconnects on next use', { error: error.message }),
);

let cassandra: Promise<Client> | undefined;

/** The connected Cassandra/Keyspaces client; a failed first connect is retried on the next invocation. */
export function cassandraClient(): Promise<Client> {
  cassandra ??= createCassandraClient(config.cassandra)
    .then(async (client) => {
      await client.connect();
      return client;
    })
    .catch((error: unknown) => {
      cassandra = undefined;
      throw error;
    });
  return cassandra;
}

export const processorSettings = {
  keyspace: config.cassandra.keyspace,
  cassandraWriteConcurrency: config.cassandraWriteConcurrency,
  signupDay: config.signupDay,
};
