/**
 * THE registry of the event contract: the event types (EVENT_TYPES) and the user's payload fields (USER_FIELDS).
 * Everything else that names an event type or a payload field is derived from here: the zod contract of every
 * type and schema version, the committed JSON Schemas, the API Gateway model, the PostgreSQL column list, upsert and row builder, the CQL tables, rows and
 * Keyspaces columns, the DAGs' field list, fixtures and the bench's rows. `npm run generate` rewrites the
 * derived files; a test fails when one is stale. docs/extending.md walks through adding a field.
 *
 * This module has no dependencies, so the CDK app, the generators and the Lambdas can all import it.
 */

/** Every schema version of `user.created` the contract has ever had, oldest first. Producers write the last one. */
export const SCHEMA_VERSIONS = [1, 2] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];
export const CURRENT_SCHEMA_VERSION: SchemaVersion = 2;

/**
 * Why a user is deleted: the reason code of a `user.deleted` event. A closed list rather than free text, so
 * that an erasure request can never carry personal data itself. A new code is a new `user.deleted` version.
 */
export const DELETION_REASONS = [
  'user_request',
  'consent_withdrawn',
  'account_closed',
  'legal_obligation',
] as const;
export type DeletionReason = (typeof DELETION_REASONS)[number];
/** The reason of a deletion whose requester gave none (`DELETE /v1/users/{id}` without `?reason=`). */
export const DEFAULT_DELETION_REASON: DeletionReason = 'user_request';

/** What the registry says about one event type. */
export interface EventTypeDefinition {
  /** The envelope's `event_type`, e.g. `user.created`. */
  readonly type: string;
  /** Every schema version of this type, oldest first; producers write the last one. */
  readonly schemaVersions: readonly number[];
  /** Stem of the committed JSON Schema files: `<stem>.v<N>.schema.json`. */
  readonly jsonSchemaStem: string;
  readonly description: string;
}

/**
 * The event types of the contract, one entry each. Every event of every type is keyed by its user id
 * (`payload.id`), so one user's events share a Kafka partition and reach the processor in order; the stores
 * order them by occurred_at, then event_id (event-order.ts), whichever arrives first.
 */
export const EVENT_TYPES = [
  {
    type: 'user.created',
    schemaVersions: SCHEMA_VERSIONS,
    jsonSchemaStem: 'user-created',
    description: 'A user was created (or re-sent): the whole user; the newest event per user is the row.',
  },
  {
    type: 'user.deleted',
    schemaVersions: [1],
    jsonSchemaStem: 'user-deleted',
    description:
      'A user must be erased: the user id and a reason code, no personal data. Newest-wins against creates.',
  },
] as const satisfies readonly EventTypeDefinition[];

export type EventType = (typeof EVENT_TYPES)[number]['type'];
/** Every `event_type` the registry has. */
export const EVENT_TYPE_NAMES: readonly EventType[] = EVENT_TYPES.map((definition) => definition.type);

/** The registry entry of an event type; throws for a type the registry does not have. */
export function eventTypeDefinition(type: string): EventTypeDefinition {
  const found = (EVENT_TYPES as readonly EventTypeDefinition[]).find(
    (definition) => definition.type === type,
  );
  if (!found)
    throw new RangeError(`the registry (lambdas/shared/contract/fields.ts) has no event type ${type}`);
  return found;
}

/**
 * How a field is validated (see user-payload.ts for each kind's rules):
 * - `uuid`: RFC 9562 UUID; `text`: free text stored verbatim, with min/max length;
 * - `email`, `httpUrl`; `dateTime`: ISO-8601 with a zone; `postCode`: string, or a non-negative integer turned
 *   into its decimal string; `countryCode`: ISO 3166-1 alpha-2 in upper case.
 */
export type FieldKind = 'uuid' | 'text' | 'email' | 'httpUrl' | 'dateTime' | 'postCode' | 'countryCode';

/** PostgreSQL column types the registry uses. */
export type PostgresColumnType = 'uuid' | 'text' | 'timestamptz';
/** CQL column types the registry uses. */
export type CqlColumnType = 'uuid' | 'text' | 'timestamp';
/** The Cassandra / Keyspaces tables that carry payload columns. */
export type CassandraTableName = 'created_users' | 'users_by_signup_day';

export interface UserField {
  readonly name: string;
  readonly kind: FieldKind;
  /** The schema version that introduced the field. */
  readonly since: SchemaVersion;
  /** Whether a payload of a version that has the field must carry it. */
  readonly required: boolean;
  /** Length limits of text-like kinds, in UTF-16 code units (JavaScript `string.length`). */
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly description: string;
  /** A valid value, used by fixtures, docs and the JSON Schema `examples`. */
  readonly example: string;
  readonly postgres: {
    /** @default the field name */
    readonly column?: string;
    readonly type: PostgresColumnType;
  };
  readonly cassandra: { readonly type: CqlColumnType; readonly tables: readonly CassandraTableName[] };
}

