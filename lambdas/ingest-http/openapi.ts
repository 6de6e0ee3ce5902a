/**
 * The push API's OpenAPI 3.1 document, built from the zod contract: the request body is
 * usersRequestJsonSchema('draft-2020-12') (the very schema the API Gateway model is rendered from), the
 * responses are zod schemas of the bodies handle-request.ts and API Gateway send. The committed file
 * (PUSH_API_OPENAPI_FILE) is written by `npm run generate` (tools/generated-files.ts); a test fails when it
 * is stale.
 */
import * as z from 'zod';
import { MAX_USER_PAYLOAD_BYTES } from '../shared/contract/index.js';
import { ErrorCode, MAX_REPORTED_ISSUES, MAX_REQUEST_BODY_BYTES, MAX_USERS_PER_REQUEST } from './api.js';
import { DELETE_USER_PARAMETERS, parameterJsonSchema } from './delete-user-request.js';
import { isPublicRoute } from './routes.js';
import { usersRequestJsonSchema } from './users-request-schema.js';

export const PUSH_API_OPENAPI_FILE = 'openapi.v1.json';
/** Where the local API Gateway adapter serves the document (local mirror only). */
export const OPENAPI_DOCUMENT_PATH = '/v1/openapi.json';

const issueSchema = z
  .object({
    index: z.int().min(0).optional().describe('Position in `users` (batch bodies only).'),
    path: z.string().describe('The field the issue is about; empty for the body as a whole.'),
    message: z.string(),
  })
  .meta({ title: 'ApiIssue' });

const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string(),
      issues: z.array(issueSchema).max(MAX_REPORTED_ISSUES),
      issue_count: z
        .int()
        .min(0)
        .optional()
        .describe(`Present when more than ${MAX_REPORTED_ISSUES} issues.`),
    }),
  })
  .meta({ title: 'ApiError', description: 'Every error the Lambda (and the gateway model check) returns.' });

const gatewayMessageSchema = z
  .object({ message: z.string() })
  .meta({ title: 'GatewayMessage', description: "API Gateway's own answer, sent without the integration." });

const acceptedSchema = z
  .object({ accepted: z.int().min(1).max(MAX_USERS_PER_REQUEST), event_ids: z.array(z.uuid()) })
  .meta({ title: 'Accepted' });

const healthSchema = z
  .object({ status: z.literal('ok'), kafka_producer_connected: z.boolean().optional() })
  .meta({ title: 'Health' });

type Json = Record<string, unknown>;
const jsonSchema = (schema: z.ZodType): Json => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Json;
  return rest;
};
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const requestIdHeader = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
const json = (schema: Json): Json => ({ 'application/json': { schema } });

function errorResponse(description: string, schema: Json = ref('ApiError'), headers: Json = requestIdHeader) {
  return { description, headers, content: json(schema) };
}

