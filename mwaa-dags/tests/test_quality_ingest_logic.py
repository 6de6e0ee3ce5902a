from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline_dags import quality
from pipeline_dags.ingest import MalformedIngestResultError, evaluate
from pipeline_dags.windows import Window

WINDOW = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 1, tzinfo=UTC))


def metrics(**overrides):
    base = {
        "rows_in_window": 100,
        "newest_ingested_at": "2026-01-01T00:59:00+00:00",
        "freshness_lag_seconds": 60.0,
        "dead_letters_in_window": 0,
        "dead_letters_by_reason": {},
        "dead_letter_rate": 0.0,
        "duplicate_email_rows": 0,
        "duplicate_email_rate": 0.0,
        "duplicate_event_ids": 0,
        "blank_rates": dict.fromkeys(quality.REQUIRED_NON_BLANK + quality.REQUIRED_NOT_NULL, 0.0),
        "invalid_format_rates": {"nationality": 0.0},
        "tombstoned_rows": 0,
        "tombstoned_row_examples": [],
    }
    base.update(overrides)
    return base


def test_clean_metrics_pass_default_thresholds():
    result = quality.result(WINDOW, metrics(), quality.thresholds_from({}))
    assert result["passed"] is True
    assert result["breaches"] == []
    assert {c["name"] for c in result["checks"]} == {
        "freshness_minutes",
        "dead_letter_rate",
        "duplicate_email_rate",
        "duplicate_event_ids",
        "blank_rate",
        "invalid_format_rate",
        "tombstoned_rows",
        "rows_in_window",
    }


def test_each_threshold_can_breach():
    blank = dict.fromkeys(quality.REQUIRED_NON_BLANK + quality.REQUIRED_NOT_NULL, 0.0)
    blank["phone"] = 0.05
    bad = metrics(
        freshness_lag_seconds=3600.0,
        dead_letter_rate=0.2,
        duplicate_email_rate=0.05,
        duplicate_event_ids=1,
        blank_rates=blank,
        invalid_format_rates={"nationality": 0.02},
        tombstoned_rows=1,
        tombstoned_row_examples=["5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f"],
        rows_in_window=3,
    )
    result = quality.result(WINDOW, bad, quality.thresholds_from({"min_rows": 10}))
    assert {b["name"] for b in result["breaches"]} == {
        "freshness_minutes",
        "dead_letter_rate",
        "duplicate_email_rate",
        "duplicate_event_ids",
        "blank_rate",
        "invalid_format_rate",
        "tombstoned_rows",
        "rows_in_window",
    }
    tombstoned = next(c for c in result["checks"] if c["name"] == "tombstoned_rows")
    assert tombstoned["detail"]["examples"] == ["5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f"]
    format_check = next(c for c in result["checks"] if c["name"] == "invalid_format_rate")
    assert format_check["detail"]["worst_field"] == "nationality"
    blank_check = next(c for c in result["checks"] if c["name"] == "blank_rate")
    assert blank_check["detail"]["worst_field"] == "phone"


def test_no_rows_at_all_is_a_freshness_breach_and_thresholds_are_params():
    empty = metrics(rows_in_window=0, newest_ingested_at=None, freshness_lag_seconds=None)
    assert [b["name"] for b in quality.result(WINDOW, empty, quality.thresholds_from({}))["breaches"]] == [
        "freshness_minutes"
    ]
    lenient = quality.thresholds_from({"max_freshness_minutes": 120, "max_dead_letter_rate": 0.5})
    assert quality.result(WINDOW, metrics(freshness_lag_seconds=3600.0, dead_letter_rate=0.2), lenient)["passed"]


def test_ingest_result_of_a_complete_pull_passes():
    verdict = evaluate('{"requested": 10, "fetched": 10, "produced": 10, "failed": 0, "complete": true}', 10, 0.0)
    assert verdict["passed"] is True
    assert verdict["shortfall"] == 0


def test_ingest_result_shortfall_counts_failed_and_unfetched_users():
    assert evaluate({"requested": 10, "produced": 8, "failed": 2}, 10, 0.0)["failure_ratio"] == 0.2
    incomplete = evaluate({"requested": 10, "produced": 4, "failed": 1, "complete": False}, 10, 0.5)
    assert incomplete["shortfall"] == 6
    assert incomplete["passed"] is False
    assert evaluate({"requested": 10, "produced": 9, "failed": 1}, 10, 0.1)["passed"] is True
    assert evaluate(b'{"produced": 3}', 3, 0.0)["requested"] == 3


@pytest.mark.parametrize(
    "payload", ["not json", "[1, 2]", '{"requested": 3}', '{"produced": -1}', '{"produced": true}']
)
def test_ingest_result_malformed(payload):
    with pytest.raises(MalformedIngestResultError):
        evaluate(payload, 3, 0.0)
