import { type JsonSchema, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import { usersRequestJsonSchema } from '../../../lambdas/ingest-http/users-request-schema.js';

/**
 * API Gateway model (JSON Schema draft 4) for `POST /v1/users`, rendered from the same zod request schema as
 * the OpenAPI document (lambdas/ingest-http/users-request-schema.ts): one user object, or `{"users": [...]}`
 * with 1..MAX_USERS_PER_REQUEST objects. The Lambda still validates every item with zod (checks JSON Schema
 * cannot express) and reports issues per field.
 */
export function usersRequestSchema(): JsonSchema {
  // JSON Schema keywords are JsonSchema's property names; `$schema` is stated here, as CDK's `schema`.
  return { schema: JsonSchemaVersion.DRAFT4, ...(usersRequestJsonSchema('draft-04') as JsonSchema) };
}
