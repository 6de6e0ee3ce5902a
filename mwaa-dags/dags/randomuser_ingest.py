"""
### randomuser_ingest

The tutorial's `user_automation` DAG done right: instead of calling randomuser.me and producing to Kafka from an
Airflow worker, it asks the **pull-ingestion Lambda** (`ingest-pull`) to do it, synchronously, every 5 minutes.

1. `invoke_ingest_pull` - `LambdaInvokeFunctionOperator` with payload `{"count": <params.count>}`. The function is
   `params.function_name`, else the Variable `ingest_pull_function_name`, else `ingest-pull`. A Lambda
   `FunctionError` fails the task (retried with exponential backoff).
2. `check_result` - reads the Lambda's PullResult (`requested`, `produced`, `failed`, `complete`, ...) and fails
   (without retry) when the shortfall `max(requested - produced, failed) / requested > params.max_failure_ratio`.

Locally the AWS connection `aws_default` has `{"endpoint_url": "http://127.0.0.1:3001"}` in its extra, so the
same operator calls the project's local Lambda-invoke endpoint.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

from pipeline_dags import settings
from pipeline_dags.common import DEFAULT_ARGS, START_DATE, tags
from pipeline_dags.lambda_tasks import function_name_template, invoke_lambda


@dag(
    dag_id="randomuser_ingest",
    schedule="*/5 * * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=30),
    default_args=DEFAULT_ARGS,
    tags=tags("ingest", "lambda"),
    doc_md=__doc__,
    params={
        "count": Param(10, type="integer", minimum=1, maximum=5000, description="Users to pull per run."),
        "function_name": Param(
            None, type=["null", "string"], description="Lambda to invoke (default: Variable or 'ingest-pull')."
        ),
        "max_failure_ratio": Param(
            0.0, type="number", minimum=0, maximum=1, description="Tolerated share of users that failed."
        ),
    },
)
def randomuser_ingest():
    invoke_ingest_pull = invoke_lambda(
        "invoke_ingest_pull",
        function_name=function_name_template(
            settings.VAR_INGEST_FUNCTION_NAME, settings.DEFAULT_INGEST_FUNCTION_NAME, param="function_name"
        ),
        payload='{"count": {{ params.count | int }}}',
    )

    @task
    def check_result(lambda_result: str, params: dict | None = None) -> dict:
        from pipeline_dags.failures import fail_without_retry
        from pipeline_dags.ingest import evaluate

        verdict = evaluate(lambda_result, int(params["count"]), float(params["max_failure_ratio"]))
        if not verdict["passed"]:
            fail_without_retry(f"ingest-pull failed for {verdict['failed']} of {verdict['requested']} users: {verdict}")
        return verdict

    check_result(invoke_ingest_pull.output)


randomuser_ingest()
