"""Judging the pull-ingestion Lambda's answer (pure).

``ingest-pull`` invoked with ``{"count": N}`` returns its PullResult (lambdas/ingest-pull/pull-users.ts), e.g.
    {"requested": N, "fetched": n1, "produced": n2, "failed": f, "complete": true, "seed": "...", ...}
The shortfall is every requested user that did not reach Kafka: ``max(requested - produced, failed)`` (an
incomplete pull - upstream error or deadline - leaves users neither produced nor failed). The task fails when
shortfall / requested exceeds the DAG's ``max_failure_ratio``. A Lambda FunctionError never reaches this code:
LambdaInvokeFunctionOperator raises on it (and the task is retried).
"""

from __future__ import annotations

import json
from typing import Any

from pipeline_dags.thresholds import at_most, ratio


class MalformedIngestResultError(ValueError):
    pass


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedIngestResultError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def parse_result(payload: str | bytes | dict) -> dict[str, Any]:
    if isinstance(payload, (str, bytes)):
        try:
            payload = json.loads(payload)
        except ValueError as error:
            raise MalformedIngestResultError(f"Lambda result is not JSON: {payload!r:.200}") from error
    if not isinstance(payload, dict):
        raise MalformedIngestResultError(f"Lambda result is not a JSON object: {payload!r:.200}")
    return payload


def evaluate(payload: str | bytes | dict, requested: int, max_failure_ratio: float) -> dict[str, Any]:
    result = parse_result(payload)
    if "produced" not in result:
        raise MalformedIngestResultError(f"Lambda result has no 'produced' count: {result!r:.200}")
    asked = _count(result.get("requested", requested), "requested")
    produced = _count(result["produced"], "produced")
    failed = _count(result.get("failed", 0), "failed")
    shortfall = max(asked - produced, failed, 0)
    check = at_most("failure_ratio", ratio(shortfall, asked), max_failure_ratio)
    return {
        "requested": asked,
        "produced": produced,
        "failed": failed,
        "shortfall": shortfall,
        "complete": result.get("complete"),
        "error": result.get("error"),
        "seed": result.get("seed"),
        "failure_ratio": check.value,
        "max_failure_ratio": check.threshold,
        "passed": check.passed,
    }
