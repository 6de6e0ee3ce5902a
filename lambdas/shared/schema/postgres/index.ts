export { type DeadLetterOrigin, deadLetterFingerprint } from './dead-letter-fingerprint.js';
export {
  InvalidMigrationSetError,
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationOutOfOrderError,
} from './errors.js';
export {
  MIGRATION_ADVISORY_LOCK_KEY,
  type MigrationClient,
  type MigrationRecord,
  type RunMigrationsOptions,
  type RunMigrationsResult,
  runMigrations,
  SCHEMA_MIGRATIONS_TABLE,
} from './migrate.js';
export { assertValidMigrationSet, type Migration, migrationChecksum } from './migration-set.js';
export { MIGRATIONS } from './migrations.generated.js';
export {
  APPLICATION_ROLES,
  type ApplicationRole,
  enableRoleLogins,
  READER_ROLE,
  type RoleLogin,
  UnknownApplicationRoleError,
  WRITER_ROLE,
} from './roles.js';
