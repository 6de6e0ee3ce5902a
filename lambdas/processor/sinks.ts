import { cassandraClient, postgresPool, processorSettings } from './clients.js';
import type { Sink } from './process-batch.js';
import { sinksOf } from './sink-list.js';

/** The sinks on the container's module-scope clients. */
export async function processorSinks(): Promise<Sink[]> {
  return sinksOf({
    postgres: postgresPool,
    cassandra: await cassandraClient(),
    keyspace: processorSettings.keyspace,
    signupDay: processorSettings.signupDay,
    cassandraWriteConcurrency: processorSettings.cassandraWriteConcurrency,
  });
}
