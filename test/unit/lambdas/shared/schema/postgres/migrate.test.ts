import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../../lambdas/shared/logger.js';
import {
  MIGRATION_ADVISORY_LOCK_KEY,
  MIGRATIONS,
  type Migration,
  MigrationChecksumMismatchError,
  type MigrationClient,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationOutOfOrderError,
  migrationChecksum,
  runMigrations,
} from '../../../../../../lambdas/shared/schema/postgres/index.js';

/**
 * Stands in for one PostgreSQL session: it understands the runner's bookkeeping statements, keeps
 * schema_migrations in memory with transactional semantics, and fails any SQL containing 'FAIL'.
 */
class FakeSession implements MigrationClient {
  readonly log: string[] = [];
  readonly recorded = new Map<number, { name: string; checksum: string }>();
  lockAvailable = true;
  lockHeld = false;
  private pending: Array<[number, { name: string; checksum: string }]> | undefined;

  async query(text: string, values: unknown[] = []): Promise<{ rows: unknown[] }> {
    const statement = text.trim();
    if (statement.startsWith('SELECT pg_try_advisory_lock')) {
      expect(values).toEqual([MIGRATION_ADVISORY_LOCK_KEY]);
      this.log.push('lock');
      if (this.lockAvailable) this.lockHeld = true;
      return { rows: [{ locked: this.lockAvailable }] };
    }
    if (statement.startsWith('SELECT pg_advisory_unlock')) {
      this.log.push('unlock');
      this.lockHeld = false;
      return { rows: [{ pg_advisory_unlock: true }] };
    }
    if (statement.startsWith('CREATE TABLE IF NOT EXISTS schema_migrations')) {
      this.log.push('ensure schema_migrations');
      return { rows: [] };
    }
    if (statement.startsWith('SELECT version, checksum FROM schema_migrations')) {
      const rows = [...this.recorded].map(([version, row]) => ({ version, checksum: row.checksum }));
      return { rows };
    }
    if (statement === 'BEGIN') {
      this.pending = [];
      this.log.push('BEGIN');
      return { rows: [] };
    }
    if (statement === 'COMMIT') {
      for (const [version, row] of this.pending ?? []) this.recorded.set(version, row);
      this.pending = undefined;
      this.log.push('COMMIT');
      return { rows: [] };
    }
    if (statement === 'ROLLBACK') {
      this.pending = undefined;
      this.log.push('ROLLBACK');
      return { rows: [] };
    }
    if (statement.startsWith('INSERT INTO schema_migrations')) {
      expect(this.pending, 'bookkeeping must happen inside the transaction').toBeDefined();
      const [version, name, checksum, executionMs] = values as [number, string, string, number];
      expect(executionMs).toBeGreaterThanOrEqual(0);
      this.pending?.push([version, { name, checksum }]);
      return { rows: [] };
    }
    expect(this.pending, 'migration SQL must run inside a transaction').toBeDefined();
    expect(this.lockHeld, 'migration SQL must run under the advisory lock').toBe(true);
    this.log.push(`run ${statement}`);
    if (statement.includes('FAIL')) throw new Error('syntax error at or near "FAIL"');
    return { rows: [] };
  }
}

const migrations: Migration[] = [
  { version: 1, name: 'one', sql: 'CREATE TABLE one ();' },
  { version: 2, name: 'two', sql: 'CREATE TABLE two ();' },
  { version: 3, name: 'three', sql: 'CREATE TABLE three ();' },
];

