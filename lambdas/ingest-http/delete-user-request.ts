/**
 * `DELETE /v1/users/{id}[?reason=<code>]`: its parameters, defined once. The Lambda parses them here, the
 * OpenAPI document lists them (openapi.ts) and the API Gateway method declares them
 * (lib/constructs/ingestion, deleteUserRequestParameters), all from this list and the contract's zod rules.
 */
import * as z from 'zod';
import {
  DEFAULT_DELETION_REASON,
  type DeletionReason,
  deletionReasonField,
  type UserDeletionRequest,
} from '../shared/contract/index.js';
import { uuidField } from '../shared/contract/user-payload.js';
import { type ApiIssue, ErrorCode } from './api.js';

/** One request parameter of the DELETE, as OpenAPI and API Gateway name it. */
export interface RequestParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description: string;
  /** The value's rule, from the contract. */
  readonly schema: z.ZodType;
}

export const DELETE_USER_PARAMETERS: readonly RequestParameter[] = [
  {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The user to erase: the `id` of its user.created events (a UUID).',
    schema: uuidField(),
  },
  {
    name: 'reason',
    in: 'query',
    required: false,
    description: `Why the user is erased, a reason code; default \`${DEFAULT_DELETION_REASON}\`.`,
    schema: deletionReasonField().default(DEFAULT_DELETION_REASON),
  },
];

export type DeleteUserRequest =
  | { readonly ok: true; readonly request: UserDeletionRequest }
  | {
      readonly ok: false;
      readonly status: 400;
      readonly code: ErrorCode;
      readonly message: string;
      readonly issues: readonly ApiIssue[];
    };

function issueOf(parameter: RequestParameter, value: unknown): ApiIssue | undefined {
  const result = parameter.schema.safeParse(value);
  if (result.success) return undefined;
  // The contract's own message (never the input); `required` for a missing value.
  return { path: parameter.name, message: result.error.issues[0]?.message ?? 'is invalid' };
}

/**
 * Validates the path's user id and the optional reason. Never throws; a bad value is a 400 naming the
 * parameter. Unknown query parameters are refused too, so a typo (`?raeson=`) is not silently ignored.
 */
export function parseDeleteUserRequest(
  pathParameters: Readonly<Record<string, string | undefined>>,
  query: Readonly<Record<string, string | undefined>> | null,
): DeleteUserRequest {
  const values: Record<string, unknown> = {
    id: pathParameters.id,
    reason: query?.reason,
  };
  const known = new Set(DELETE_USER_PARAMETERS.filter((p) => p.in === 'query').map((p) => p.name));
  const issues: ApiIssue[] = Object.keys(query ?? {})
    .filter((name) => !known.has(name))
    .map((path) => ({ path, message: 'unknown query parameter (unknown parameters are rejected)' }));
  for (const parameter of DELETE_USER_PARAMETERS) {
    const issue = issueOf(parameter, values[parameter.name]);
    if (issue) issues.push(issue);
  }
  if (issues.length > 0) {
    return {
      ok: false,
      status: 400,
      code: ErrorCode.validationFailed,
      message: `the deletion request is invalid (${issues.map((issue) => issue.path).join(', ')}); nothing was accepted`,
      issues,
    };
  }
  return {
    ok: true,
    request: {
      id: values.id as string,
      reason: (values.reason as DeletionReason | undefined) ?? DEFAULT_DELETION_REASON,
    },
  };
}

/** A parameter's value rule as JSON Schema (draft 2020-12, for the OpenAPI document). */
export function parameterJsonSchema(parameter: RequestParameter): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(parameter.schema, {
    io: 'input',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return schema;
}
