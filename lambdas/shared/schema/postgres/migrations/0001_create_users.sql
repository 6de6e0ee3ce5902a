-- Users, one row per user id (the tutorial's created_users columns plus event lineage).
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
