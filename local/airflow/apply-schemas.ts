/**
 * Applies the project's store schemas for the Airflow DAG tests, optionally into a throwaway PostgreSQL schema
 * and Cassandra keyspace so that the tests never touch the pipeline's own tables:
 *
 *   npx tsx local/airflow/apply-schemas.ts [--pg-schema NAME] [--keyspace NAME] [--legacy-table PHASE]
 *
 * PostgreSQL: the project's migration runner (runMigrations, the same SQL files) with search_path set to the
 * schema, as the administrator (the master user's part in AWS), then the application roles' logins, as the
 * migrations custom resource does; migration 0006 grants the roles their rights on this schema's tables.
 * Cassandra: applyCassandraSchema (the one table definition, with the local stage's TTL) with the local stage's
 * day-table layout; `--legacy-table dual-write|readers-switched` also creates the unbucketed table, as a stage in
 * the middle of its upgrade has it (docs/scaling.md). Connection settings: those of
 * `npm run services -- env`. Prints one JSON line with what was applied.
 */
import pg from 'pg';
import {
  applyCassandraSchema,
  LEGACY_TABLE_PHASES,
  type LegacyTablePhase,
} from '../../lambdas/shared/schema/cassandra/index.js';
import { runMigrations } from '../../lambdas/shared/schema/postgres/migrate.js';
import { enableRoleLogins } from '../../lambdas/shared/schema/postgres/roles.js';
import { localSignupDayLayout } from '../runtime/local-mapping.js';
import { localKeyspaceTables, localRetention } from '../runtime/local-retention.js';
import { localCassandraClient, migrationsPostgresSettings, roleLogins } from './store-settings.js';

const IDENTIFIER = /^[a-z][a-z0-9_]{1,47}$/;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  if (value === undefined || !IDENTIFIER.test(value)) {
    throw new Error(`--${name} needs a lower-case identifier matching ${IDENTIFIER}`);
  }
  return value;
}

function legacyTablePhase(): LegacyTablePhase | undefined {
  const index = process.argv.indexOf('--legacy-table');
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  if (!(LEGACY_TABLE_PHASES as readonly (string | undefined)[]).includes(value)) {
    throw new Error(`--legacy-table needs one of ${LEGACY_TABLE_PHASES.join(', ')}`);
  }
  return value as LegacyTablePhase;
}

async function main(): Promise<void> {
  const pgSchema = option('pg-schema');
  const keyspace = option('keyspace') ?? 'pipeline';
  const layout = localSignupDayLayout();
  const signupDay = { ...layout, legacyTable: legacyTablePhase() ?? layout.legacyTable };

  const pgClient = new pg.Client(migrationsPostgresSettings());
  await pgClient.connect();
  let migrations: { applied: number; skipped: number };
  try {
    if (pgSchema !== undefined) {
      await pgClient.query(`CREATE SCHEMA IF NOT EXISTS ${pgSchema}`);
      await pgClient.query(`SET search_path TO ${pgSchema}`);
    }
    const result = await runMigrations(pgClient);
    await enableRoleLogins(pgClient, roleLogins);
    migrations = { applied: result.applied.length, skipped: result.skipped.length };
  } finally {
    await pgClient.end();
  }

  const cassandra = localCassandraClient();
  await cassandra.connect();
  let statements: number;
  try {
    const tables = localKeyspaceTables(localRetention(), signupDay);
    statements = (await applyCassandraSchema(cassandra, { keyspace, tables })).length;
  } finally {
    await cassandra.shutdown();
  }
  console.log(
    JSON.stringify({ pgSchema: pgSchema ?? null, migrations, keyspace, cqlStatements: statements }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
