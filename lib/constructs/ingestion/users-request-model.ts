import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JsonSchema, JsonSchemaType, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import { MAX_USERS_PER_REQUEST } from '../../../lambdas/ingest-http/api.js';
import { CURRENT_SCHEMA_VERSION } from '../../../lambdas/shared/contract/fields.js';
import { userCreatedJsonSchemaFile } from '../../../lambdas/shared/contract/json-schema.js';
import { REPO_ROOT } from '../shared/paths.js';

/** Path of the committed JSON Schema of the current `user.created` version (generated from the registry). */
export const USER_CREATED_SCHEMA_PATH = join(
  REPO_ROOT,
  'lambdas/shared/contract',
  userCreatedJsonSchemaFile(CURRENT_SCHEMA_VERSION),
);

interface ContractSchema {
  readonly properties: { readonly payload: { readonly required: readonly string[] } };
}

/** The payload fields the contract requires, read from the committed JSON Schema. */
export function requiredUserFields(schemaPath: string = USER_CREATED_SCHEMA_PATH): string[] {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as ContractSchema;
  return [...schema.properties.payload.required];
}

/**
 * API Gateway model (JSON Schema draft 4) for `POST /v1/users`: one user object, or `{"users": [...]}` with
 * 1..MAX_USERS_PER_REQUEST objects, each with every required payload field. A coarse gate at the edge; the
 * Lambda still validates every field against the contract and reports issues per field.
 */
export function usersRequestSchema(required: readonly string[] = requiredUserFields()): JsonSchema {
  const user: JsonSchema = { type: JsonSchemaType.OBJECT, required: [...required] };
  return {
    schema: JsonSchemaVersion.DRAFT4,
    title: 'UsersRequest',
    type: JsonSchemaType.OBJECT,
    anyOf: [
      {
        required: ['users'],
        properties: {
          users: {
            type: JsonSchemaType.ARRAY,
            minItems: 1,
            maxItems: MAX_USERS_PER_REQUEST,
            items: user,
          },
        },
      },
      user,
    ],
  };
}
