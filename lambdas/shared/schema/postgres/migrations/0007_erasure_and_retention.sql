-- Erasure (user.deleted events) and retention.
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
