import type { Client as CassandraClient } from 'cassandra-driver';
import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { lagByPartition, topicDepth } from '../runtime/kafka-offsets.js';

/** What the console shows beside the metrics: Kafka positions, dead letters and rows per store. */
export interface PipelineSnapshot {
  readonly takenAt: number;
  readonly lagByPartition: readonly { readonly partition: number; readonly lag: number }[];
  /** Records in the failure topic; null when the stage has none or it does not exist yet. */
  readonly failureTopicDepth: number | null;
  readonly deadLettersByReason: readonly { readonly reason: string; readonly count: number }[];
  readonly rowsByStore: readonly { readonly store: string; readonly table: string; readonly rows: number }[];
  /** Parts that could not be read this time (e.g. Cassandra down), by part. */
  readonly errors: Readonly<Record<string, string>>;
}

export interface SnapshotSources {
  readonly admin: Admin;
  readonly topic: string;
  readonly groupId: string;
  readonly failureTopic?: string;
  readonly postgres: pg.Pool;
  readonly cassandra: CassandraClient;
  readonly keyspace: string;
  readonly cassandraTables: readonly string[];
}

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
  const [lag, failureTopicDepth, deadLetters, postgresRows, cassandraRows] = await Promise.all([
    part('kafka', () => lagByPartition(sources.admin, sources.topic, sources.groupId), []),
    part('failureTopic', () => topicDepth(sources.admin, sources.failureTopic), null),
    part('postgres', () => deadLettersByReason(sources.postgres), []),
    part('postgres', () => postgresRowCounts(sources.postgres), []),
    part('cassandra', () => cassandraRowCounts(sources), []),
  ]);
  return {
    takenAt: Date.now(),
    lagByPartition: lag,
    failureTopicDepth,
    deadLettersByReason: deadLetters,
    rowsByStore: [...postgresRows, ...cassandraRows],
    errors,
  };
}

async function deadLettersByReason(pool: pg.Pool): Promise<{ reason: string; count: number }[]> {
  const result = await pool.query<{ reason: string; n: string }>(
    'select reason, count(*) as n from dead_letters group by reason order by reason',
  );
  return result.rows.map((r) => ({ reason: r.reason, count: Number(r.n) }));
}

async function postgresRowCounts(pool: pg.Pool): Promise<{ store: string; table: string; rows: number }[]> {
  const result = await pool.query<{ users: string; dead: string }>(
    'select (select count(*) from users) as users, (select count(*) from dead_letters) as dead',
  );
  const row = result.rows[0];
  return [
    { store: 'postgres', table: 'users', rows: Number(row?.users ?? 0) },
    { store: 'postgres', table: 'dead_letters', rows: Number(row?.dead ?? 0) },
  ];
}

async function cassandraRowCounts(
  sources: SnapshotSources,
): Promise<{ store: string; table: string; rows: number }[]> {
  const counts = await Promise.all(
    sources.cassandraTables.map(async (table) => {
      const result = await sources.cassandra.execute(
        `SELECT count(*) FROM ${sources.keyspace}.${table}`,
        [],
        {
          readTimeout: 10_000,
        },
      );
      return { store: 'cassandra', table, rows: Number(result.first()?.get(0) ?? 0) };
    }),
  );
  return counts;
}
