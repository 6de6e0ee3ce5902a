/**
 * One entry point for consumers of the topic: an event of any type of the registry, dispatched on its
 * `event_type`. A type this build does not know (a newer producer, a typo) is not a broken event: it fails with
 * its own reason, `unsupported_event_type`, so the processor dead-letters it for replay after an upgrade, as it
 * does an unknown schema version.
 */
import { EVENT_TYPE_NAMES } from './fields.js';
import type { ContractFailure } from './issues.js';
import {
  decodeJsonDocument,
  MAX_EVENT_BYTES,
  parseUserCreatedEvent,
  readDeclaredSchemaVersion,
  SUPPORTED_SCHEMA_VERSIONS,
  USER_CREATED_EVENT_TYPE,
  type UserCreatedEvent,
} from './user-created-event.js';
import {
  parseUserDeletedEvent,
  USER_DELETED_EVENT_TYPE,
  type UserDeletedEvent,
} from './user-deleted-event.js';

/** Any event of the contract; `event_type` tells which. */
export type PipelineEvent = UserCreatedEvent | UserDeletedEvent;

export type ParsePipelineEventResult =
  | { readonly ok: true; readonly event: PipelineEvent }
  | ContractFailure<'schema_violation' | 'unsupported_schema_version' | 'unsupported_event_type'>;

export type DecodePipelineEventResult =
  | ParsePipelineEventResult
  | ContractFailure<'invalid_json' | 'oversize'>;

/** What a consumer accepts; a smaller set stands for an older build (the rolling-upgrade tests). */
export interface SupportedEvents {
  /** @default every type of the registry */
  readonly eventTypes?: readonly string[];
  /** Versions of user.created. @default SUPPORTED_SCHEMA_VERSIONS (all of the registry) */
  readonly userCreatedVersions?: readonly number[];
}

function declaredEventType(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const type: unknown = (input as { event_type?: unknown }).event_type;
  return typeof type === 'string' && Object.hasOwn(input, 'event_type') ? type : undefined;
}

/**
 * Validates an already JSON-parsed event of any type. Never throws. A document without a string `event_type`
 * is judged as user.created (whose schema then names the missing or wrong `event_type`).
 */
export function parsePipelineEvent(
  input: unknown,
  supported: SupportedEvents = {},
): ParsePipelineEventResult {
  const type = declaredEventType(input) ?? USER_CREATED_EVENT_TYPE;
  const types = supported.eventTypes ?? EVENT_TYPE_NAMES;
  if (!types.includes(type) || !(EVENT_TYPE_NAMES as readonly string[]).includes(type)) {
    return {
      ok: false,
      reason: 'unsupported_event_type',
      issues: [
        {
          path: 'event_type',
          // Messages never echo the input: the value may be anything a faulty producer sent.
          message: `this event_type is not supported; supported: ${types.join(', ')}`,
        },
      ],
    };
  }
  if (type === USER_DELETED_EVENT_TYPE) return parseUserDeletedEvent(input, readDeclaredSchemaVersion(input));
  return parseUserCreatedEvent(input, supported.userCreatedVersions ?? SUPPORTED_SCHEMA_VERSIONS);
}

/** Decodes raw Kafka value bytes (or a string): size limit, UTF-8, JSON, then the contract of the event's type. */
export function decodePipelineEvent(
  bytes: Uint8Array | string,
  supported?: SupportedEvents,
): DecodePipelineEventResult {
  const document = decodeJsonDocument(bytes, MAX_EVENT_BYTES);
  return document.ok ? parsePipelineEvent(document.value, supported) : document;
}

/** Narrows an event to user.deleted. */
export function isUserDeletedEvent(event: PipelineEvent): event is UserDeletedEvent {
  return event.event_type === USER_DELETED_EVENT_TYPE;
}
