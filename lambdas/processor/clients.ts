// Clients live for the container: created once at module scope, reused by every invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PIPELINE_METRICS_NAMESPACE } from './metric-names.js';
import { openSinks, sinkModules } from './sinks/index.js';

export const logger = new Logger({ serviceName: 'processor' });
export const metrics = new Metrics({ namespace: PIPELINE_METRICS_NAMESPACE, serviceName: 'processor' });

/**
 * The sinks of `sinkModules` on the container's clients. Each module's settings are read here, once per
 * container: a misconfigured variable fails the import with a typed error naming it.
 */
export const processorSinks = openSinks(sinkModules, process.env, logger);

/**
 * Ends the container's connections. Lambda never calls it (a container is frozen, then discarded); the local
 * mirror does before it stops PostgreSQL and Cassandra, which would otherwise cut these connections (the pool's
 * "idle connection lost" warnings) or, for PostgreSQL, wait for them.
 */
export async function closeProcessorClients(): Promise<void> {
  await processorSinks.close();
}
