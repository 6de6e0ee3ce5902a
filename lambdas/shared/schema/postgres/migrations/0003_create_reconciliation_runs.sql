-- One row per reconcile_stores DAG run (re-running the same DAG run replaces its row); written by the DAG.
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
