"""The replay_failed_batches DAG's payload and report handling (pure)."""

from __future__ import annotations

import json

import pytest

from pipeline_dags.failed_batches import MalformedReplayReportError, lambda_payload, summarize


def test_payload_carries_the_cli_flags_under_their_json_names():
    assert json.loads(lambda_payload({"dry_run": True, "since": "2h", "partition": 3, "limit": 50})) == {
        "dryRun": True,
        "since": "2h",
        "partition": 3,
        "limit": 50,
    }
    assert json.loads(lambda_payload({"dry_run": False, "since": None, "partition": None, "limit": None})) == {
        "dryRun": False
    }


def test_summary_reads_the_replay_report():
    report = {
        "dryRun": False,
        "failureTopic": "users_created_failed",
        "groupId": "g",
        "replayed": {"count": 2, "examples": [{"partition": 0, "offset": "4"}]},
        "skipped": {"count": 1, "byReason": {"failed before --since": 1}, "examples": []},
        "remaining": 0,
    }
    assert summarize(json.dumps(report)) == {
        "dry_run": False,
        "failure_topic": "users_created_failed",
        "replayed": 2,
        "replayed_examples": [{"partition": 0, "offset": "4"}],
        "skipped": 1,
        "skipped_by_reason": {"failed before --since": 1},
        "remaining": 0,
    }


@pytest.mark.parametrize("bad", ["not json", "[]", json.dumps({"replayed": {"count": 1}})])
def test_summary_rejects_what_is_not_a_report(bad):
    with pytest.raises(MalformedReplayReportError):
        summarize(bad)
