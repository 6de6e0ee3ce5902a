"""
### dead_letter_retention

Daily. Removes the raw key and value of every dead letter first seen more than the retention ago (PostgreSQL
`dead_letters`: reason, issues, headers and the Kafka position stay; `raw_purged_at`, `raw_purge_reason =
'retention'`). Dead letters carry whatever a producer sent, personal data included, so they must not keep it
forever; replay them (`replay_dead_letters`) within the retention.

* Retention: `params.retention_days`, else the Airflow Variable `dead_letter_raw_bytes_retention_days` that CDK
  sets from the stage configuration (`retention.deadLetterRawBytesDays`), else 30 days.
* In batches of `params.batch_size` rows, oldest first, each committed (a retry resumes); `params.max_batches`
  caps one run. `params.dry_run` only counts what is expired.
* Through migration 0007's `purge_expired_dead_letter_bytes()`: the DAGs' role may run it, but cannot update raw
  bytes itself.

Connection: `pipeline_postgres` (see mwaa-dags/README.md). docs/erasure-and-retention.md has the whole policy.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

from pipeline_dags.common import DEFAULT_ARGS, START_DATE, tags


@dag(
    dag_id="dead_letter_retention",
    schedule="@daily",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=2),
    default_args=DEFAULT_ARGS,
    tags=tags("retention", "dead-letters", "postgres"),
    doc_md=__doc__,
    params={
        "retention_days": Param(
            None, type=["null", "integer"], minimum=1, maximum=3650, description="Overrides the stage's retention."
        ),
        "batch_size": Param(1000, type="integer", minimum=1, maximum=100000),
        "max_batches": Param(None, type=["null", "integer"], minimum=1, description="Batches per run (all)."),
        "dry_run": Param(False, type="boolean"),
    },
)
def dead_letter_retention():
    @task
    def purge(params: dict | None = None) -> dict:
        from airflow.sdk import Variable

        from pipeline_dags.retention import RETENTION_VARIABLE, run_purge

        return run_purge(params, Variable.get(RETENTION_VARIABLE, default=None))

    purge()


dead_letter_retention()
