import { type JsonSchema, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import { DELETE_USER_PARAMETERS } from '../../../lambdas/ingest-http/delete-user-request.js';
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

/**
 * The request parameters of `DELETE /v1/users/{id}` as API Gateway declares them (`method.request.path.id`
 * required, `method.request.querystring.reason` optional), from the Lambda's own parameter list
 * (lambdas/ingest-http/delete-user-request.ts); with `validateRequestParameters` API Gateway refuses a request
 * missing a required one. The values' rules (UUID, reason code) stay in the Lambda, which names the field.
 */
export function deleteUserRequestParameters(): Record<string, boolean> {
  const location = { path: 'path', query: 'querystring' } as const;
  return Object.fromEntries(
    DELETE_USER_PARAMETERS.map((parameter) => [
      `method.request.${location[parameter.in]}.${parameter.name}`,
      parameter.required,
    ]),
  );
}
