// Generated from lambdas/shared/schema/postgres/migrations/*.sql by `npm run generate`; do not edit.
import type { Migration } from './migration-set.js';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create_users',
    sql: `-- Users, one row per user id (the tutorial's created_users columns plus event lineage).
-- The processor upserts on user_id; an older event (by occurred_at) must not overwrite a newer one.

CREATE TABLE users (
  user_id          uuid        PRIMARY KEY,
  first_name       text        NOT NULL,
  last_name        text        NOT NULL,
  gender           text        NOT NULL,
  address          text        NOT NULL,
  post_code        text        NOT NULL,
  email            text        NOT NULL,
  username         text        NOT NULL,
  dob              timestamptz NOT NULL,
  registered_date  timestamptz NOT NULL,
  phone            text        NOT NULL,
  picture          text        NOT NULL,
  event_id         uuid        NOT NULL,
  schema_version   integer     NOT NULL CHECK (schema_version >= 1),
  source           text        NOT NULL,
  occurred_at      timestamptz NOT NULL,
  ingested_at      timestamptz NOT NULL,
  kafka_topic      text,
  kafka_partition  integer,
  kafka_offset     bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- A Kafka position is either complete or absent (rows written outside Kafka, e.g. a backfill).
  CONSTRAINT users_kafka_position_complete CHECK (
    (kafka_topic IS NULL AND kafka_partition IS NULL AND kafka_offset IS NULL)
    OR (kafka_topic IS NOT NULL AND kafka_partition IS NOT NULL AND kafka_offset IS NOT NULL)
  )
);

-- Freshness and reconciliation scans go by ingestion time.
CREATE INDEX users_ingested_at_idx ON users (ingested_at);
-- Replay and reconciliation look rows up by the event that wrote them.
CREATE INDEX users_event_id_idx ON users (event_id);

-- updated_at is maintained by the database so that no writer can forget it.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER users_set_updated_at
  BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
`,
  },
  {
    version: 2,
    name: 'create_dead_letters',
    sql: `-- Messages the processor could not store, kept byte-exact for inspection and replay.
-- Writers insert with ON CONFLICT (fingerprint) DO UPDATE SET last_seen_at = now(),
-- attempt_count = dead_letters.attempt_count + 1, so a redelivered message is counted, not duplicated.

CREATE TABLE dead_letters (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- sha256 hex computed by the writer (deadLetterFingerprint): of the Kafka position when there is one,
  -- otherwise of the raw bytes. Unique, unlike the position columns, which are NULL outside Kafka.
  fingerprint      text        NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  reason           text        NOT NULL,
  detail           jsonb,
  -- bytea, not text: a dead letter may be invalid UTF-8 or contain NUL, which text cannot hold.
  raw_key          bytea,
  raw_value        bytea,
  headers          jsonb,
  kafka_topic      text,
  kafka_partition  integer,
  kafka_offset     bigint,
  first_seen_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  attempt_count    integer     NOT NULL DEFAULT 1 CHECK (attempt_count >= 1),
  replayed_at      timestamptz,
  replay_event_id  uuid,
  CONSTRAINT dead_letters_kafka_position_complete CHECK (
    (kafka_topic IS NULL AND kafka_partition IS NULL AND kafka_offset IS NULL)
    OR (kafka_topic IS NOT NULL AND kafka_partition IS NOT NULL AND kafka_offset IS NOT NULL)
  ),
  CONSTRAINT dead_letters_replay_event_needs_replayed_at CHECK (replay_event_id IS NULL OR replayed_at IS NOT NULL),
  -- One dead letter per Kafka record (NULL positions do not collide with each other).
  CONSTRAINT dead_letters_kafka_position_key UNIQUE (kafka_topic, kafka_partition, kafka_offset)
);

-- Dashboards and the replay DAG group and filter by reason.
CREATE INDEX dead_letters_reason_idx ON dead_letters (reason);
-- The replay DAG scans what has not been replayed yet, oldest first.
CREATE INDEX dead_letters_pending_replay_idx ON dead_letters (first_seen_at) WHERE replayed_at IS NULL;
`,
  },
  {
    version: 3,
    name: 'create_reconciliation_runs',
    sql: `-- One row per reconcile_stores DAG run (re-running the same DAG run replaces its row); written by the DAG.
CREATE TABLE reconciliation_runs (
  id                  bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dag_id              text             NOT NULL,
  run_id              text             NOT NULL,
  window_start        timestamptz      NOT NULL,
  window_end          timestamptz      NOT NULL,
  postgres_count      bigint           NOT NULL,
  -- NULL when the run did not scan Cassandra (cassandra_scan = false, e.g. on a large Keyspaces table).
  cassandra_count     bigint,
  mismatch_count      bigint           NOT NULL,
  mismatch_ratio      double precision NOT NULL,
  max_mismatch_ratio  double precision NOT NULL,
  passed              boolean          NOT NULL,
  report              jsonb            NOT NULL,
  recorded_at         timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT reconciliation_runs_window_order CHECK (window_start < window_end),
  CONSTRAINT reconciliation_runs_run_key UNIQUE (dag_id, run_id)
);

CREATE INDEX reconciliation_runs_window_idx ON reconciliation_runs (window_start);
`,
  },
  {
    version: 4,
    name: 'create_data_quality_runs',
    sql: `-- One row per data_quality DAG run (re-running the same DAG run replaces its row); written by the DAG.
CREATE TABLE data_quality_runs (
  id                     bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dag_id                 text             NOT NULL,
  run_id                 text             NOT NULL,
  window_start           timestamptz      NOT NULL,
  window_end             timestamptz      NOT NULL,
  rows_in_window         bigint           NOT NULL,
  freshness_lag_seconds  double precision,
  dead_letter_rate       double precision NOT NULL,
  passed                 boolean          NOT NULL,
  -- Every measured value, every check (value, threshold, passed) and the failed ones.
  metrics                jsonb            NOT NULL,
  checks                 jsonb            NOT NULL,
  breaches               jsonb            NOT NULL,
  recorded_at            timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT data_quality_runs_window_order CHECK (window_start < window_end),
  CONSTRAINT data_quality_runs_run_key UNIQUE (dag_id, run_id)
);

CREATE INDEX data_quality_runs_window_idx ON data_quality_runs (window_start);
`,
  },
  {
    version: 5,
    name: 'add_users_nationality',
    sql: `-- Schema v2: the user's nationality (ISO 3166-1 alpha-2, upper case). Nullable and without a default, so
-- PostgreSQL only updates the catalog: the table is not rewritten, and the lock is held for an instant.
-- Rows written from v1 events keep NULL.

ALTER TABLE users ADD COLUMN nationality text;
`,
  },
];
