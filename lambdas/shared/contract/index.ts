// Runtime surface of the event contract. The JSON Schema export lives in json-schema.ts (build-time only).
export { type BuildEventOptions, EVENT_SOURCE_MAX_LENGTH, EVENT_SOURCE_PATTERN } from './envelope.js';
export { EventTooLargeError, InvalidUserCreatedEventError, InvalidUserDeletedEventError } from './errors.js';
export {
  compareEvents,
  EVENT_ORDER_COLUMNS,
  isNewerEvent,
  type OrderedEvent,
  occurredAtMicros,
} from './event-order.js';
export {
  DEFAULT_DELETION_REASON,
  DELETION_REASONS,
  type DeletionReason,
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  type EventType,
  exampleUserPayload,
  LINEAGE_COLUMNS,
  SCHEMA_VERSIONS,
  type SchemaVersion,
  USER_FIELDS,
  type UserField,
  type UserFieldName,
} from './fields.js';
export {
  type ContractFailure,
  type ContractFailureReason,
  type ContractIssue,
  formatIssuePath,
} from './issues.js';
export {
  KAFKA_HEADER,
  type KafkaHeaderName,
  toKafkaMessage,
  USERS_CREATED_TOPIC,
  type UserCreatedKafkaMessage,
} from './kafka.js';
export {
  type DecodePipelineEventResult,
  decodePipelineEvent,
  isUserDeletedEvent,
  type ParsePipelineEventResult,
  type PipelineEvent,
  parsePipelineEvent,
  type SupportedEvents,
} from './pipeline-event.js';
export {
  type BuildUserCreatedEventOptions,
  buildUserCreatedEvent,
  CURRENT_SCHEMA_VERSION,
  type DecodeUserCreatedEventResult,
  type DecodeUserPayloadResult,
  decodeUserCreatedEvent,
  decodeUserPayload,
  MAX_EVENT_BYTES,
  MAX_USER_PAYLOAD_BYTES,
  type ParseUserCreatedEventResult,
  type ParseUserPayloadResult,
  parseUserCreatedEvent,
  parseUserPayload,
  SUPPORTED_SCHEMA_VERSIONS,
  USER_CREATED_EVENT_SCHEMAS,
  USER_CREATED_EVENT_TYPE,
  type UserCreatedEvent,
  type UserCreatedEventInput,
  userCreatedEventSchema,
} from './user-created-event.js';
export {
  buildUserDeletedEvent,
  CURRENT_USER_DELETED_SCHEMA_VERSION,
  deletionReasonField,
  USER_DELETED_EVENT_TYPE,
  USER_DELETED_SCHEMA_VERSIONS,
  type UserDeletedEvent,
  type UserDeletedPayload,
  type UserDeletionRequest,
} from './user-deleted-event.js';
export {
  USER_FIELD_MAX_LENGTH,
  type UserPayload,
  type UserPayloadInput,
  userPayloadSchema,
} from './user-payload.js';
