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
  {
    version: 6,
    name: 'create_application_roles',
    sql: `-- Least-privilege application roles; the master user is left to the migrations alone.
--   pipeline_writer  the processor: INSERT and UPDATE on users and dead_letters, plus SELECT on those two
--                    tables only because PostgreSQL requires it for INSERT ... ON CONFLICT DO UPDATE reading
--                    \`excluded.*\` and the existing row (every column the upsert sets). No DELETE, no DDL,
--                    nothing on the run tables.
--   pipeline_reader  the DAGs: SELECT on every pipeline table, INSERT/UPDATE on their own run tables (the run
--                    log upserts its row per DAG run), and UPDATE of the two replay columns of dead_letters
--                    (the replay DAG marks what it re-sent; FOR UPDATE SKIP LOCKED needs that privilege).
-- Roles belong to the cluster, grants to this schema's tables: the roles are created once (NOLOGIN), and
-- the deploy step (migrations custom resource, or the local migration step) gives them LOGIN and the
-- password from their own secret, so no password is ever part of a migration.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pipeline_writer') THEN
    CREATE ROLE pipeline_writer NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pipeline_reader') THEN
    CREATE ROLE pipeline_reader NOLOGIN;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO pipeline_writer, pipeline_reader', current_schema());
END
$$;

GRANT INSERT, UPDATE ON users, dead_letters TO pipeline_writer;
GRANT SELECT ON users, dead_letters TO pipeline_writer;

GRANT SELECT ON users, dead_letters, reconciliation_runs, data_quality_runs TO pipeline_reader;
GRANT INSERT, UPDATE ON reconciliation_runs, data_quality_runs TO pipeline_reader;
GRANT UPDATE (replayed_at, replay_event_id) ON dead_letters TO pipeline_reader;
`,
  },
  {
    version: 7,
    name: 'erasure_and_retention',
    sql: `-- Erasure (user.deleted events) and retention.
--   user_tombstones  one row per erased user id: the newest user.deleted event's occurred_at, event_id and reason
--                    code, and when it was recorded. No personal data. It keeps newest-wins working after the
--                    user's row is gone: the processor's upsert refuses a user.created that is not newer than
--                    the tombstone (the order of lambdas/shared/contract/event-order.ts: occurred_at, then
--                    event_id), and a newer one (a re-creation) lands.
--   dead_letters     raw_purged_at / raw_purge_reason: when and why (erasure or retention) the raw key and value
--                    were removed; reason, detail, headers and the Kafka position stay.
--   erase_users()    what a user.deleted does here, in one statement: tombstone (newest wins), delete the rows
--                    the tombstone is newer than, purge the raw bytes of the user's dead letters.
--   purge_expired_dead_letter_bytes()  the retention of raw bytes (the dead_letter_retention DAG).
-- Least privilege: the roles get no DELETE on users and no UPDATE of raw bytes; they EXECUTE these two
-- SECURITY DEFINER functions (owned by the migrations' user), which can only do what is described here, and
-- every erasure leaves its tombstone.

CREATE TABLE user_tombstones (
  user_id      uuid        PRIMARY KEY,
  occurred_at  timestamptz NOT NULL,
  event_id     uuid        NOT NULL,
  reason       text        NOT NULL,
  -- First erasure of this id, and the last time a newer one replaced it.
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- reconcile_stores and data_quality look at the erasures of a window.
CREATE INDEX user_tombstones_updated_at_idx ON user_tombstones (updated_at);

ALTER TABLE dead_letters
  ADD COLUMN raw_purged_at    timestamptz,
  ADD COLUMN raw_purge_reason text,
  ADD CONSTRAINT dead_letters_raw_purge_reason CHECK (raw_purge_reason IN ('erasure', 'retention')),
  ADD CONSTRAINT dead_letters_raw_purged_has_no_bytes CHECK (
    raw_purged_at IS NULL OR (raw_key IS NULL AND raw_value IS NULL AND raw_purge_reason IS NOT NULL)
  );

-- Erasure finds a user's dead letters by their Kafka key (the user id, by contract) in either letter case.
CREATE INDEX dead_letters_raw_key_idx ON dead_letters (lower(encode(raw_key, 'escape')))
  WHERE raw_purged_at IS NULL AND raw_key IS NOT NULL;
-- Retention purges the oldest raw bytes first.
CREATE INDEX dead_letters_raw_retention_idx ON dead_letters (first_seen_at) WHERE raw_purged_at IS NULL;

CREATE FUNCTION erase_users(ids uuid[], occurred timestamptz[], event_ids uuid[], reasons text[])
RETURNS TABLE (users_deleted bigint, dead_letters_purged bigint)
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  deleted bigint;
  purged bigint;
BEGIN
  -- The tombstone keeps the user's newest deletion.
  INSERT INTO user_tombstones AS t (user_id, occurred_at, event_id, reason)
  SELECT * FROM unnest(ids, occurred, event_ids, reasons)
  ON CONFLICT (user_id) DO UPDATE SET
    occurred_at = excluded.occurred_at, event_id = excluded.event_id, reason = excluded.reason, updated_at = now()
  WHERE (t.occurred_at, t.event_id) < (excluded.occurred_at, excluded.event_id);
  -- A row older than the user's newest deletion goes; a newer one (a re-creation) stays.
  DELETE FROM users u USING user_tombstones t
  WHERE t.user_id = ANY (ids) AND u.user_id = t.user_id AND (u.occurred_at, u.event_id) < (t.occurred_at, t.event_id);
  GET DIAGNOSTICS deleted = ROW_COUNT;
  -- Every dead letter keyed by the user loses its raw bytes, whichever event won.
  UPDATE dead_letters SET raw_key = NULL, raw_value = NULL, raw_purged_at = now(), raw_purge_reason = 'erasure'
  WHERE raw_purged_at IS NULL AND raw_key IS NOT NULL
    AND lower(encode(raw_key, 'escape')) = ANY (SELECT id::text FROM unnest(ids) AS id);
  GET DIAGNOSTICS purged = ROW_COUNT;
  RETURN QUERY SELECT deleted, purged;
END
$$;

CREATE FUNCTION purge_expired_dead_letter_bytes(retention interval, max_rows integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  purged integer;
BEGIN
  IF retention IS NULL OR retention < interval '0' THEN
    RAISE EXCEPTION 'retention must be a non-negative interval, got %', retention;
  END IF;
  IF max_rows IS NULL OR max_rows < 1 THEN
    RAISE EXCEPTION 'max_rows must be at least 1, got %', max_rows;
  END IF;
  UPDATE dead_letters SET raw_key = NULL, raw_value = NULL, raw_purged_at = now(), raw_purge_reason = 'retention'
  WHERE id IN (
    SELECT id FROM dead_letters
    WHERE raw_purged_at IS NULL AND first_seen_at < now() - retention
    ORDER BY first_seen_at
    LIMIT max_rows
    FOR UPDATE SKIP LOCKED
  );
  GET DIAGNOSTICS purged = ROW_COUNT;
  RETURN purged;
END
$$;

-- A SECURITY DEFINER function resolves names in its own schema only, never in the caller's search_path.
DO $$
BEGIN
  EXECUTE format(
    'ALTER FUNCTION erase_users(uuid[], timestamptz[], uuid[], text[]) SET search_path = %I, pg_temp',
    current_schema()
  );
  EXECUTE format(
    'ALTER FUNCTION purge_expired_dead_letter_bytes(interval, integer) SET search_path = %I, pg_temp',
    current_schema()
  );
END
$$;

-- Functions are executable by PUBLIC unless revoked.
REVOKE ALL ON FUNCTION erase_users(uuid[], timestamptz[], uuid[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION purge_expired_dead_letter_bytes(interval, integer) FROM PUBLIC;

-- The processor reads tombstones (its upsert refuses older creates; a late dead letter of an erased user is
-- stored without its bytes) and erases through erase_users.
GRANT SELECT ON user_tombstones TO pipeline_writer;
GRANT EXECUTE ON FUNCTION erase_users(uuid[], timestamptz[], uuid[], text[]) TO pipeline_writer;

-- The DAGs read tombstones (reconcile_stores, data_quality) and purge expired raw bytes.
GRANT SELECT ON user_tombstones TO pipeline_reader;
GRANT EXECUTE ON FUNCTION purge_expired_dead_letter_bytes(interval, integer) TO pipeline_reader;
`,
  },
];
