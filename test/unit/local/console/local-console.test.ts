// Tests local/console/local-console.ts; also dashboard-state.ts, local-definition.ts, metric-store.ts, pipeline-snapshot.ts and start-console.ts (local/console/).
/**
 * The console's periodic refresh must stay cheap whatever the tables hold: no count(*), no read of a pipeline
 * table without a bound. Its store ports are recording fakes here, so every query it sends is seen.
 */
import type { Admin } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineMetrics } from '../../../../lib/constructs/observability/definition/metrics/pipeline.js';
import {
  graphPeriodMsOf,
  graphTimestamps,
  writtenSinceStart,
} from '../../../../local/console/dashboard-state.js';
import { LocalConsole } from '../../../../local/console/local-console.js';
import { LOCAL_NAMES, localDashboard } from '../../../../local/console/local-definition.js';
import { MetricStore } from '../../../../local/console/metric-store.js';
import type {
  CassandraQueries,
  PostgresQueries,
  StoreCount,
} from '../../../../local/console/pipeline-snapshot.js';
import { LOCAL_MAPPING_DIMENSIONS } from '../../../../local/console/start-console.js';

interface Recorded {
  readonly postgres: string[];
  readonly cassandra: { cql: string; params: readonly unknown[] }[];
}

function recordingPorts(recorded: Recorded): { postgres: PostgresQueries; cassandra: CassandraQueries } {
  return {
    postgres: {
      query: async <R extends object>(text: string) => {
        recorded.postgres.push(text);
        const rows = text.includes('pg_stat_user_tables')
          ? [{ relname: 'users', n_live_tup: '1000000' }]
          : [{ reason: 'schema_violation' }, { reason: 'schema_violation' }, { reason: 'invalid_json' }];
        return { rows: rows as unknown as R[] };
      },
    },
    cassandra: {
      execute: async (cql, params) => {
        recorded.cassandra.push({ cql, params });
        return { rows: [{ get: () => 600_000 }, { get: () => 400_000 }] };
      },
    },
  };
}

/** Kafka's admin as the snapshot reads it: one partition, 5 records, 3 committed. */
const fakeAdmin = {
  fetchTopicOffsets: async () => [{ partition: 0, offset: '5', high: '5', low: '0' }],
  fetchOffsets: async () => [{ topic: 'users', partitions: [{ partition: 0, offset: '3' }] }],
  listTopics: async () => [],
} as unknown as Admin;

let console_: LocalConsole | undefined;
afterEach(async () => {
  await console_?.close();
  console_ = undefined;
});

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the console's periodic refresh", () => {
  it('sends no count(*) and reads no pipeline table without a bound', async () => {
    const recorded: Recorded = { postgres: [], cassandra: [] };
    console_ = new LocalConsole({
      definition: localDashboard({ sinks: ['postgres', 'cassandra'] }),
      api: LOCAL_NAMES.api,
      offsetLagDimensions: LOCAL_MAPPING_DIMENSIONS,
      snapshotIntervalMs: 20,
    });
    const url = await console_.start(0, {
      admin: fakeAdmin,
      topic: 'users',
      groupId: 'processor',
      ...recordingPorts(recorded),
      keyspace: 'pipeline',
    });
    // Three refreshes at least: the first one and two of the timer's.
    await until(() => recorded.postgres.length >= 6, 'three refreshes');

    const queries = [...recorded.postgres, ...recorded.cassandra.map((c) => c.cql)];
    for (const query of queries) expect(query).not.toMatch(/count\s*\(/i);
    for (const query of recorded.postgres) {
      // Either the statistics collector's view, or a bounded read of the newest rows.
      expect(query.includes('pg_stat_user_tables') || /\blimit\b/i.test(query), query).toBe(true);
    }
    for (const { cql, params } of recorded.cassandra) {
      // One partition of Cassandra's own estimates per table, never the pipeline's keyspace.
      expect(cql).toMatch(/FROM system\.size_estimates WHERE keyspace_name = \? AND table_name = \?/);
      expect(params[0]).toBe('pipeline');
    }

    const state = (await (await fetch(`${url}/api/state`)).json()) as {
      pipeline: {
        estimatedSizes: StoreCount[];
        recentDeadLettersByReason: { reason: string; count: number }[];
      };
      written: StoreCount[];
    };
    expect(state.pipeline.estimatedSizes.every((c) => !c.exact)).toBe(true);
    expect(state.pipeline.estimatedSizes).toContainEqual(
      expect.objectContaining({ store: 'postgres', table: 'users', count: 1_000_000 }),
    );
    expect(state.pipeline.estimatedSizes).toContainEqual(
      expect.objectContaining({
        store: 'cassandra',
        table: 'created_users',
        unit: 'partitions',
        count: 1_000_000,
      }),
    );
    expect(state.pipeline.recentDeadLettersByReason).toEqual([
      { reason: 'invalid_json', count: 1 },
      { reason: 'schema_violation', count: 2 },
    ]);
    expect(state.written.every((c) => c.exact)).toBe(true);
  });
});

describe("the handlers' write counts", () => {
  it('count every user value and dead letter the processor reported, beyond the graphs retention', () => {
    const store = new MetricStore(10_000, 60_000);
    const metrics = new PipelineMetrics();
    const latency = metrics.endToEndLatency('p99');
    const invalid = metrics.recordsInvalid();
    const at = 1_800_000_000_000;
    store.put({ ...latency, timestamp: at, values: [12, 15, 30] });
    store.put({ ...invalid, timestamp: at, values: [2] });
    store.put({ ...latency, timestamp: at + 3_600_000, values: [9] });
    store.prune(at + 3_600_000);
    const [users, deadLetters] = writtenSinceStart(store);
    expect(users).toMatchObject({ count: 4, exact: true });
    expect(deadLetters).toMatchObject({ count: 2, exact: true });
  });
});

describe('graph periods', () => {
  it('are 10 s locally, the scaled minute when shorter, and whole slots of the store', () => {
    expect(graphPeriodMsOf(1)).toBe(10_000);
    expect(graphPeriodMsOf(0.1)).toBe(6_000); // --console-period-seconds 6
    expect(graphPeriodMsOf(0.2)).toBe(10_000); // --console-period-seconds 12
  });

  it("start at the console's start and show at most the last 30 minutes", () => {
    const startedAt = 1_800_000_003_000;
    expect(graphTimestamps(1, startedAt, startedAt + 1_000)).toEqual([1_800_000_000]);
    const minuteLater = graphTimestamps(1, startedAt, startedAt + 60_000);
    expect(minuteLater).toHaveLength(7);
    expect(minuteLater[0]).toBe(1_800_000_000);
    expect(graphTimestamps(1, startedAt, startedAt + 3 * 3_600_000)).toHaveLength(180);
  });
});