const BOTH_TABLES: readonly CassandraTableName[] = ['created_users', 'users_by_signup_day'];
const CREATED_USERS: readonly CassandraTableName[] = ['created_users'];

/**
 * The tutorial's 12 fields (schema v1) and the fields added since, in wire and column order. New fields go at
 * the end with the next `since`, and are optional, so older producers stay valid.
 */
export const USER_FIELDS = [
  {
    name: 'id',
    kind: 'uuid',
    since: 1,
    required: true,
    description: 'User id; also the Kafka message key and the primary key in both stores.',
    example: '3f0c2a9e-7b1d-4c5e-9a8f-2d6b4e1c0a57',
    postgres: { column: 'user_id', type: 'uuid' },
    cassandra: { type: 'uuid', tables: BOTH_TABLES },
  },
  {
    name: 'first_name',
    kind: 'text',
    since: 1,
    required: true,
    minLength: 1,
    maxLength: 200,
    description: 'Given name, stored verbatim.',
    example: 'Louise',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: BOTH_TABLES },
  },
  {
    name: 'last_name',
    kind: 'text',
    since: 1,
    required: true,
    minLength: 1,
    maxLength: 200,
    description: 'Family name, stored verbatim.',
    example: 'Martin',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: BOTH_TABLES },
  },
  {
    name: 'gender',
    kind: 'text',
    since: 1,
    required: true,
    minLength: 0,
    maxLength: 100,
    description: 'Free text (not an enumeration); may be empty.',
    example: 'female',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: BOTH_TABLES },
  },
  {
    name: 'address',
    kind: 'text',
    since: 1,
    required: true,
    minLength: 1,
    maxLength: 500,
    description: 'Single line, tutorial format: "<number> <street>, <city>, <state>, <country>".',
    example: '12 Rue de la Paix, Lyon, Rhône, France',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: CREATED_USERS },
  },
  {
    name: 'post_code',
    kind: 'postCode',
    since: 1,
    required: true,
    maxLength: 32,
    description: 'Postal code. Always a string after parsing; a non-negative integer input is converted.',
    example: '69002',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: CREATED_USERS },
  },
  {
    name: 'email',
    kind: 'email',
    since: 1,
    required: true,
    maxLength: 254,
    description: 'Email address; internationalised addresses are accepted.',
    example: 'louise.martin@example.com',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: BOTH_TABLES },
  },
  {
    name: 'username',
    kind: 'text',
    since: 1,
    required: true,
    minLength: 1,
    maxLength: 100,
    description: 'Login name at the source.',
    example: 'bluebird512',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: BOTH_TABLES },
  },
  {
    name: 'dob',
    kind: 'dateTime',
    since: 1,
    required: true,
    description: 'Date of birth as an ISO-8601 date-time with zone.',
    example: '1990-04-12T08:30:00.000Z',
    postgres: { type: 'timestamptz' },
    cassandra: { type: 'timestamp', tables: CREATED_USERS },
  },
  {
    name: 'registered_date',
    kind: 'dateTime',
    since: 1,
    required: true,
    description: 'When the user registered, ISO-8601 date-time with zone.',
    example: '2015-06-01T10:00:00.000Z',
    postgres: { type: 'timestamptz' },
    cassandra: { type: 'timestamp', tables: BOTH_TABLES },
  },
  {
    name: 'phone',
    kind: 'text',
    since: 1,
    required: true,
    minLength: 1,
    maxLength: 64,
    description: 'Phone number as the source formats it.',
    example: '04-12-34-56-78',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: CREATED_USERS },
  },
  {
    name: 'picture',
    kind: 'httpUrl',
    since: 1,
    required: true,
    maxLength: 2048,
    description: 'URL of a profile picture.',
    example: 'https://randomuser.me/api/portraits/med/women/12.jpg',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: CREATED_USERS },
  },
  {
    name: 'nationality',
    kind: 'countryCode',
    since: 2,
    required: false,
    description: "ISO 3166-1 alpha-2 code in upper case (randomuser's `nat`); absent when unknown.",
    example: 'FR',
    postgres: { type: 'text' },
    cassandra: { type: 'text', tables: BOTH_TABLES },
  },
] as const satisfies readonly UserField[];

