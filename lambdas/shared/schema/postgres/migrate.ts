import { type StructuredLogger, silentLogger } from '../../logger.js';
import {
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationOutOfOrderError,
} from './errors.js';
import { assertValidMigrationSet, type Migration, migrationChecksum } from './migration-set.js';
import { MIGRATIONS } from './migrations.generated.js';

/**
 * The part of a pg client the runner uses; `pg.Client` and a checked-out `pg.PoolClient` satisfy it. It
 * must be ONE connection (not a `pg.Pool`): the advisory lock and each BEGIN/COMMIT belong to a session.
 */
export interface MigrationClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface RunMigrationsOptions {
  /** Defaults to the project's migrations (migrations/*.sql, embedded in migrations.generated.ts). */
  readonly migrations?: readonly Migration[];
  readonly logger?: StructuredLogger;
  /** How long to wait for a concurrent deploy's migration run; default 120 s. */
  readonly lockTimeoutMs?: number;
  /** How often to retry the lock while waiting; default 500 ms. */
  readonly lockPollIntervalMs?: number;
}

export interface MigrationRecord {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

export interface RunMigrationsResult {
  /** Applied by this run, in order. */
  readonly applied: readonly MigrationRecord[];
  /** Already applied before this run (checksums verified). */
  readonly skipped: readonly MigrationRecord[];
  /** Versions recorded in the database that this code does not know: a newer release migrated already. */
  readonly unknownApplied: readonly number[];
}

/** Fixed, arbitrary key shared by every deploy of this project; changing it would break mutual exclusion. */
export const MIGRATION_ADVISORY_LOCK_KEY = '7305981643378160411';

export const SCHEMA_MIGRATIONS_TABLE = 'schema_migrations';

const CREATE_SCHEMA_MIGRATIONS_SQL = `CREATE TABLE IF NOT EXISTS ${SCHEMA_MIGRATIONS_TABLE} (
  version      integer     PRIMARY KEY,
  name         text        NOT NULL,
  checksum     text        NOT NULL,
  applied_at   timestamptz NOT NULL DEFAULT now(),
  execution_ms integer     NOT NULL
)`;

/**
 * Applies every pending migration, each in its own transaction, under a PostgreSQL advisory lock so that
 * concurrent deploys run one after the other. Idempotent: a second run applies nothing. Refuses to run
 * (MigrationChecksumMismatchError) when an applied migration's SQL has since been edited.
 */
export async function runMigrations(
  client: MigrationClient,
  options: RunMigrationsOptions = {},
): Promise<RunMigrationsResult> {
  const migrations = options.migrations ?? MIGRATIONS;
  const logger = options.logger ?? silentLogger;
  assertValidMigrationSet(migrations);

  await acquireLock(client, options.lockTimeoutMs ?? 120_000, options.lockPollIntervalMs ?? 500);
  try {
    await client.query(CREATE_SCHEMA_MIGRATIONS_SQL);
    const appliedChecksums = await readAppliedChecksums(client);
    const known = new Set(migrations.map((migration) => migration.version));
    const unknownApplied = [...appliedChecksums.keys()].filter((version) => !known.has(version));
    if (unknownApplied.length > 0) {
      logger.warn('database has migrations this code does not know; continuing', { unknownApplied });
    }

    const skipped: MigrationRecord[] = [];
    const pending: Array<{ migration: Migration; checksum: string }> = [];
    for (const migration of migrations) {
      const checksum = migrationChecksum(migration.sql);
      const appliedChecksum = appliedChecksums.get(migration.version);
      if (appliedChecksum === undefined) {
        pending.push({ migration, checksum });
      } else if (appliedChecksum !== checksum) {
        throw new MigrationChecksumMismatchError(migration.version, appliedChecksum, checksum);
      } else {
        skipped.push({ version: migration.version, name: migration.name, checksum });
      }
    }

    const highestApplied = Math.max(0, ...appliedChecksums.keys());
    const outOfOrder = pending.filter(({ migration }) => migration.version < highestApplied);
    if (outOfOrder.length > 0) {
      throw new MigrationOutOfOrderError(
        outOfOrder.map(({ migration }) => migration.version),
        highestApplied,
      );
    }

    const applied: MigrationRecord[] = [];
    for (const { migration, checksum } of pending) {
      const executionMs = await applyInTransaction(client, migration, checksum);
      logger.info('applied migration', { version: migration.version, name: migration.name, executionMs });
      applied.push({ version: migration.version, name: migration.name, checksum });
    }
    logger.info('migrations up to date', { applied: applied.length, skipped: skipped.length });
    return { applied, skipped, unknownApplied };
  } finally {
    await releaseLock(client, logger);
  }
}

async function acquireLock(
  client: MigrationClient,
  timeoutMs: number,
  pollIntervalMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Polling pg_try_advisory_lock instead of blocking in pg_advisory_lock keeps the wait bounded without
  // changing the caller's session settings (lock_timeout).
  for (;;) {
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      MIGRATION_ADVISORY_LOCK_KEY,
    ]);
    if ((rows[0] as { locked?: unknown } | undefined)?.locked === true) return;
    if (Date.now() >= deadline) throw new MigrationLockTimeoutError(timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

async function releaseLock(client: MigrationClient, logger: StructuredLogger): Promise<void> {
  try {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_ADVISORY_LOCK_KEY]);
  } catch (error) {
    // Do not mask the original error; a session-level lock also ends with the connection.
    logger.warn('could not release the migration lock', { error: String(error) });
  }
}

async function readAppliedChecksums(client: MigrationClient): Promise<Map<number, string>> {
  const { rows } = await client.query(
    `SELECT version, checksum FROM ${SCHEMA_MIGRATIONS_TABLE} ORDER BY version`,
  );
  const checksums = new Map<number, string>();
  for (const row of rows as Array<{ version: unknown; checksum: unknown }>) {
    checksums.set(Number(row.version), String(row.checksum));
  }
  return checksums;
}

async function applyInTransaction(
  client: MigrationClient,
  migration: Migration,
  checksum: string,
): Promise<number> {
  const startedAt = Date.now();
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    const executionMs = Date.now() - startedAt;
    await client.query(
      `INSERT INTO ${SCHEMA_MIGRATIONS_TABLE} (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)`,
      [migration.version, migration.name, checksum, executionMs],
    );
    await client.query('COMMIT');
    return executionMs;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      // The connection may be gone; the server rolls back an unfinished transaction itself.
    });
    throw new MigrationFailedError(migration.version, migration.name, error);
  }
}
