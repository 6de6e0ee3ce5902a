/** An already-applied migration was edited: the database no longer matches the files. */
export class MigrationChecksumMismatchError extends Error {
  override readonly name = 'MigrationChecksumMismatchError';

  constructor(
    readonly version: number,
    readonly appliedChecksum: string,
    readonly currentChecksum: string,
  ) {
    super(
      `migration ${version} was changed after it was applied (applied checksum ${appliedChecksum}, ` +
        `current ${currentChecksum}); add a new migration instead of editing an applied one`,
    );
  }
}

/** A pending migration is older than one already applied (e.g. two branches merged in the wrong order). */
export class MigrationOutOfOrderError extends Error {
  override readonly name = 'MigrationOutOfOrderError';

  constructor(
    readonly pendingVersions: readonly number[],
    readonly highestAppliedVersion: number,
  ) {
    super(
      `migrations ${pendingVersions.join(', ')} are pending but ${highestAppliedVersion} is already applied; ` +
        'renumber them above the highest applied version',
    );
  }
}

/** The migration list itself is malformed (bad, duplicate or unordered versions). */
export class InvalidMigrationSetError extends Error {
  override readonly name = 'InvalidMigrationSetError';
}

/** Another deploy held the migration lock for longer than the timeout. */
export class MigrationLockTimeoutError extends Error {
  override readonly name = 'MigrationLockTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`could not acquire the migration advisory lock within ${timeoutMs} ms`);
  }
}

/** A migration's SQL failed; its transaction was rolled back and nothing of it was recorded. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';

  constructor(
    readonly version: number,
    readonly migrationName: string,
    cause: unknown,
  ) {
    super(
      `migration ${version} (${migrationName}) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}
