import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../../tools/generated-files.js';
import { repoRoot } from '../../../tools/repo-root.js';

describe('generated files (npm run generate)', () => {
  const files = generatedFiles();

  it('cover the JSON Schema of every version of every event type (twice: contract and DAGs), the DAG field list, the OpenAPI document and migrations', () => {
    expect(files.map((file) => file.path)).toEqual([
      'lambdas/shared/contract/user-created.v1.schema.json',
      'lambdas/shared/contract/user-created.v2.schema.json',
      'lambdas/shared/contract/user-deleted.v1.schema.json',
      'mwaa-dags/dags/pipeline_dags/contract/user-created.v1.schema.json',
      'mwaa-dags/dags/pipeline_dags/contract/user-created.v2.schema.json',
      'mwaa-dags/dags/pipeline_dags/contract/user-deleted.v1.schema.json',
      'mwaa-dags/dags/pipeline_dags/fields_generated.py',
      'lambdas/ingest-http/openapi.v1.json',
      'lambdas/shared/schema/postgres/migrations.generated.ts',
    ]);
  });

  it.each(files.map((file) => [file.path, file] as const))('%s is up to date', (path, file) => {
    expect(readFileSync(join(repoRoot, path), 'utf8'), `stale: run npm run generate`).toBe(file.render());
  });

  it.each(files.map((file) => [file.path] as const))(
    '%s says it is generated, in its first lines',
    (path) => {
      const head = readFileSync(join(repoRoot, path), 'utf8').split('\n').slice(0, 5).join('\n');
      expect(head).toMatch(/generated from .*; do not edit/i);
    },
  );
});
