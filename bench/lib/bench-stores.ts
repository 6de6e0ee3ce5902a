import { Client as CassandraClient } from 'cassandra-driver';
import pg from 'pg';
import { applyCassandraSchema, cassandraTablesOf } from '../../lambdas/shared/schema/cassandra/index.js';
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
   * PostgreSQL users and every Cassandra table of the layout (a scan of the bench's own keyspace: fine here,
   * never a reader's way), with a long timeout for a million rows on a busy machine.
   */
  async rowCountsOfEveryTable(): Promise<{ postgres: number; cassandra: Record<string, number> }> {
    const users = await this.postgres.query<{ n: string }>('select count(*) as n from users');
    const cassandra: Record<string, number> = {};
    for (const table of cassandraTablesOf(localSignupDayLayout())) {
      const result = await this.cassandra.execute(
        `SELECT count(*) FROM ${BENCH_KEYSPACE}.${table.name}`,
        [],
        {
          readTimeout: 600_000,
        },
      );
      cassandra[table.name] = Number(result.first()?.get(0) ?? 0);
    }
    return { postgres: Number(users.rows[0]?.n ?? 0), cassandra };
  }

  async close(): Promise<void> {
    await Promise.all([this.postgres.end(), this.cassandra.shutdown()]);
  }
}
