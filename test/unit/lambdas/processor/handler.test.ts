/**
 * The processor Lambda's handler around processMskEvent: on a failed batch it records the batch-failure metric,
 * logs, publishes the metrics and rethrows, so the event source mapping retries the batch. The container's
 * clients (from which the real sinks are built) are stand-ins: a PostgreSQL pool whose connection can be made to fail, a Cassandra client that
 * records, and a metrics object that records what the handler emits.
 */
import type { Context } from 'aws-lambda';
import type { Client as CassandraClient } from 'cassandra-driver';
import type pg from 'pg';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readCassandraConnectionConfig } from '../../../../lambdas/shared/clients/cassandra.js';
import { readPostgresConnectionConfig } from '../../../../lambdas/shared/clients/postgres.js';
import { mskEventOf } from '../../../support/msk-fixtures.js';
import { sampleEvent } from '../shared/contract/fixtures.js';

const container = vi.hoisted(() => ({
  postgresFailure: undefined as Error | undefined,
  postgresStatements: [] as string[],
  cassandraWrites: 0,
  metrics: [] as { name: string; unit: string; value: number }[],
  published: 0,
  errors: [] as string[],
}));

vi.mock('../../../../lambdas/processor/clients.js', async () => {
  const { sinkModules, postgresSink, cassandraSink } = await loadSinkModules();
  const client = {
    query: async (sql: string) => {
      container.postgresStatements.push(sql.trim().split(/\s+/).slice(0, 3).join(' ').toLowerCase());
      if (container.postgresFailure && sql.includes('insert into users')) throw container.postgresFailure;
      return { rows: [] };
    },
    release: () => {},
  };
  const cassandra = {
    // The stored-state reads (nothing is stored for these users); every other statement is a write.
    execute: async (query: string) => {
      if (!query.startsWith('SELECT')) container.cassandraWrites += 1;
      return { rows: [] };
    },
  };
  const settings = {
    connection: readCassandraConnectionConfig({}),
    writeConcurrency: 4,
    signupDay: { buckets: 4, legacyTable: 'none' as const },
  };
  return {
    logger: {
      addContext: () => {},
      info: () => {},
      warn: () => {},
      error: (message: string) => void container.errors.push(message),
    },
    metrics: {
      addMetric: (name: string, unit: string, value: number) =>
        void container.metrics.push({ name, unit, value }),
      publishStoredMetrics: () => {
        container.published += 1;
      },
    },
    // The real modules' sinks on the stand-in clients.
    processorSinks: {
      modules: sinkModules,
      sinks: async () => [
        postgresSink.createSink(
          { connect: async () => client } as unknown as pg.Pool,
          readPostgresConnectionConfig({}),
        ),
        cassandraSink.createSink(cassandra as unknown as CassandraClient, settings),
      ],
      client: async () => undefined,
      close: async () => {},
    },
  };
});

async function loadSinkModules() {
  const [{ sinkModules }, { postgresSink }, { cassandraSink }] = await Promise.all([
    import('../../../../lambdas/processor/sinks/index.js'),
    import('../../../../lambdas/processor/sinks/postgres/index.js'),
    import('../../../../lambdas/processor/sinks/cassandra/index.js'),
  ]);
  return { sinkModules, postgresSink, cassandraSink };
}

const { handler } = await import('../../../../lambdas/processor/handler.js');

const context = { functionName: 'processor', awsRequestId: 'req-1' } as unknown as Context;
const oneUser = () => mskEventOf([{ offset: 0, key: sampleEvent().payload.id, value: sampleEvent() }]);
const metricNames = () => container.metrics.map((m) => m.name);

describe('processor handler', () => {
  beforeEach(() => {
    container.postgresFailure = undefined;
    container.postgresStatements.length = 0;
    container.cassandraWrites = 0;
    container.metrics.length = 0;
    container.published = 0;
    container.errors.length = 0;
  });

  it('records the batch-failure metric, publishes it and rethrows when a store write fails', async () => {
    container.postgresFailure = new Error('connection to server was lost');
    await expect(handler(oneUser(), context)).rejects.toThrow(/connection to server was lost/);
    expect(container.metrics).toEqual([
      { name: 'BatchFailures', unit: 'Count', value: 1 },
      { name: 'PostgresWriteFailures', unit: 'Count', value: 1 },
    ]);
    expect(container.published).toBe(1);
    expect(container.errors).toEqual(['batch failed; the event source mapping will retry it']);
    // The failing upsert was rolled back on its connection.
    expect(container.postgresStatements).toContain('rollback');
  });

  it('records the batch metrics and no failure when the batch is stored', async () => {
    const outcome = await handler(oneUser(), context);
    expect(outcome).toMatchObject({ received: 1, valid: 1, invalid: 0 });
    expect(container.cassandraWrites).toBeGreaterThan(0);
    expect(metricNames()).not.toContain('BatchFailures');
    expect(container.metrics).toEqual(
      expect.arrayContaining([
        { name: 'RecordsReceived', unit: 'Count', value: 1 },
        { name: 'RecordsValid', unit: 'Count', value: 1 },
        { name: 'RecordsInvalid', unit: 'Count', value: 0 },
      ]),
    );
    expect(metricNames()).toEqual(expect.arrayContaining(['PostgresWriteLatency', 'CassandraWriteLatency']));
    // One EndToEndLatency value per stored user: the batch's end-to-end times, as the outcome has them.
    const endToEnd = container.metrics.filter((m) => m.name === 'EndToEndLatency');
    expect(endToEnd.map((m) => m.value)).toEqual(outcome.endToEndMs);
    expect(endToEnd).toHaveLength(1);
    expect(endToEnd[0]?.unit).toBe('Milliseconds');
    expect(container.published).toBe(1);
  });
});
