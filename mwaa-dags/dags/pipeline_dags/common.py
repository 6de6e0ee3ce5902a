"""Defaults every DAG of the pipeline shares (cheap to import: parsed on every DAG file load)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

OWNER = "data-platform"

#: Scheduled DAGs start here; catchup is off everywhere, so only the latest interval runs.
START_DATE = datetime(2025, 1, 1, tzinfo=UTC)

#: ``retry_exponential_backoff`` is a float multiplier since Airflow 3.2 (``True`` would mean a constant 1x
#: delay there) and a bool on 3.0/3.1, where any truthy value means "double each time"; 2.0 means exponential
#: backoff on both.
DEFAULT_ARGS: dict = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
}

BASE_TAGS = ["pipeline", "users_created"]


def tags(*extra: str) -> list[str]:
    return [*BASE_TAGS, *extra]
