/**
 * The `POST /v1/users` request body as a zod schema and as JSON Schema: one definition that both the API
 * Gateway request model (lib/constructs/ingestion, JSON Schema draft 4) and the OpenAPI 3.1 document
 * (JSON Schema 2020-12) are rendered from. parseUsersBody (users-body.ts) enforces the same shape by hand,
 * for per-item error messages; a unit test checks the two agree.
 */
import * as z from 'zod';
import { userPayloadSchema } from '../shared/contract/index.js';
import { MAX_USERS_PER_REQUEST } from './api.js';

const usersBatchSchema = z
  .strictObject({ users: z.array(userPayloadSchema).min(1).max(MAX_USERS_PER_REQUEST) })
  .meta({ title: 'UsersBatch', description: `1 to ${MAX_USERS_PER_REQUEST} users, accepted all or none.` });

const usersRequestBodySchema = z.union([userPayloadSchema, usersBatchSchema]).meta({
  title: 'UsersRequest',
  description: 'One user object, or {"users": [...]}.',
});

/**
 * `format`s the contract states only as annotations, with a `pattern` as the rule the API enforces: the
 * email pattern deliberately accepts addresses a strict RFC 6531 `idn-email` validator refuses. Published
 * schemas leave them out, so that a client (or fuzzer) treating formats as assertions agrees with the API.
 */
const ANNOTATION_ONLY_FORMATS: ReadonlySet<string> = new Set(['idn-email']);

function withoutAnnotationOnlyFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutAnnotationOnlyFormats);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(
    ([key, value]) => !(key === 'format' && typeof value === 'string' && ANNOTATION_ONLY_FORMATS.has(value)),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, withoutAnnotationOnlyFormats(value)]));
}

/** The JSON Schema dialects the body is published in: API Gateway models, and OpenAPI 3.1. */
export type RequestSchemaDialect = 'draft-04' | 'draft-2020-12';

/**
 * The request body's JSON Schema, without `$schema` (the caller states the dialect where it embeds it).
 * Checks JSON Schema cannot express (URL parsing, lone surrogates) stay in the Lambda's zod validation.
 */
export function usersRequestJsonSchema(dialect: RequestSchemaDialect): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(usersRequestBodySchema, {
    io: 'input',
    target: dialect,
  }) as Record<string, unknown>;
  return withoutAnnotationOnlyFormats(schema) as Record<string, unknown>;
}
