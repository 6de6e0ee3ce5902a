import * as z from 'zod';
import { EVENT_TYPES, type EventType, type SchemaVersion } from './fields.js';
import { USER_CREATED_EVENT_SCHEMAS } from './user-created-event.js';
import { USER_DELETED_EVENT_SCHEMAS } from './user-deleted-event.js';

/** The zod schema of each version of each event type of the registry. */
const SCHEMAS_BY_TYPE: Readonly<Record<EventType, ReadonlyMap<number, z.ZodType>>> = {
  'user.created': USER_CREATED_EVENT_SCHEMAS as ReadonlyMap<number, z.ZodType>,
  'user.deleted': USER_DELETED_EVENT_SCHEMAS,
};

function definitionOf(type: EventType) {
  return EVENT_TYPES.find((definition) => definition.type === type) as (typeof EVENT_TYPES)[number];
}

/** File name of the committed JSON Schema of one version of one type, e.g. `user-deleted.v1.schema.json`. */
export function eventJsonSchemaFile(type: EventType, version: number): string {
  return `${definitionOf(type).jsonSchemaStem}.v${version}.schema.json`;
}

/** File name of the committed JSON Schema of one version of user.created, e.g. `user-created.v2.schema.json`. */
export function userCreatedJsonSchemaFile(version: SchemaVersion): string {
  return eventJsonSchemaFile('user.created', version);
}

/** What every generated file says about itself (JSON has no comments; `$comment` is JSON Schema's). */
const GENERATED_JSON_SCHEMA_COMMENT =
  'Generated from lambdas/shared/contract/fields.ts by `npm run generate`; do not edit.';

/**
 * The JSON Schema (draft 2020-12) of one version's wire format of one event type, derived from the zod schema.
 * It describes what a producer may send (`io: 'input'`), so post_code is "string or non-negative integer".
 * Checks that JSON Schema cannot express (URL parsing, lone surrogates) exist only in the zod schema.
 */
export function buildEventJsonSchema(type: EventType, version: number): Record<string, unknown> {
  const schema = SCHEMAS_BY_TYPE[type].get(version);
  if (!schema) throw new RangeError(`schema_version ${version} of ${type} is not in the registry`);
  const generated = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  const $id = `urn:realtime-user-pipeline:schema:${type}:v${version}`;
  return { $schema, $id, $comment: GENERATED_JSON_SCHEMA_COMMENT, ...rest };
}

/** The JSON Schema of one version of user.created. */
export function buildUserCreatedJsonSchema(version: SchemaVersion): Record<string, unknown> {
  return buildEventJsonSchema('user.created', version);
}

/** Exact text of a committed file: two-space indentation and a trailing newline. */
export function renderEventJsonSchema(type: EventType, version: number): string {
  return `${JSON.stringify(buildEventJsonSchema(type, version), null, 2)}\n`;
}

/** Exact text of the committed file of one version of user.created. */
export function renderUserCreatedJsonSchema(version: SchemaVersion): string {
  return renderEventJsonSchema('user.created', version);
}

/** Every version's file name and text, of every event type of the registry. */
export function eventJsonSchemaFiles(): { fileName: string; text: string }[] {
  return EVENT_TYPES.flatMap((definition) =>
    (definition.schemaVersions as readonly number[]).map((version) => ({
      fileName: eventJsonSchemaFile(definition.type, version),
      text: renderEventJsonSchema(definition.type, version),
    })),
  );
}
