/**
 * Writes openapi.v1.json next to this file from the zod contract (see openapi.ts).
 *   npx tsx lambdas/ingest-http/generate-openapi.ts           # write
 *   npx tsx lambdas/ingest-http/generate-openapi.ts --check   # exit 1 if the file is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PUSH_API_OPENAPI_FILE, PUSH_API_OPENAPI_GENERATOR, renderPushApiOpenApi } from './openapi.js';

const target = new URL(`./${PUSH_API_OPENAPI_FILE}`, import.meta.url);
const expected = renderPushApiOpenApi();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing file is reported as stale below.
  }
  if (current !== expected) {
    console.error(`${PUSH_API_OPENAPI_FILE} is stale; run: npx tsx ${PUSH_API_OPENAPI_GENERATOR}`);
    process.exit(1);
  }
  console.log(`${PUSH_API_OPENAPI_FILE} is up to date`);
} else {
  writeFileSync(target, expected);
  console.log(`wrote ${target.pathname}`);
}
