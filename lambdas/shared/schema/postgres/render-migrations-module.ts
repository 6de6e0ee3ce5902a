import { parseMigrationFileName } from './migration-set.js';

export const MIGRATIONS_DIRECTORY = 'migrations';
export const MIGRATIONS_MODULE_FILE = 'migrations.generated.ts';

export interface MigrationSourceFile {
  readonly fileName: string;
  readonly sql: string;
}

/**
 * Renders the TypeScript module that embeds every migration's SQL. Lambdas are bundled by esbuild, which
 * cannot follow `fs.readFileSync(new URL(...))`; an ordinary import of this module bundles the SQL text.
 * The .sql files stay the source of truth; a unit test fails when this module is stale.
 */
export function renderMigrationsModule(files: readonly MigrationSourceFile[]): string {
  const entries = files
    .map((file) => {
      const parsed = parseMigrationFileName(file.fileName);
      if (!parsed) throw new Error(`not a migration file name: ${file.fileName}`);
      return { ...parsed, sql: file.sql };
    })
    .sort((a, b) => a.version - b.version)
    .map(
      (migration) =>
        `  {\n    version: ${migration.version},\n    name: '${migration.name}',\n    sql: \`${escapeTemplateLiteral(migration.sql)}\`,\n  },\n`,
    )
    .join('');
  return [
    '// Generated from lambdas/shared/schema/postgres/migrations/*.sql by `npm run generate`; do not edit.',
    "import type { Migration } from './migration-set.js';",
    '',
    `export const MIGRATIONS: readonly Migration[] = [\n${entries}];`,
    '',
  ].join('\n');
}

function escapeTemplateLiteral(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}
