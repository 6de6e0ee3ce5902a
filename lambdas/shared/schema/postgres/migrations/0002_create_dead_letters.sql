-- Messages the processor could not store, kept byte-exact for inspection and replay.
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
