import { readFileSync } from 'node:fs';
import { OPENAPI_DOCUMENT_PATH, PUSH_API_OPENAPI_FILE } from '../../lambdas/ingest-http/openapi.js';

/** The committed push API OpenAPI document, keyed by the path the local adapter serves it on. */
export function pushApiDocuments(): Record<string, string> {
  const file = new URL(`../../lambdas/ingest-http/${PUSH_API_OPENAPI_FILE}`, import.meta.url);
  return { [OPENAPI_DOCUMENT_PATH]: readFileSync(file, 'utf8') };
}
