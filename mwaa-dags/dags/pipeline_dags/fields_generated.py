# Generated from lambdas/shared/contract/fields.ts by `npm run generate`; do not edit.
"""The event contract as the DAGs need it (event types, the user's fields), derived from the one registry."""

CURRENT_SCHEMA_VERSION = 2

#: Every event type, with its schema versions (oldest first) and the stem of its JSON Schema files
#: (contract/<stem>.v<N>.schema.json). CURRENT_SCHEMA_VERSION is user.created's newest.
EVENT_TYPES = {
    "user.created": {"versions": (1, 2), "schema_stem": "user-created"},
    "user.deleted": {"versions": (1,), "schema_stem": "user-deleted"},
}

#: Reason codes of a user.deleted event.
DELETION_REASONS = (
    "user_request",
    "consent_withdrawn",
    "account_closed",
    "legal_obligation",
)

#: Payload fields in wire order.
PAYLOAD_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "gender",
    "address",
    "post_code",
    "email",
    "username",
    "dob",
    "registered_date",
    "phone",
    "picture",
    "nationality",
)

#: Payload fields a schema version added after v1, with that version (NULL in rows of older events).
FIELDS_SINCE = {
    "nationality": 2,
}

#: PostgreSQL column of each payload field, where it differs from the field name.
POSTGRES_COLUMN = {
    "id": "user_id",
}

#: Columns compared between PostgreSQL users and Cassandra created_users (the key is compared separately).
COMPARED_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "address",
    "post_code",
    "email",
    "username",
    "dob",
    "registered_date",
    "phone",
    "picture",
    "event_id",
    "schema_version",
    "source",
    "occurred_at",
    "ingested_at",
    "nationality",
)

#: Of those, the instants (compared as epoch milliseconds).
TIMESTAMP_FIELDS = frozenset(
    (
        "dob",
        "registered_date",
        "occurred_at",
        "ingested_at",
    )
)

#: Required text fields the contract keeps non-empty.
REQUIRED_NON_BLANK = (
    "first_name",
    "last_name",
    "address",
    "email",
    "username",
    "phone",
    "picture",
)

#: Required non-text columns: NULL is the only defect.
REQUIRED_NOT_NULL = (
    "dob",
    "registered_date",
    "event_id",
    "schema_version",
    "source",
    "occurred_at",
    "ingested_at",
)

#: Optional payload columns and the SQL (POSIX) pattern a present value must match.
FORMAT_CHECKS = {
    "nationality": "^[A-Z]{2}$",
}

#: The day table: the field whose UTC day is signup_day, and the field the country is read from.
SIGNUP_INSTANT_FIELD = "registered_date"
COUNTRY_SOURCE_FIELD = "address"
#: The day table's bucket column; readers read buckets 0..bucket_count-1 of a (signup_day, country).
SIGNUP_DAY_BUCKET_COLUMN = "bucket"
