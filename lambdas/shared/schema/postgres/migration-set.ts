import { createHash } from 'node:crypto';
import { InvalidMigrationSetError } from './errors.js';

export interface Migration {
  /** Positive integer, strictly increasing; taken from the file name's 4-digit prefix. */
  readonly version: number;
  /** File name without prefix and extension, e.g. 'create_users'. */
  readonly name: string;
  readonly sql: string;
}

/** `0001_create_users.sql`: four digits, an underscore, a lower-case snake_case name. */
export const MIGRATION_FILE_PATTERN = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

export function parseMigrationFileName(fileName: string): { version: number; name: string } | undefined {
  const match = MIGRATION_FILE_PATTERN.exec(fileName);
  if (!match?.[1] || !match[2]) return undefined;
  const version = Number.parseInt(match[1], 10);
  return version >= 1 ? { version, name: match[2] } : undefined;
}

/**
 * sha256 (hex) of the SQL text with CRLF normalised to LF, so a checkout with Windows line endings does not
 * look like an edited migration.
 */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** Throws InvalidMigrationSetError unless versions are positive integers in strictly increasing order. */
export function assertValidMigrationSet(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isSafeInteger(migration.version) || migration.version < 1) {
      throw new InvalidMigrationSetError(`migration version ${migration.version} is not a positive integer`);
    }
    if (migration.version <= previous) {
      throw new InvalidMigrationSetError(
        `migration versions must be unique and increasing: ${migration.version} follows ${previous}`,
      );
    }
    if (migration.sql.trim() === '') {
      throw new InvalidMigrationSetError(`migration ${migration.version} (${migration.name}) is empty`);
    }
    previous = migration.version;
  }
}
