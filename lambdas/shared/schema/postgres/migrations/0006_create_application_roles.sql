-- Least-privilege application roles; the master user is left to the migrations alone.
--   pipeline_writer  the processor: INSERT and UPDATE on users and dead_letters, plus SELECT on those two
--                    tables only because PostgreSQL requires it for INSERT ... ON CONFLICT DO UPDATE reading
--                    `excluded.*` and the existing row (every column the upsert sets). No DELETE, no DDL,
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
