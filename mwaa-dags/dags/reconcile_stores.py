"""
### reconcile_stores

Hourly comparison of the two stores the processor writes: PostgreSQL `users` and Cassandra / Amazon Keyspaces
`created_users` (+ the day table), over a window of `ingested_at`.

* Window: `params.window_start`/`window_end` if given (ISO-8601), else the data interval shifted back by
  `params.settle_minutes` (events still in flight are not "missing"); a manual run looks back
  `params.lookback_minutes`.
* `compare`: reads bounded data only: every bucket of the day-table partitions of the window's PostgreSQL rows
  (Variable `signup_day_table`; counts per UTC day, ids present in only one store) and point reads of
  `created_users` for a deterministic sample of `params.sample_size` ids, compared field by field. No query
  scans a table (Keyspaces bills the data it reads).
* Erased users: an id only one store has, which the other store has a tombstone for, is an erasure (a
  `user.deleted`) on its way: consistent while it was recorded at or after the window's end (in flight), a
  mismatch listed under `erasures.incomplete` when older (personal data an erasure left behind).
* `record`: one row per run in PostgreSQL `reconciliation_runs` (the report as JSON).
* `enforce`: fails (no retry) when `mismatch_count / rows > params.max_mismatch_ratio`.

Connections: `pipeline_postgres` (optionally with Variable `pipeline_postgres_secret_arn` on RDS) and
`pipeline_cassandra` (local, or Keyspaces with SigV4 + TLS on 9142); see mwaa-dags/README.md.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

from pipeline_dags.common import DEFAULT_ARGS, START_DATE, tags


@dag(
    dag_id="reconcile_stores",
    schedule="@hourly",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    default_args=DEFAULT_ARGS,
    tags=tags("reconciliation", "postgres", "cassandra"),
    doc_md=__doc__,
    params={
        "window_start": Param(None, type=["null", "string"], description="ISO-8601 start (with window_end)."),
        "window_end": Param(None, type=["null", "string"], description="ISO-8601 end, exclusive."),
        "settle_minutes": Param(10, type="number", minimum=0, description="Shift of the data interval."),
        "lookback_minutes": Param(60, type="number", minimum=1, description="Window of a manual run."),
        "sample_size": Param(200, type="integer", minimum=0, maximum=10000),
        "max_mismatch_ratio": Param(0.0, type="number", minimum=0, maximum=1),
        "max_rows": Param(
            500000,
            type="integer",
            minimum=1,
            description="Refuse larger windows (rows in PostgreSQL or in the partitions read).",
        ),
    },
)
def reconcile_stores():
    @task
    def compare(data_interval_start=None, data_interval_end=None, dag_run=None, params: dict | None = None) -> dict:
        from pipeline_dags.reconcile import run_reconciliation
        from pipeline_dags.windows import resolve_window

        window = resolve_window(params, data_interval_start, data_interval_end, dag_run.run_after)
        return run_reconciliation(window, params, seed=dag_run.run_id)

    @task
    def record(report: dict, dag_run=None) -> int:
        from pipeline_dags import run_log
        from pipeline_dags.stores import postgres

        conn = postgres.connect()
        try:
            return run_log.record_reconciliation(conn, dag_run.dag_id, dag_run.run_id, report)
        finally:
            conn.close()

    @task
    def enforce(report: dict) -> None:
        from pipeline_dags.failures import fail_without_retry

        if not report["passed"]:
            fail_without_retry(
                f"stores differ: {report['mismatch_count']} mismatches, ratio {report['mismatch_ratio']:.6f} > "
                f"{report['max_mismatch_ratio']} (missing in Cassandra {report['missing_in_cassandra']}, "
                f"missing in PostgreSQL {report['missing_in_postgres']}, incomplete erasures "
                f"{report['erasures']['incomplete']}, sample {report['sample']})"
            )

    report = compare()
    record(report) >> enforce(report)


reconcile_stores()
