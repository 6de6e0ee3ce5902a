import * as z from 'zod';
import { userCreatedEventV1Schema } from './user-created-event.js';

export const USER_CREATED_V1_JSON_SCHEMA_FILE = 'user-created.v1.schema.json';
export const USER_CREATED_V1_JSON_SCHEMA_ID = 'urn:realtime-user-pipeline:schema:user.created:v1';

/**
 * The JSON Schema (draft 2020-12) of the wire format, derived from the zod schema. It describes what a
 * producer may send (`io: 'input'`), so post_code is "string or non-negative integer". Checks that JSON
 * Schema cannot express (URL parsing, lone surrogates) exist only in the zod schema.
 */
export function buildUserCreatedV1JsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(userCreatedEventV1Schema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  return { $schema, $id: USER_CREATED_V1_JSON_SCHEMA_ID, ...rest };
}

/** Exact text of the committed file: two-space indentation and a trailing newline. */
export function renderUserCreatedV1JsonSchema(): string {
  return `${JSON.stringify(buildUserCreatedV1JsonSchema(), null, 2)}\n`;
}
