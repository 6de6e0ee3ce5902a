import { createHash } from 'node:crypto';
import { MIGRATIONS, migrationChecksum } from '../../../lambdas/shared/schema/postgres/index.js';

/**
 * One hash over every migration's version, name and SQL checksum. It is a property of the migrations custom
 * resource, so CloudFormation updates the resource (and the runner runs) exactly when a migration is added
 * or changed; a deploy without SQL changes leaves it alone and the template stays deterministic.
 */
export function migrationsHash(migrations: typeof MIGRATIONS = MIGRATIONS): string {
  const hash = createHash('sha256');
  for (const migration of migrations) {
    hash.update(`${migration.version}:${migration.name}:${migrationChecksum(migration.sql)}\n`);
  }
  return hash.digest('hex');
}