type RegistryField = (typeof USER_FIELDS)[number];
/** Name of a payload field. */
export type UserFieldName = RegistryField['name'];
type RequiredFieldName = Extract<RegistryField, { readonly required: true }>['name'];
type OptionalFieldName = Extract<RegistryField, { readonly required: false }>['name'];

/**
 * A parsed payload of the current version, typed from the registry: every kind parses to a string (a numeric
 * post code becomes its decimal string), and optional fields may be absent.
 */
export type UserPayload = { [Name in RequiredFieldName]: string } & {
  [Name in OptionalFieldName]?: string | undefined;
};

/** What a producer may send: as UserPayload, but a post code may be a non-negative integer. */
export type UserPayloadInput = {
  [Name in keyof UserPayload]: Extract<RegistryField, { readonly name: Name }>['kind'] extends 'postCode'
    ? UserPayload[Name] | number
    : UserPayload[Name];
};

/**
 * Envelope values every store keeps next to the payload (lineage). They are not payload fields, but their
 * columns come from here too, so the stores, the DAGs and the tests share one list.
 */
export interface LineageColumn {
  readonly name: string;
  readonly postgres: { readonly type: PostgresColumnType | 'integer' | 'bigint'; readonly notNull: boolean };
  /** Absent for columns only PostgreSQL keeps (the Kafka position). */
  readonly cassandra?: {
    readonly type: CqlColumnType | 'int';
    readonly tables: readonly CassandraTableName[];
  };
}

export const LINEAGE_COLUMNS = [
  {
    name: 'event_id',
    postgres: { type: 'uuid', notNull: true },
    cassandra: { type: 'uuid', tables: BOTH_TABLES },
  },
  {
    name: 'schema_version',
    postgres: { type: 'integer', notNull: true },
    cassandra: { type: 'int', tables: CREATED_USERS },
  },
  {
    name: 'source',
    postgres: { type: 'text', notNull: true },
    cassandra: { type: 'text', tables: CREATED_USERS },
  },
  {
    name: 'occurred_at',
    postgres: { type: 'timestamptz', notNull: true },
    cassandra: { type: 'timestamp', tables: CREATED_USERS },
  },
  {
    name: 'ingested_at',
    postgres: { type: 'timestamptz', notNull: true },
    cassandra: { type: 'timestamp', tables: BOTH_TABLES },
  },
  { name: 'kafka_topic', postgres: { type: 'text', notNull: false } },
  { name: 'kafka_partition', postgres: { type: 'integer', notNull: false } },
  { name: 'kafka_offset', postgres: { type: 'bigint', notNull: false } },
] as const satisfies readonly LineageColumn[];

export type LineageColumnName = (typeof LINEAGE_COLUMNS)[number]['name'];

/** The fields a payload of `version` may carry. */
export function fieldsOfVersion(version: SchemaVersion): readonly UserField[] {
  return (USER_FIELDS as readonly UserField[]).filter((field) => field.since <= version);
}

/**
 * Every store's column order: the tutorial's (schema v1) fields, then lineage, then the fields later versions
 * added, so a new field always appends (ALTER TABLE ADD on a live table). A mapper returns undefined for a
 * field or lineage column its table does not carry.
 */
export function inStoreColumnOrder<Column>(
  fieldColumn: (field: UserField) => Column | undefined,
  lineageColumn: (column: LineageColumn) => Column | undefined,
): Column[] {
  const fields = USER_FIELDS as readonly UserField[];
  return [
    ...fields.filter((field) => field.since === 1).map(fieldColumn),
    ...(LINEAGE_COLUMNS as readonly LineageColumn[]).map(lineageColumn),
    ...fields.filter((field) => field.since > 1).map(fieldColumn),
  ].filter((column): column is Column => column !== undefined);
}

/** The PostgreSQL column of a field. */
export function postgresColumnOf(field: UserField): string {
  return field.postgres.column ?? field.name;
}

/** The field of a name; throws for a name the registry does not have (a typo in a derived definition). */
export function userField(name: string): UserField {
  const field = (USER_FIELDS as readonly UserField[]).find((candidate) => candidate.name === name);
  if (!field) throw new UnknownUserFieldError(name);
  return field;
}

export class UnknownUserFieldError extends Error {
  constructor(readonly fieldName: string) {
    super(`the field registry (lambdas/shared/contract/fields.ts) has no field ${JSON.stringify(fieldName)}`);
    this.name = 'UnknownUserFieldError';
  }
}

/** A payload of `version` made of every field's example (fixtures, docs). */
export function exampleUserPayload(version: SchemaVersion = CURRENT_SCHEMA_VERSION): Record<string, string> {
  return Object.fromEntries(fieldsOfVersion(version).map((field) => [field.name, field.example]));
}
