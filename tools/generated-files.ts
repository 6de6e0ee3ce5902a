/**
 * Every file the repository generates from a single definition, and how to render it. `npm run generate`
 * writes them all; `npm run generate -- --check` (and a unit test) fails when one is stale.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUSH_API_OPENAPI_FILE, renderPushApiOpenApi } from '../lambdas/ingest-http/openapi.js';
import { eventJsonSchemaFiles } from '../lambdas/shared/contract/json-schema.js';
import {
  MIGRATIONS_DIRECTORY,
  MIGRATIONS_MODULE_FILE,
  renderMigrationsModule,
} from '../lambdas/shared/schema/postgres/render-migrations-module.js';
import { renderPythonFieldsModule } from './render-python-fields.js';
import { repoRoot } from './repo-root.js';

export interface GeneratedFile {
  /** Path relative to the repository root. */
  readonly path: string;
  /** Where its content comes from, for messages. */
  readonly source: string;
  render(): string;
}

const CONTRACT_DIR = 'lambdas/shared/contract';
const DAG_CONTRACT_DIR = 'mwaa-dags/dags/pipeline_dags/contract';
const POSTGRES_DIR = 'lambdas/shared/schema/postgres';

function migrationsModule(): string {
  const directory = join(repoRoot, POSTGRES_DIR, MIGRATIONS_DIRECTORY);
  const files = readdirSync(directory)
    .filter((fileName) => fileName.endsWith('.sql'))
    .sort()
    .map((fileName) => ({ fileName, sql: readFileSync(join(directory, fileName), 'utf8') }));
  return renderMigrationsModule(files);
}

/** The list; a new generated artifact is one entry here. */
export function generatedFiles(): GeneratedFile[] {
  const schemas = eventJsonSchemaFiles();
  return [
    // The DAGs folder is all MWAA receives, so it carries its own copy of each JSON Schema.
    ...[CONTRACT_DIR, DAG_CONTRACT_DIR].flatMap((directory) =>
      schemas.map((schema) => ({
        path: `${directory}/${schema.fileName}`,
        source: `${CONTRACT_DIR}/fields.ts`,
        render: () => schema.text,
      })),
    ),
    {
      path: 'mwaa-dags/dags/pipeline_dags/fields_generated.py',
      source: `${CONTRACT_DIR}/fields.ts`,
      render: renderPythonFieldsModule,
    },
    {
      path: `lambdas/ingest-http/${PUSH_API_OPENAPI_FILE}`,
      source: 'lambdas/ingest-http/openapi.ts (the zod contract)',
      render: renderPushApiOpenApi,
    },
    {
      path: `${POSTGRES_DIR}/${MIGRATIONS_MODULE_FILE}`,
      source: `${POSTGRES_DIR}/${MIGRATIONS_DIRECTORY}/*.sql`,
      render: migrationsModule,
    },
  ];
}

/** The generated files whose committed text differs from what their definition renders. */
export function staleGeneratedFiles(): GeneratedFile[] {
  return generatedFiles().filter((file) => {
    let current: string | undefined;
    try {
      current = readFileSync(join(repoRoot, file.path), 'utf8');
    } catch {
      current = undefined; // missing counts as stale
    }
    return current !== file.render();
  });
}
