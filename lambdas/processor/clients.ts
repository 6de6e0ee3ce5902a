// Clients live for the container: created once at module scope, reused by every invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lazyCassandraClient } from '../shared/clients/lazy-cassandra.js';
import { lambdaPostgresPool } from '../shared/clients/secrets.js';
import { getProcessorConfig } from './config.js';
import { PIPELINE_METRICS_NAMESPACE } from './metric-names.js';

const config = getProcessorConfig();

export const logger = new Logger({ serviceName: 'processor' });
export const metrics = new Metrics({ namespace: PIPELINE_METRICS_NAMESPACE, serviceName: 'processor' });

export const postgresPool = lambdaPostgresPool(config.postgres, (message, detail) =>
  logger.warn(message, detail),
);

/** The connected Cassandra/Keyspaces client; a failed first connect is retried on the next invocation. */
export const cassandraClient = lazyCassandraClient(config.cassandra);

export const processorSettings = {
  keyspace: config.cassandra.keyspace,
  cassandraWriteConcurrency: config.cassandraWriteConcurrency,
  signupDay: config.signupDay,
};

/**
 * Ends the container's connections. Lambda never calls it (a container is frozen, then discarded); the local
 * mirror does before it stops PostgreSQL and Cassandra, which would otherwise cut these connections (the pool's
 * "idle connection lost" warnings) or, for PostgreSQL, wait for them.
 */
export async function closeProcessorClients(): Promise<void> {
  await Promise.all([postgresPool.end(), cassandraClient.shutdown()]);
}
