-- One row per data_quality DAG run (re-running the same DAG run replaces its row); written by the DAG.
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
