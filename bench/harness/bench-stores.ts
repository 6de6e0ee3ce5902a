import { Client as CassandraClient, types } from 'cassandra-driver';
import pg from 'pg';
import {
  applyCassandraSchema,
  cassandraTablesOf,
  type TableDefinition,
} from '../../lambdas/shared/schema/cassandra/index.js';
import { runMigrations } from '../../lambdas/shared/schema/postgres/migrate.js';
import { enableRoleLogins } from '../../lambdas/shared/schema/postgres/roles.js';
import { localSignupDayLayout } from '../../local/runtime/local-mapping.js';
import {
  adminConnection,
  functionEnvironment,
  type LocalServicesSettings,
} from '../../local/services/config.js';

/**
 * The benchmark writes to its own PostgreSQL database and Cassandra keyspace, so it can empty them between
 * runs (every run starts from the same empty tables) without touching the data of `npm start`.
 */
export const BENCH_DATABASE = 'bench';
export const BENCH_KEYSPACE = 'bench';

/** What a child process (processor worker, local pipeline) needs to use the bench stores: the functions' environment (the processor logs in as pipeline_writer). */
export function benchEnvironment(
  settings: LocalServicesSettings,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...functionEnvironment(settings),
    PGDATABASE: BENCH_DATABASE,
    CASSANDRA_KEYSPACE: BENCH_KEYSPACE,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...extra,
  };
}

export class BenchStores {
  /** The bench's own access (administrator): migrations, emptying and counting the tables. */
  readonly postgres: pg.Pool;
  readonly cassandra: CassandraClient;

  private constructor(settings: LocalServicesSettings) {
    this.postgres = new pg.Pool({ ...adminConnection(settings), database: BENCH_DATABASE, max: 8 });
    this.postgres.on('error', () => {}); // idle connections of a pool the bench owns; queries still report
    this.cassandra = new CassandraClient({
      contactPoints: [settings.cassandra.host],
      protocolOptions: { port: settings.cassandra.port },
      localDataCenter: settings.cassandra.localDataCenter,
      socketOptions: { readTimeout: 60_000 },
      pooling: { maxRequestsPerConnection: 4096 },
    });
  }

  /** Creates the database (if missing), runs the migrations and applies the CQL schema; idempotent. */
  static async open(settings: LocalServicesSettings): Promise<BenchStores> {
    const admin = new pg.Client(adminConnection(settings));
    await admin.connect();
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [BENCH_DATABASE]);
      if (exists.rowCount === 0) await admin.query(`create database ${pg.escapeIdentifier(BENCH_DATABASE)}`);
    } finally {
      await admin.end();
    }
    const stores = new BenchStores(settings);
    const client = await stores.postgres.connect();
    try {
      await runMigrations(client);
      // The bench database's tables get migration 0006's grants; the roles (cluster-wide) get their logins.
      await enableRoleLogins(client, settings.postgres.roleLogins);
    } finally {
      client.release();
    }
    await stores.cassandra.connect();
    await applyCassandraSchema(stores.cassandra, {
      keyspace: BENCH_KEYSPACE,
      signupDay: localSignupDayLayout(),
    });
    return stores;
  }

  /** Empties every table the pipeline writes, so each run inserts into the same empty tables. */
  async empty(): Promise<void> {
    await this.postgres.query('truncate users, dead_letters');
    for (const table of cassandraTablesOf(localSignupDayLayout())) {
      await this.cassandra.execute(`TRUNCATE ${BENCH_KEYSPACE}.${table.name}`, [], {
        readTimeout: 120_000,
      });
    }
  }

  /**
   * Turns Cassandra's background compaction of the bench tables off or back on (the table's own strategy and
   * options are kept; `enabled` is a standard compaction option). A compaction is the same work whatever the
   * pipeline around it does, but it lands in whichever run crossed a flush threshold: paused, the runs that
   * compare two settings differ by the settings, not by when a compaction fell.
   */
  async setCompaction(enabled: boolean): Promise<void> {
    for (const table of cassandraTablesOf(localSignupDayLayout())) {
      const schema = await this.cassandra.execute(
        'SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
        [BENCH_KEYSPACE, table.name],
        { prepare: true },
      );
      const current = (schema.first()?.get('compaction') ?? {}) as Record<string, string>;
      const options = Object.entries({ ...current, enabled: String(enabled) })
        .map(([key, value]) => `'${key}': '${value}'`)
        .join(', ');
      await this.cassandra.execute(
        `ALTER TABLE ${BENCH_KEYSPACE}.${table.name} WITH compaction = {${options}}`,
      );
    }
  }

  async rowCounts(): Promise<{ postgres: number; cassandra: number }> {
    const [users, wide] = await Promise.all([
      this.postgres.query<{ n: string }>('select count(*) as n from users'),
      this.cassandra.execute(`SELECT count(*) FROM ${BENCH_KEYSPACE}.created_users`, [], {
        readTimeout: 120_000,
      }),
    ]);
    return { postgres: Number(users.rows[0]?.n ?? 0), cassandra: Number(wide.first()?.get(0) ?? 0) };
  }

  /**
   * PostgreSQL users and every Cassandra table of the layout, counted in token-range slices (a scan of the
   * bench's own keyspace: fine here, never a reader's way). One count(*) over a million rows outlives
   * Cassandra's range-read timeout on a busy machine; a slice does not, and a failed slice is retried.
   */
  async rowCountsOfEveryTable(): Promise<{ postgres: number; cassandra: Record<string, number> }> {
    const users = await this.postgres.query<{ n: string }>('select count(*) as n from users');
    const cassandra: Record<string, number> = {};
    for (const table of cassandraTablesOf(localSignupDayLayout())) {
      cassandra[table.name] = await this.countBySlices(table);
    }
    return { postgres: Number(users.rows[0]?.n ?? 0), cassandra };
  }

  private async countBySlices(table: TableDefinition): Promise<number> {
    const token = `token(${table.partitionKey.join(', ')})`;
    const query = `SELECT count(*) FROM ${BENCH_KEYSPACE}.${table.name} WHERE ${token} >= ? AND ${token} <= ?`;
    const slices = murmur3Slices(COUNT_SLICES);
    let total = 0;
    let next = 0;
    const worker = async () => {
      for (let slice = slices[next++]; slice; slice = slices[next++]) {
        const rows = await withRetries(COUNT_ATTEMPTS, async () => {
          const result = await this.cassandra.execute(query, [slice.from, slice.to], {
            prepare: true,
            readTimeout: 120_000,
          });
          return Number(result.first()?.get(0) ?? 0);
        });
        total += rows; // after the await: `total += await …` would add to a stale total
      }
    };
    await Promise.all(Array.from({ length: COUNT_CONCURRENCY }, worker));
    return total;
  }

  async close(): Promise<void> {
    await Promise.all([this.postgres.end(), this.cassandra.shutdown()]);
  }
}

const COUNT_SLICES = 64;
const COUNT_CONCURRENCY = 4;
const COUNT_ATTEMPTS = 3;

/** `count` contiguous, inclusive slices covering the Murmur3 partitioner's whole token range. */
function murmur3Slices(count: number): { from: types.Long; to: types.Long }[] {
  const min = -(2n ** 63n);
  const span = 2n ** 64n / BigInt(count);
  return Array.from({ length: count }, (_, i) => {
    const from = min + span * BigInt(i);
    const to = i === count - 1 ? 2n ** 63n - 1n : from + span - 1n;
    return { from: types.Long.fromString(from.toString()), to: types.Long.fromString(to.toString()) };
  });
}

async function withRetries<T>(attempts: number, action: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}
