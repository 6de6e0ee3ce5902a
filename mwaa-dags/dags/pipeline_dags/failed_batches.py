"""Replay of failed batches: the DAG's side of the one code path (lambdas/replay-failed-batches).

The replay itself runs in the ``replay-failed-batches`` Lambda function, the same code as
``npm run replay -- failed-batches``: it reads the event source mapping's failure topic and produces each
failed record, unchanged (same event_id), back to its source topic, recording progress as the consumer group's
committed offsets. This module only turns the DAG params into the function's payload and reads its report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class MalformedReplayReportError(ValueError):
    pass


def lambda_payload(params: Mapping[str, Any]) -> str:
    """The function's event: the CLI's flags under their JSON names; unset ones are left out."""
    payload: dict[str, Any] = {"dryRun": bool(params.get("dry_run", False))}
    for param, key in (("since", "since"), ("partition", "partition"), ("limit", "limit")):
        value = params.get(param)
        if value is not None and value != "":
            payload[key] = value
    return json.dumps(payload, separators=(",", ":"))


def summarize(report: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    """What the run did, from the function's ReplayReport (replayed, skipped, left for a later run)."""
    if isinstance(report, (str, bytes)):
        try:
            report = json.loads(report)
        except ValueError as error:
            raise MalformedReplayReportError(f"replay report is not JSON: {report!r:.200}") from error
    if not isinstance(report, Mapping) or "replayed" not in report or "skipped" not in report:
        raise MalformedReplayReportError(f"not a replay report: {report!r:.200}")
    return {
        "dry_run": bool(report.get("dryRun")),
        "failure_topic": report.get("failureTopic"),
        "replayed": int(report["replayed"]["count"]),
        "replayed_examples": list(report["replayed"].get("examples", []))[:20],
        "skipped": int(report["skipped"]["count"]),
        "skipped_by_reason": dict(report["skipped"].get("byReason", {})),
        "remaining": int(report.get("remaining", 0)),
    }