describe('runMigrations', () => {
  it('applies every migration in order, each in its own transaction, under the lock', async () => {
    const session = new FakeSession();
    const result = await runMigrations(session, { migrations });
    expect(result.applied.map((migration) => migration.version)).toEqual([1, 2, 3]);
    expect(result.skipped).toEqual([]);
    expect(session.log).toEqual([
      'lock',
      'ensure schema_migrations',
      'BEGIN',
      'run CREATE TABLE one ();',
      'COMMIT',
      'BEGIN',
      'run CREATE TABLE two ();',
      'COMMIT',
      'BEGIN',
      'run CREATE TABLE three ();',
      'COMMIT',
      'unlock',
    ]);
    expect(session.recorded.get(2)).toEqual({
      name: 'two',
      checksum: migrationChecksum('CREATE TABLE two ();'),
    });
  });

  it('is idempotent: a second run applies nothing and reports everything as skipped', async () => {
    const session = new FakeSession();
    await runMigrations(session, { migrations });
    session.log.length = 0;
    const second = await runMigrations(session, { migrations });
    expect(second.applied).toEqual([]);
    expect(second.skipped.map((migration) => migration.version)).toEqual([1, 2, 3]);
    expect(session.log).toEqual(['lock', 'ensure schema_migrations', 'unlock']);
  });

  it('applies only what is new', async () => {
    const session = new FakeSession();
    await runMigrations(session, { migrations: migrations.slice(0, 2) });
    const result = await runMigrations(session, { migrations });
    expect(result.applied.map((migration) => migration.version)).toEqual([3]);
    expect(result.skipped.map((migration) => migration.version)).toEqual([1, 2]);
  });

  it('refuses with MigrationChecksumMismatchError when an applied migration was edited, applying nothing', async () => {
    const session = new FakeSession();
    await runMigrations(session, { migrations: migrations.slice(0, 2) });
    const edited = [migrations[0], { ...migrations[1], sql: 'CREATE TABLE two (id int);' }, migrations[2]];
    session.log.length = 0;
    const run = runMigrations(session, { migrations: edited as Migration[] });
    await expect(run).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
    await expect(run).rejects.toMatchObject({ version: 2 });
    expect(session.log).toEqual(['lock', 'ensure schema_migrations', 'unlock']);
    expect(session.recorded.has(3)).toBe(false);
  });

  it('rolls back a failing migration, records nothing of it, stops, and still unlocks', async () => {
    const session = new FakeSession();
    const failing = [
      migrations[0],
      { version: 2, name: 'broken', sql: 'FAIL;' },
      migrations[2],
    ] as Migration[];
    const run = runMigrations(session, { migrations: failing });
    await expect(run).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(run).rejects.toThrow(/migration 2 \(broken\) failed: syntax error/);
    expect([...session.recorded.keys()]).toEqual([1]);
    expect(session.log.slice(-3)).toEqual(['run FAIL;', 'ROLLBACK', 'unlock']);
    expect(session.lockHeld).toBe(false);
  });

  it('waits for a concurrent run and gives up with MigrationLockTimeoutError', async () => {
    const session = new FakeSession();
    session.lockAvailable = false;
    await expect(
      runMigrations(session, { migrations, lockTimeoutMs: 30, lockPollIntervalMs: 5 }),
    ).rejects.toBeInstanceOf(MigrationLockTimeoutError);
    expect(session.log.filter((entry) => entry === 'lock').length).toBeGreaterThan(1);
    expect(session.log).not.toContain('ensure schema_migrations');
  });

  it('refuses a pending migration older than an applied one', async () => {
    const session = new FakeSession();
    await runMigrations(session, { migrations: [migrations[0], migrations[2]] as Migration[] });
    const run = runMigrations(session, { migrations });
    await expect(run).rejects.toBeInstanceOf(MigrationOutOfOrderError);
    await expect(run).rejects.toMatchObject({ pendingVersions: [2], highestAppliedVersion: 3 });
  });

  it('reports and tolerates versions applied by newer code (rollback of a deploy)', async () => {
    const session = new FakeSession();
    await runMigrations(session, { migrations });
    const warnings: unknown[] = [];
    const result = await runMigrations(session, {
      migrations: migrations.slice(0, 2),
      logger: { ...silentLogger, warn: (message, ...attributes) => warnings.push({ message, attributes }) },
    });
    expect(result.unknownApplied).toEqual([3]);
    expect(result.applied).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('applies the project migrations by default', async () => {
    const session = new FakeSession();
    const result = await runMigrations(session);
    expect(result.applied.map((migration) => migration.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(result.applied.map((migration) => migration.name)).toContain('create_users');
  });
});