const sharedResponses: Json = {
  NotFound: errorResponse('No such resource (local greedy proxy resource; API Gateway itself answers 403).'),
  MethodNotAllowed: errorResponse(
    "The method is not one of the resource's; `Allow` lists them.",
    ref('ApiError'),
    {
      ...requestIdHeader,
      Allow: { required: true, schema: { type: 'string' } },
    },
  ),
  Forbidden: errorResponse(
    'API Gateway refused the call: missing or invalid API key / IAM signature, or an unknown resource.',
    ref('GatewayMessage'),
    {},
  ),
  TooManyRequests: errorResponse(
    "API Gateway's stage throttle (api.throttleRateLimit / throttleBurstLimit, a token bucket) refused the call; " +
      'retry with backoff.',
    ref('GatewayMessage'),
    {},
  ),
  InternalError: errorResponse('Unexpected failure; quote the request id.'),
  KafkaUnavailable: errorResponse(
    'Kafka is unavailable; nothing was accepted. Retry after `Retry-After` seconds.',
    ref('ApiError'),
    {
      ...requestIdHeader,
      'Retry-After': { required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
    },
  ),
};

/** Public routes need nothing; the others take the stage's caller authentication: an API key or SigV4. */
function routeSecurity(method: string, resource: string): Json[] {
  return isPublicRoute(method, resource) ? [] : [{ apiKey: [] }, { sigv4: [] }];
}

function postUsersOperation(): Json {
  return {
    operationId: 'pushUsers',
    summary: 'Push one user, or a batch of users, onto the users_created stream',
    description:
      `One user object (at most ${MAX_USER_PAYLOAD_BYTES} bytes), or {"users": [...]} with 1 to ` +
      `${MAX_USERS_PER_REQUEST} users (at most ${MAX_REQUEST_BODY_BYTES} bytes). Accepted all or none; 202 only ` +
      'once Kafka acknowledged every event.',
    security: routeSecurity('POST', '/v1/users'),
    requestBody: { required: true, content: json(ref('UsersRequest')) },
    responses: {
      '202': {
        description: 'Every user was accepted.',
        headers: requestIdHeader,
        content: json(ref('Accepted')),
      },
      '400': errorResponse('Invalid JSON, body shape, or field values; `issues` names each field.'),
      '403': { $ref: '#/components/responses/Forbidden' },
      '404': { $ref: '#/components/responses/NotFound' },
      '405': { $ref: '#/components/responses/MethodNotAllowed' },
      '413': errorResponse(
        'The body is over the limit.',
        { anyOf: [ref('ApiError'), ref('GatewayMessage')] },
        {},
      ),
      '415': errorResponse('Content-Type is not application/json (charset utf-8 if given).'),
      '429': { $ref: '#/components/responses/TooManyRequests' },
      '500': { $ref: '#/components/responses/InternalError' },
      '503': { $ref: '#/components/responses/KafkaUnavailable' },
    },
  };
}

function deleteUserOperation(): Json {
  return {
    operationId: 'deleteUser',
    summary: 'Erase a user from every store (produces a user.deleted event)',
    description:
      'Produces one user.deleted event, keyed by the user id like its user.created events, and answers 202 once ' +
      'Kafka acknowledged it. The stores apply it newest-wins by occurred_at (then event_id): the user is removed ' +
      'from PostgreSQL and Cassandra, dead letters keyed by the user lose their raw bytes, and a tombstone refuses ' +
      'any older user.created that arrives later. A user no store has is accepted too. See ' +
      'docs/erasure-and-retention.md.',
    security: routeSecurity('DELETE', '/v1/users/{id}'),
    parameters: DELETE_USER_PARAMETERS.map((parameter) => ({
      name: parameter.name,
      in: parameter.in,
      required: parameter.required,
      description: parameter.description,
      schema: parameterJsonSchema(parameter),
    })),
    responses: {
      '202': {
        description: 'The deletion was accepted; `event_ids` holds the user.deleted event id.',
        headers: requestIdHeader,
        content: json(ref('Accepted')),
      },
      '400': errorResponse(
        'The id is not a UUID, or the reason is not a reason code; `issues` names the field.',
      ),
      '403': { $ref: '#/components/responses/Forbidden' },
      '404': { $ref: '#/components/responses/NotFound' },
      '405': { $ref: '#/components/responses/MethodNotAllowed' },
      '429': { $ref: '#/components/responses/TooManyRequests' },
      '500': { $ref: '#/components/responses/InternalError' },
      '503': { $ref: '#/components/responses/KafkaUnavailable' },
    },
  };
}

function healthOperation(): Json {
  return {
    operationId: 'health',
    summary: 'Liveness probe (no authentication)',
    security: routeSecurity('GET', '/v1/health'),
    responses: {
      '200': { description: 'The function is up.', headers: requestIdHeader, content: json(ref('Health')) },
      '404': { $ref: '#/components/responses/NotFound' },
      '405': { $ref: '#/components/responses/MethodNotAllowed' },
      '429': { $ref: '#/components/responses/TooManyRequests' },
      '500': { $ref: '#/components/responses/InternalError' },
    },
  };
}

/** The whole document; its first key says where it comes from. */
export function buildPushApiOpenApi(): Json {
  return {
    'x-generated': 'generated from lambdas/ingest-http/openapi.ts by npm run generate; do not edit',
    openapi: '3.1.1',
    info: {
      title: 'realtime-user-pipeline push API',
      version: '1.0.0',
      description:
        'API Gateway REST API → ingest-http Lambda → Kafka (MSK). Errors have one shape (ApiError) except ' +
        "API Gateway's own answers (GatewayMessage). The local mirror (`npm start`) serves this document at " +
        `${OPENAPI_DOCUMENT_PATH} and enforces the stage's caller authentication and throttle as API Gateway ` +
        'does (an API key generated per state directory: `npm run -s services -- env` exports it as API_KEY).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: 'http://127.0.0.1:3000', description: 'local mirror (npm start)' }],
    paths: {
      '/v1/users': { post: postUsersOperation() },
      '/v1/users/{id}': { delete: deleteUserOperation() },
      '/v1/health': { get: healthOperation() },
    },
    components: {
      schemas: {
        UsersRequest: usersRequestJsonSchema('draft-2020-12'),
        Accepted: jsonSchema(acceptedSchema),
        Health: jsonSchema(healthSchema),
        ApiError: jsonSchema(apiErrorSchema),
        GatewayMessage: jsonSchema(gatewayMessageSchema),
      },
      responses: sharedResponses,
      headers: {
        RequestId: {
          description: 'The request id, as in logs and `error.request_id`.',
          required: true,
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'Stages with api.auth=apiKey.',
        },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'Stages with api.auth=iam: an AWS SigV4-signed request (service execute-api).',
        },
      },
    },
  };
}

/** Exact text of the committed file: two-space indentation and a trailing newline. */
export function renderPushApiOpenApi(): string {
  return `${JSON.stringify(buildPushApiOpenApi(), null, 2)}\n`;
}
