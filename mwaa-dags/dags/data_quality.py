"""
### data_quality

Hourly quality checks of PostgreSQL `users` / `dead_letters` over a window of `ingested_at` (the data interval,
or `params.window_start`/`window_end`):

| check | breached when |
|---|---|
| freshness | window end - newest `ingested_at` > `params.max_freshness_minutes` (or no row at all) |
| dead-letter rate | dead letters / (users + dead letters) > `params.max_dead_letter_rate` |
| duplicate emails | extra rows sharing a lower-cased email / rows > `params.max_duplicate_email_rate` |
| duplicate event ids | event ids that wrote more than one user > `params.max_duplicate_event_ids` |
| blank required fields | worst field's NULL-or-blank share > `params.max_blank_rate` |
| erased users with a row | rows an erasure at least as new should have removed > `params.max_tombstoned_rows` |
| volume | rows < `params.min_rows` |

The erased-users check looks at the window's rows and at the users erased in the window (`user_tombstones`):
a row whose user has a deletion at least as new as the row's event is personal data an erasure missed.

Every run is recorded in `data_quality_runs` (metrics, checks, breaches); then `enforce` fails (no retry) if any
check was breached.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

from pipeline_dags.common import DEFAULT_ARGS, START_DATE, tags


@dag(
    dag_id="data_quality",
    schedule="@hourly",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=30),
    default_args=DEFAULT_ARGS,
    tags=tags("data-quality", "postgres"),
    doc_md=__doc__,
    params={
        "window_start": Param(None, type=["null", "string"], description="ISO-8601 start (with window_end)."),
        "window_end": Param(None, type=["null", "string"], description="ISO-8601 end, exclusive."),
        "settle_minutes": Param(0, type="number", minimum=0, description="Shift of the data interval."),
        "lookback_minutes": Param(60, type="number", minimum=1, description="Window of a manual run."),
        "max_freshness_minutes": Param(30, type="number", minimum=0),
        "max_dead_letter_rate": Param(0.01, type="number", minimum=0, maximum=1),
        "max_duplicate_email_rate": Param(0.01, type="number", minimum=0, maximum=1),
        "max_duplicate_event_ids": Param(0, type="integer", minimum=0),
        "max_blank_rate": Param(0.0, type="number", minimum=0, maximum=1),
        "max_tombstoned_rows": Param(0, type="integer", minimum=0, description="Rows an erasure should have removed."),
        "min_rows": Param(0, type="integer", minimum=0),
    },
)
def data_quality():
    @task
    def measure(data_interval_start=None, data_interval_end=None, dag_run=None, params: dict | None = None) -> dict:
        from pipeline_dags import quality
        from pipeline_dags.windows import resolve_window

        window = resolve_window(params, data_interval_start, data_interval_end, dag_run.run_after)
        return quality.result(window, quality.run_measure(window), quality.thresholds_from(params))

    @task
    def record(result: dict, dag_run=None) -> int:
        from pipeline_dags import run_log
        from pipeline_dags.stores import postgres

        conn = postgres.connect()
        try:
            return run_log.record_data_quality(conn, dag_run.dag_id, dag_run.run_id, result)
        finally:
            conn.close()

    @task
    def enforce(result: dict) -> None:
        from pipeline_dags.failures import fail_without_retry
        from pipeline_dags.thresholds import describe_breaches

        if not result["passed"]:
            fail_without_retry(f"data quality breached: {describe_breaches(result['breaches'])}")

    result = measure()
    record(result) >> enforce(result)


data_quality()
