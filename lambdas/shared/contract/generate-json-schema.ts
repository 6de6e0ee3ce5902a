/**
 * Writes user-created.v1.schema.json next to this file from the zod schemas.
 *   npx tsx lambdas/shared/contract/generate-json-schema.ts           # write
 *   npx tsx lambdas/shared/contract/generate-json-schema.ts --check   # exit 1 if the file is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderUserCreatedV1JsonSchema, USER_CREATED_V1_JSON_SCHEMA_FILE } from './json-schema.js';

const target = new URL(`./${USER_CREATED_V1_JSON_SCHEMA_FILE}`, import.meta.url);
const expected = renderUserCreatedV1JsonSchema();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing file is reported as stale below.
  }
  if (current !== expected) {
    console.error(
      `${USER_CREATED_V1_JSON_SCHEMA_FILE} is stale; run: npx tsx lambdas/shared/contract/generate-json-schema.ts`,
    );
    process.exit(1);
  }
  console.log(`${USER_CREATED_V1_JSON_SCHEMA_FILE} is up to date`);
} else {
  writeFileSync(target, expected);
  console.log(`wrote ${target.pathname}`);
}
