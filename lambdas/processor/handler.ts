import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, MSKEvent } from 'aws-lambda';
import { cassandraClient, logger, metrics, postgresPool, processorSettings } from './clients.js';
import { ProcessorMetric } from './metric-names.js';
import { type BatchOutcome, processMskEvent } from './process-batch.js';
import { CassandraUserStore } from './stores/cassandra-user-store.js';
import { PostgresUserStore } from './stores/postgres-user-store.js';

/** MSK event source mapping → decode, validate, dead-letter, write to PostgreSQL and Keyspaces. */
export const handler = async (event: MSKEvent, context: Context): Promise<BatchOutcome> => {
  logger.addContext(context);
  try {
    const outcome = await processMskEvent(event, {
      postgres: new PostgresUserStore(postgresPool),
      cassandra: new CassandraUserStore(await cassandraClient(), {
        keyspace: processorSettings.keyspace,
        concurrency: processorSettings.cassandraWriteConcurrency,
      }),
      logger,
    });
    metrics.addMetric(ProcessorMetric.recordsReceived, MetricUnit.Count, outcome.received);
    metrics.addMetric(ProcessorMetric.recordsValid, MetricUnit.Count, outcome.valid);
    metrics.addMetric(ProcessorMetric.recordsInvalid, MetricUnit.Count, outcome.invalid);
    metrics.addMetric(ProcessorMetric.batchSize, MetricUnit.Count, outcome.received);
    metrics.addMetric(ProcessorMetric.postgresWriteLatency, MetricUnit.Milliseconds, outcome.postgresMs);
    metrics.addMetric(ProcessorMetric.cassandraWriteLatency, MetricUnit.Milliseconds, outcome.cassandraMs);
    metrics.addMetric(ProcessorMetric.oldestRecordAge, MetricUnit.Milliseconds, outcome.oldestRecordAgeMs);
    logger.info('batch processed', { ...outcome });
    return outcome;
  } catch (error) {
    metrics.addMetric(ProcessorMetric.batchFailures, MetricUnit.Count, 1);
    logger.error('batch failed; the event source mapping will retry it', error as Error);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
};
