"""Failing a task without retries: a breached threshold is a verdict, retrying would only repeat it."""

from __future__ import annotations


def fail_without_retry(message: str):
    try:  # Airflow >= 3.1
        from airflow.sdk.exceptions import AirflowFailException
    except ImportError:  # Airflow 3.0.x
        from airflow.exceptions import AirflowFailException
    raise AirflowFailException(message)
