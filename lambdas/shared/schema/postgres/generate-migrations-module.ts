/**
 * Regenerates migrations.generated.ts from migrations/*.sql.
 *   npx tsx lambdas/shared/schema/postgres/generate-migrations-module.ts           # write
 *   npx tsx lambdas/shared/schema/postgres/generate-migrations-module.ts --check   # exit 1 if stale
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  MIGRATIONS_DIRECTORY,
  MIGRATIONS_MODULE_FILE,
  type MigrationSourceFile,
  renderMigrationsModule,
} from './render-migrations-module.js';

const directory = new URL(`./${MIGRATIONS_DIRECTORY}/`, import.meta.url);
const target = new URL(`./${MIGRATIONS_MODULE_FILE}`, import.meta.url);

const files: MigrationSourceFile[] = readdirSync(directory)
  .filter((fileName) => fileName.endsWith('.sql'))
  .sort()
  .map((fileName) => ({ fileName, sql: readFileSync(new URL(fileName, directory), 'utf8') }));
const expected = renderMigrationsModule(files);

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing module is reported as stale below.
  }
  if (current !== expected) {
    console.error(`${MIGRATIONS_MODULE_FILE} is stale; run this script without --check`);
    process.exit(1);
  }
  console.log(`${MIGRATIONS_MODULE_FILE} is up to date (${files.length} migrations)`);
} else {
  writeFileSync(target, expected);
  console.log(`wrote ${target.pathname} (${files.length} migrations)`);
}
