"""data_quality end to end (dag.test) on the real local PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from support import insert_postgres, make_user, run_dag

pytestmark = pytest.mark.integration


def recorded(stores, run_id):
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        cur.execute(
            "SELECT passed, rows_in_window, freshness_lag_seconds, dead_letter_rate, breaches, metrics "
            "FROM data_quality_runs WHERE dag_id = 'data_quality' AND run_id = %s",
            (run_id,),
        )
        row = cur.fetchone()
    conn.close()
    assert row is not None
    return [json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for v in row]


def add_dead_letters(stores, first_seen_at, count, reason="schema_violation"):
    conn = stores.admin_pg()
    with conn.cursor() as cur:
        for i in range(count):
            cur.execute(
                "INSERT INTO dead_letters (fingerprint, reason, raw_value, first_seen_at, last_seen_at) "
                "VALUES (encode(sha256(%s::bytea), 'hex'), %s, %s, %s, %s)",
                (f"dq-{first_seen_at.isoformat()}-{i}".encode(), reason, b"{}", first_seen_at, first_seen_at),
            )
    conn.close()


def test_clean_window_passes(dagbag, stores):
    # After the DAG's start_date: a logical date before it would schedule no task at all.
    start = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
    end = start + timedelta(hours=1)
    insert_postgres(stores, [make_user(end - timedelta(minutes=2 * i + 1), n=i) for i in range(20)])

    # No explicit window: the scheduled-run path (logical date = window end, one hour back, as @hourly does).
    conf = {"min_rows": 10, "lookback_minutes": 60, "settle_minutes": 0}
    state, tasks, run_id = run_dag(dagbag, "data_quality", conf, logical_date=end)

    assert state == "success", tasks
    passed, rows, lag, dl_rate, breaches, metrics = recorded(stores, run_id)
    assert (passed, rows, lag, dl_rate, breaches) == (True, 20, 60.0, 0.0, [])
    assert metrics["duplicate_event_ids"] == 0


def test_breaches_fail_the_run_and_are_recorded(dagbag, stores):
    start = datetime(2001, 9, 2, 12, 0, tzinfo=UTC)
    end = start + timedelta(hours=3)
    stale = start + timedelta(minutes=30)  # newest row 2.5 h before the window end
    users = [make_user(stale - timedelta(minutes=i), n=i) for i in range(10)]
    users[1]["email"] = users[0]["email"].upper()  # duplicate email (case-insensitive)
    users[2]["event_id"] = users[3]["event_id"]  # one event wrote two users
    users[4]["phone"] = "  "  # blank required field
    insert_postgres(stores, users)
    add_dead_letters(stores, start + timedelta(minutes=5), 3)

    conf = {"window_start": start.isoformat(), "window_end": end.isoformat()}
    state, tasks, run_id = run_dag(dagbag, "data_quality", conf)

    assert state == "failed"
    assert tasks["record"] == "success"
    assert tasks["enforce"] == "failed"
    passed, rows, lag, dl_rate, breaches, metrics = recorded(stores, run_id)
    assert passed is False
    assert rows == 10
    assert lag == 2.5 * 3600
    assert dl_rate == pytest.approx(3 / 13)
    assert {b["name"] for b in breaches} == {
        "freshness_minutes",
        "dead_letter_rate",
        "duplicate_email_rate",
        "duplicate_event_ids",
        "blank_rate",
    }
    assert metrics["dead_letters_by_reason"] == {"schema_violation": 3}
    assert metrics["blank_rates"]["phone"] == 0.1
