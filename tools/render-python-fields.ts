import {
  CURRENT_SCHEMA_VERSION,
  DELETION_REASONS,
  EVENT_TYPES,
  type FieldKind,
  LINEAGE_COLUMNS,
  type LineageColumn,
  postgresColumnOf,
  USER_FIELDS,
  type UserField,
} from '../lambdas/shared/contract/fields.js';
import {
  COUNTRY_SOURCE_FIELD,
  CREATED_USERS_TABLE,
  ORDER_MICROS_COLUMN,
  SIGNUP_DAY_BUCKET_COLUMN,
  SIGNUP_INSTANT_FIELD,
} from '../lambdas/shared/schema/cassandra/index.js';

const fields = USER_FIELDS as readonly UserField[];

/** Kinds whose value must also be non-blank when required (an empty gender or post code is legitimate). */
const NON_BLANK_KINDS: ReadonlySet<FieldKind> = new Set(['email', 'httpUrl']);
/** Format checks data quality can run in SQL (POSIX regular expressions), by kind. */
const SQL_FORMAT_OF_KIND: Partial<Record<FieldKind, string>> = { countryCode: '^[A-Z]{2}$' };

const tuple = (names: readonly string[]) =>
  names.length === 0 ? '()' : `(\n${names.map((name) => `    ${JSON.stringify(name)},`).join('\n')}\n)`;
const dict = (entries: readonly [string, string | number][]) =>
  entries.length === 0
    ? '{}'
    : `{\n${entries.map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)},`).join('\n')}\n}`;

/** `pipeline_dags/fields_generated.py`: the field lists the DAGs use, from the field registry. */
export function renderPythonFieldsModule(): string {
  const key = CREATED_USERS_TABLE.partitionKey;
  // The order key is the processor's bookkeeping in Cassandra only; PostgreSQL has no such column.
  const compared = CREATED_USERS_TABLE.columns.filter(
    (column) => !key.includes(column.name) && column.name !== ORDER_MICROS_COLUMN.name,
  );
  const nonBlank = fields.filter(
    (field) =>
      field.required &&
      (NON_BLANK_KINDS.has(field.kind) || (field.kind === 'text' && (field.minLength ?? 0) > 0)),
  );
  const notNull = [
    ...fields.filter((field) => field.required && field.kind === 'dateTime').map((field) => field.name),
    ...(LINEAGE_COLUMNS as readonly LineageColumn[])
      .filter((column) => column.postgres.notNull)
      .map((column) => column.name),
  ];
  const formats = fields.flatMap((field): [string, string][] => {
    const pattern = SQL_FORMAT_OF_KIND[field.kind];
    return pattern ? [[postgresColumnOf(field), pattern]] : [];
  });
  const eventTypes = EVENT_TYPES.map(
    ({ type, schemaVersions, jsonSchemaStem }) =>
      `    ${JSON.stringify(type)}: {"versions": (${schemaVersions.join(', ')}${schemaVersions.length === 1 ? ',' : ''}), "schema_stem": ${JSON.stringify(jsonSchemaStem)}},`,
  );
  return `# Generated from lambdas/shared/contract/fields.ts by \`npm run generate\`; do not edit.
"""The event contract as the DAGs need it (event types, the user's fields), derived from the one registry."""

CURRENT_SCHEMA_VERSION = ${CURRENT_SCHEMA_VERSION}

#: Every event type, with its schema versions (oldest first) and the stem of its JSON Schema files
#: (contract/<stem>.v<N>.schema.json). CURRENT_SCHEMA_VERSION is user.created's newest.
EVENT_TYPES = {
${eventTypes.join('\n')}
}

#: Reason codes of a user.deleted event.
DELETION_REASONS = ${tuple(DELETION_REASONS)}

#: Payload fields in wire order.
PAYLOAD_FIELDS = ${tuple(fields.map((field) => field.name))}

#: Payload fields a schema version added after v1, with that version (NULL in rows of older events).
FIELDS_SINCE = ${dict(fields.filter((field) => field.since > 1).map((field): [string, number] => [field.name, field.since]))}

#: PostgreSQL column of each payload field, where it differs from the field name.
POSTGRES_COLUMN = ${dict(fields.filter((field) => postgresColumnOf(field) !== field.name).map((field) => [field.name, postgresColumnOf(field)]))}

#: Columns compared between PostgreSQL users and Cassandra created_users (the key is compared separately).
COMPARED_FIELDS = ${tuple(compared.map((column) => column.name))}

#: Of those, the instants (compared as epoch milliseconds).
TIMESTAMP_FIELDS = frozenset(
    ${tuple(compared.filter((column) => column.type === 'timestamp').map((column) => column.name)).replaceAll('\n', '\n    ')}
)

#: Required text fields the contract keeps non-empty.
REQUIRED_NON_BLANK = ${tuple(nonBlank.map((field) => postgresColumnOf(field)))}

#: Required non-text columns: NULL is the only defect.
REQUIRED_NOT_NULL = ${tuple(notNull)}

#: Optional payload columns and the SQL (POSIX) pattern a present value must match.
FORMAT_CHECKS = ${dict(formats)}

#: The day table: the field whose UTC day is signup_day, and the field the country is read from.
SIGNUP_INSTANT_FIELD = ${JSON.stringify(SIGNUP_INSTANT_FIELD)}
COUNTRY_SOURCE_FIELD = ${JSON.stringify(COUNTRY_SOURCE_FIELD)}
#: The day table's bucket column; readers read buckets 0..bucket_count-1 of a (signup_day, country).
SIGNUP_DAY_BUCKET_COLUMN = ${JSON.stringify(SIGNUP_DAY_BUCKET_COLUMN)}
`;
}
