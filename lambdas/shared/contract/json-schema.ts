import * as z from 'zod';
import { SCHEMA_VERSIONS, type SchemaVersion } from './fields.js';
import { USER_CREATED_EVENT_SCHEMAS } from './user-created-event.js';

/** File name of the committed JSON Schema of one version, e.g. `user-created.v2.schema.json`. */
export function userCreatedJsonSchemaFile(version: SchemaVersion): string {
  return `user-created.v${version}.schema.json`;
}

function userCreatedJsonSchemaId(version: SchemaVersion): string {
  return `urn:realtime-user-pipeline:schema:user.created:v${version}`;
}

/** What every generated file says about itself (JSON has no comments; `$comment` is JSON Schema's). */
const GENERATED_JSON_SCHEMA_COMMENT =
  'Generated from lambdas/shared/contract/fields.ts by `npm run generate`; do not edit.';

/**
 * The JSON Schema (draft 2020-12) of one version's wire format, derived from the zod schema. It describes what
 * a producer may send (`io: 'input'`), so post_code is "string or non-negative integer". Checks that JSON
 * Schema cannot express (URL parsing, lone surrogates) exist only in the zod schema.
 */
export function buildUserCreatedJsonSchema(version: SchemaVersion): Record<string, unknown> {
  const schema = USER_CREATED_EVENT_SCHEMAS.get(version);
  if (!schema) throw new RangeError(`schema_version ${version} is not in the field registry`);
  const generated = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  return { $schema, $id: userCreatedJsonSchemaId(version), $comment: GENERATED_JSON_SCHEMA_COMMENT, ...rest };
}

/** Exact text of a committed file: two-space indentation and a trailing newline. */
export function renderUserCreatedJsonSchema(version: SchemaVersion): string {
  return `${JSON.stringify(buildUserCreatedJsonSchema(version), null, 2)}\n`;
}

/** Every version's file name and text. */
export function userCreatedJsonSchemaFiles(): { fileName: string; text: string }[] {
  return SCHEMA_VERSIONS.map((version) => ({
    fileName: userCreatedJsonSchemaFile(version),
    text: renderUserCreatedJsonSchema(version),
  }));
}
