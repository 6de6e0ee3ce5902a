import * as z from 'zod';
import { type BuildEventOptions, envelopeShape, envelopeValues } from './envelope.js';
import { InvalidUserDeletedEventError } from './errors.js';
import {
  DEFAULT_DELETION_REASON,
  DELETION_REASONS,
  type DeletionReason,
  eventTypeDefinition,
} from './fields.js';
import { type ContractFailure, toContractIssues } from './issues.js';
import { compiledOnFirstUse } from './user-created-event.js';
import { contractErrorMap, unlessMissing, uuidField } from './user-payload.js';

export const USER_DELETED_EVENT_TYPE = 'user.deleted';
/** The versions of user.deleted, from the registry. */
export const USER_DELETED_SCHEMA_VERSIONS = eventTypeDefinition(USER_DELETED_EVENT_TYPE).schemaVersions;
export const CURRENT_USER_DELETED_SCHEMA_VERSION = USER_DELETED_SCHEMA_VERSIONS.at(-1) as number;

/** The reason code's rule; exported so the push API reports a bad `?reason=` with the contract's message. */
export function deletionReasonField() {
  return z.enum(DELETION_REASONS, {
    error: unlessMissing(`must be one of ${DELETION_REASONS.join(', ')}`),
  });
}

/** The payload: who is deleted and why. No personal data, so the event may be kept and replayed freely. */
export const userDeletedPayloadSchema = z
  .strictObject({
    id: uuidField().describe('The user to erase: the id of its user.created events (and the Kafka key).'),
    reason: deletionReasonField().describe('Why the user is erased: a reason code, never free text.'),
  })
  .meta({ title: 'UserDeletedPayloadV1', description: 'The user to erase and why (schema_version 1).' });

export type UserDeletedPayload = z.output<typeof userDeletedPayloadSchema>;

function userDeletedEventSchemaOf(version: number) {
  return z
    .strictObject(
      envelopeShape(
        USER_DELETED_EVENT_TYPE,
        version,
        'When the erasure was requested at the source; it is newest-wins against the user.created events.',
        userDeletedPayloadSchema,
      ),
    )
    .meta({
      title: 'UserDeletedEvent',
      description: `Envelope of a user.deleted event, schema_version ${version}.`,
    });
}

/** user.deleted schemas by version, built once. */
export const USER_DELETED_EVENT_SCHEMAS: ReadonlyMap<
  number,
  ReturnType<typeof userDeletedEventSchemaOf>
> = new Map(USER_DELETED_SCHEMA_VERSIONS.map((version) => [version, userDeletedEventSchemaOf(version)]));

export type UserDeletedEvent = z.output<ReturnType<typeof userDeletedEventSchemaOf>>;

const currentSchema = USER_DELETED_EVENT_SCHEMAS.get(CURRENT_USER_DELETED_SCHEMA_VERSION) as ReturnType<
  typeof userDeletedEventSchemaOf
>;
const compiledBySchema = new Map(
  [...USER_DELETED_EVENT_SCHEMAS].map(([version, schema]) => [version, compiledOnFirstUse(schema)]),
);

export type ParseUserDeletedEventResult =
  | { readonly ok: true; readonly event: UserDeletedEvent }
  | ContractFailure<'schema_violation' | 'unsupported_schema_version'>;

/** Validates an already JSON-parsed user.deleted event (its `event_type` already read). Never throws. */
export function parseUserDeletedEvent(
  input: unknown,
  declaredVersion: number | undefined,
): ParseUserDeletedEventResult {
  const compiled = compiledBySchema.get(declaredVersion ?? CURRENT_USER_DELETED_SCHEMA_VERSION);
  if (compiled === undefined && declaredVersion !== undefined && declaredVersion >= 1) {
    return {
      ok: false,
      reason: 'unsupported_schema_version',
      issues: [
        {
          path: 'schema_version',
          message: `schema_version ${declaredVersion} of ${USER_DELETED_EVENT_TYPE} is not supported; supported: ${USER_DELETED_SCHEMA_VERSIONS.join(', ')}`,
        },
      ],
    };
  }
  const schema = compiled ?? compiledBySchema.get(CURRENT_USER_DELETED_SCHEMA_VERSION);
  const result = (schema as () => z.ZodType<UserDeletedEvent>)().safeParse(input, {
    error: contractErrorMap,
  });
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, reason: 'schema_violation', issues: toContractIssues(result.error.issues) };
}

/** What a producer needs to request an erasure. */
export interface UserDeletionRequest {
  readonly id: string;
  /** @default DEFAULT_DELETION_REASON ('user_request') */
  readonly reason?: DeletionReason;
}

/**
 * Wraps an erasure request in a current-version user.deleted envelope and validates it, so a producer can never
 * emit one consumers would reject. Throws InvalidUserDeletedEventError listing every issue.
 */
export function buildUserDeletedEvent(
  request: UserDeletionRequest,
  options: BuildEventOptions,
): UserDeletedEvent {
  const { event_id, source, occurred_at, ingested_at } = envelopeValues(options);
  const candidate = {
    event_id,
    event_type: USER_DELETED_EVENT_TYPE,
    schema_version: CURRENT_USER_DELETED_SCHEMA_VERSION,
    source,
    occurred_at,
    ingested_at,
    payload: { id: request.id, reason: request.reason ?? DEFAULT_DELETION_REASON },
  };
  const result = currentSchema.safeParse(candidate, { error: contractErrorMap });
  if (!result.success) throw new InvalidUserDeletedEventError(toContractIssues(result.error.issues));
  return result.data;
}
