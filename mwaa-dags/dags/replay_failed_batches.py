"""
### replay_failed_batches

Manual. Replays the records the MSK event source mapping gave up on (retries exhausted or too old), which it
wrote with their failure metadata to the failure topic (`users_created_failed`, a `KafkaDlq`), back to
`users_created`. The records keep their `event_id`, so the processor's newest-wins upserts make a replay
exactly-once in effect; progress is the replay consumer group's committed offsets, so a second run does
nothing the first one did.

Same code and params as `npm run replay -- failed-batches`: the task invokes the `replay-failed-batches`
Lambda function (Variable `replay_failed_batches_function_name`; locally the Lambda-invoke endpoint).

* `dry_run`: only report what would be replayed; nothing is produced or committed.
* `since`: only records that failed at or after this instant (ISO-8601) or age (`30m`, `2h`, `1d`); older ones
  are skipped and passed over.
* `partition`: only this partition of the failure topic; `limit`: at most this many records this run.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

from pipeline_dags import settings
from pipeline_dags.common import DEFAULT_ARGS, START_DATE, tags
from pipeline_dags.lambda_tasks import function_name_template, invoke_lambda


@dag(
    dag_id="replay_failed_batches",
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    default_args=DEFAULT_ARGS,
    tags=tags("replay", "failed-batches", "kafka", "lambda"),
    doc_md=__doc__,
    params={
        "dry_run": Param(False, type="boolean", description="Only report; produce and commit nothing."),
        "since": Param(None, type=["null", "string"], description="ISO-8601 instant or age (30m, 2h, 1d)."),
        "partition": Param(None, type=["null", "integer"], minimum=0, description="Failure-topic partition."),
        "limit": Param(None, type=["null", "integer"], minimum=1, description="Most records this run."),
    },
)
def replay_failed_batches():
    @task
    def build_payload(params: dict | None = None) -> str:
        from pipeline_dags.failed_batches import lambda_payload

        return lambda_payload(params or {})

    invoke_replay = invoke_lambda(
        "invoke_replay",
        function_name=function_name_template(
            settings.VAR_REPLAY_FAILED_BATCHES_FUNCTION_NAME, settings.DEFAULT_REPLAY_FAILED_BATCHES_FUNCTION_NAME
        ),
        payload=build_payload(),
    )

    @task
    def report(lambda_result: str) -> dict:
        from pipeline_dags.failed_batches import summarize

        return summarize(lambda_result)

    report(invoke_replay.output)


replay_failed_batches()
