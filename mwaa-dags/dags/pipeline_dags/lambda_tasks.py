"""Invoking one of the pipeline's Lambda functions from a DAG: the operator set-up every such task shares.

Imported by DAG files while they are parsed (it only builds the operator; nothing here talks to AWS).
"""

from __future__ import annotations

from typing import Any

from airflow.providers.amazon.aws.operators.lambda_function import LambdaInvokeFunctionOperator

from pipeline_dags import settings


def function_name_template(variable: str, default: str, *, param: str | None = None) -> str:
    """Jinja naming the function to invoke: the DAG param ``param`` when given and set, else the Variable
    ``variable`` (set by CDK), else ``default`` (the local Lambda-invoke endpoint's name)."""
    lookup = f"var.value.get('{variable}', '{default}')"
    return "{{ " + (f"params.{param} or {lookup}" if param else lookup) + " }}"


def invoke_lambda(task_id: str, *, function_name: str, payload: Any) -> LambdaInvokeFunctionOperator:
    """A synchronous invocation over the pipeline's AWS connection (locally the Lambda-invoke endpoint); a
    ``FunctionError`` fails the task, which Airflow retries."""
    return LambdaInvokeFunctionOperator(
        task_id=task_id,
        function_name=function_name,
        payload=payload,
        invocation_type="RequestResponse",
        aws_conn_id=settings.AWS_CONN_ID,
        # A run can take minutes; botocore must not time out at 60 s, nor re-invoke on its own (Airflow retries).
        botocore_config={"read_timeout": 900, "connect_timeout": 10, "retries": {"total_max_attempts": 1}},
    )
