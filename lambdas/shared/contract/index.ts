// Runtime surface of the event contract. The JSON Schema export lives in json-schema.ts (build-time only).
export { EventTooLargeError, InvalidUserCreatedEventError } from './errors.js';
export {
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
  type BuildUserCreatedEventOptions,
  buildUserCreatedEvent,
  CURRENT_SCHEMA_VERSION,
  type DecodeUserCreatedEventResult,
  type DecodeUserPayloadResult,
  decodeUserCreatedEvent,
  decodeUserPayload,
  EVENT_SOURCE_MAX_LENGTH,
  EVENT_SOURCE_PATTERN,
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
  USER_FIELD_MAX_LENGTH,
  type UserPayload,
  type UserPayloadInput,
  userPayloadSchema,
} from './user-payload.js';
