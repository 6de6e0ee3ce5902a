import type { Admin } from 'kafkajs';
import { lagByPartition, topicDepth } from '../runtime/kafka-offsets.js';

/**
 * One count the console shows: `exact` when it is a count (the handlers' own write counts), false when it is
 * derived from a store's statistics without reading the table (an estimate), with how it was obtained.
 */
export interface StoreCount {
  readonly store: string;
  readonly table: string;
  /** What is counted: rows, or partitions (Cassandra's estimates count partitions, not rows). */
  readonly unit: 'rows' | 'partitions';
  readonly count: number;
  readonly exact: boolean;
  /** Where the figure comes from, shown as the count's tooltip. */
  readonly source: string;
}

/** What the console shows beside the metrics: Kafka positions, dead letters and table sizes per store. */
export interface PipelineSnapshot {
  readonly takenAt: number;
  readonly lagByPartition: readonly { readonly partition: number; readonly lag: number }[];
  /** Records in the failure topic; null when the stage has none or it does not exist yet. */
  readonly failureTopicDepth: number | null;
  /** How many of the newest dead letters {@link recentDeadLettersByReason} tallies. */
  readonly recentDeadLettersRead: number;
  /** Reasons of the latest {@link RECENT_DEAD_LETTERS} dead letters, with how many of them had each. */
  readonly recentDeadLettersByReason: readonly { readonly reason: string; readonly count: number }[];
  /** Table sizes from the stores' statistics: estimates, never a count over the table. */
  readonly estimatedSizes: readonly StoreCount[];
  /** Parts that could not be read this time (e.g. Cassandra down), by part. */
  readonly errors: Readonly<Record<string, string>>;
}

/**
 * What the snapshot asks PostgreSQL: the slice of pg.Pool it uses, so that a test can see every query.
 * Every query must stay cheap whatever the table size: a console polling every few seconds must not scan.
 */
export interface PostgresQueries {
  query<R extends object>(text: string, values?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** What the snapshot asks Cassandra: the slice of the driver's Client it uses. */
export interface CassandraQueries {
  execute(
    cql: string,
    params: readonly unknown[],
    options: { readonly prepare: boolean },
  ): Promise<{ rows: readonly { get(name: string): unknown }[] }>;
}

export interface SnapshotSources {
  readonly admin: Admin;
  readonly topic: string;
  readonly groupId: string;
  readonly failureTopic?: string;
  readonly postgres: PostgresQueries;
  readonly cassandra: CassandraQueries;
  readonly keyspace: string;
  readonly cassandraTables: readonly string[];
}

/** How often the console takes a snapshot unless told otherwise: a few reads every 5 s, never a scan. */
export const SNAPSHOT_INTERVAL_MS = 5_000;

/** Dead letters whose reasons the console tallies: the newest ones, read backwards on the primary key. */
export const RECENT_DEAD_LETTERS = 1_000;

/** The PostgreSQL tables the pipeline writes; their sizes come from the statistics collector. */
const POSTGRES_TABLES = ['users', 'dead_letters'] as const;

/** One snapshot; each part fails alone so that a stopped store leaves the others visible. */
export async function takeSnapshot(sources: SnapshotSources): Promise<PipelineSnapshot> {
  const errors: Record<string, string> = {};
  const part = async <T>(name: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      errors[name] = error instanceof Error ? error.message : String(error);
      return fallback;
    }
  };
  const [lag, failureTopicDepth, deadLetters, postgresSizes, cassandraSizes] = await Promise.all([
    part('kafka', () => lagByPartition(sources.admin, sources.topic, sources.groupId), []),
    part('failureTopic', () => topicDepth(sources.admin, sources.failureTopic), null),
    part('postgres', () => recentDeadLettersByReason(sources.postgres), []),
    part('postgres', () => postgresEstimates(sources.postgres), []),
    part(
      'cassandra',
      () => cassandraEstimates(sources.cassandra, sources.keyspace, sources.cassandraTables),
      [],
    ),
  ]);
  return {
    takenAt: Date.now(),
    lagByPartition: lag,
    failureTopicDepth,
    recentDeadLettersRead: RECENT_DEAD_LETTERS,
    recentDeadLettersByReason: deadLetters,
    estimatedSizes: [...postgresSizes, ...cassandraSizes],
    errors,
  };
}

/** Tallies the reasons of the newest dead letters: a bounded read, whatever the table holds. */
async function recentDeadLettersByReason(
  postgres: PostgresQueries,
): Promise<{ reason: string; count: number }[]> {
  const result = await postgres.query<{ reason: string }>(
    'select reason from dead_letters order by id desc limit $1',
    [RECENT_DEAD_LETTERS],
  );
  const tally = new Map<string, number>();
  for (const { reason } of result.rows) tally.set(reason, (tally.get(reason) ?? 0) + 1);
  return [...tally]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => a.reason.localeCompare(b.reason));
}

/** Live rows per table as PostgreSQL's statistics collector keeps them (updated as transactions commit). */
export async function postgresEstimates(postgres: PostgresQueries): Promise<StoreCount[]> {
  const result = await postgres.query<{ relname: string; n_live_tup: string }>(
    'select relname, n_live_tup from pg_stat_user_tables where schemaname = current_schema() and relname = any($1)',
    [POSTGRES_TABLES],
  );
  const live = new Map(result.rows.map((r) => [r.relname, Number(r.n_live_tup)]));
  return POSTGRES_TABLES.map((table) => ({
    store: 'postgres',
    table,
    unit: 'rows',
    count: live.get(table) ?? 0,
    exact: false,
    source: 'estimate: pg_stat_user_tables.n_live_tup (statistics, no table scan)',
  }));
}

/**
 * Partitions per table from Cassandra's own estimates (system.size_estimates, summed over the token ranges
 * it lists; Cassandra refreshes them every 5 minutes by default). A read of one system partition per table.
 */
export async function cassandraEstimates(
  cassandra: CassandraQueries,
  keyspace: string,
  tables: readonly string[],
): Promise<StoreCount[]> {
  return Promise.all(
    tables.map(async (table) => {
      const result = await cassandra.execute(
        'SELECT partitions_count FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?',
        [keyspace, table],
        { prepare: true },
      );
      const partitions = result.rows.reduce((sum, row) => sum + Number(row.get('partitions_count') ?? 0), 0);
      return {
        store: 'cassandra',
        table,
        unit: 'partitions',
        count: partitions,
        exact: false,
        source: 'estimate: system.size_estimates (no table scan; Cassandra refreshes it every 5 min)',
      } satisfies StoreCount;
    }),
  );
}
